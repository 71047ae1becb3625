#pragma once

#include <QColor>
#include <QIdentityProxyModel>

namespace syncscope {

// Tints the cells for which a boolean role holds (in one column, or any: -1). The merge
// preview marks new writes amber in "After merge"; the decisions table marks keys still
// waiting red.
class RoleTint : public QIdentityProxyModel {
public:
    RoleTint(int role, int column, QColor color, QObject* parent);
    QVariant data(const QModelIndex& index, int role) const override;

private:
    int role_;
    int column_;
    QColor color_;
};

} // namespace syncscope

#pragma once

#include <QIdentityProxyModel>

namespace syncscope {

// Colours for the conflict grid (ConflictModel speaks in CellStateRole, being QtCore only):
// the winning write green, a write the winner follows amber, a write discarded unseen red,
// a store without the key grey. Text stays the palette's, so it reads in dark themes too.
class ConflictColors : public QIdentityProxyModel {
    Q_OBJECT
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex& index, int role) const override;
};

} // namespace syncscope

#include "roletint.h"

namespace syncscope {

RoleTint::RoleTint(int role, int column, QColor color, QObject* parent)
    : QIdentityProxyModel(parent)
    , role_(role)
    , column_(column)
    , color_(color) {}

QVariant RoleTint::data(const QModelIndex& index, int role) const {
    if (role == Qt::BackgroundRole && (column_ < 0 || index.column() == column_) &&
        index.data(role_).toBool())
        return color_;
    return QIdentityProxyModel::data(index, role);
}

} // namespace syncscope

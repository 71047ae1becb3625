#include "conflictcolors.h"

#include "conflictmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace syncscope {

QVariant ConflictColors::data(const QModelIndex& index, int role) const {
    if (role != Qt::BackgroundRole && role != Qt::FontRole)
        return QIdentityProxyModel::data(index, role);
    const QVariant state = QIdentityProxyModel::data(index, ConflictModel::CellStateRole);
    if (!state.isValid())
        return QIdentityProxyModel::data(index, role);
    using State = ConflictModel::CellState;
    const auto s = static_cast<State>(state.toInt());
    if (role == Qt::FontRole) {
        if (s != State::Discarded)
            return {};
        QFont struck;
        struck.setStrikeOut(true); // what the merge throws away, readable without colour
        return struck;
    }
    // Translucent tints over the base colour: legible on light and dark palettes alike.
    switch (s) {
    case State::Winner:
        return QBrush(QColor(46, 160, 67, 70));
    case State::SameAsWinner:
        return {};
    case State::FollowedByWinner:
        return QBrush(QColor(219, 171, 9, 70));
    case State::Discarded:
        return QBrush(QColor(207, 34, 46, 80));
    case State::Absent:
        return QBrush(QColor(128, 128, 128, 60));
    }
    return {};
}

} // namespace syncscope

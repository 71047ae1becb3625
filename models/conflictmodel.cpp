#include "conflictmodel.h"

#include "conflictexplain.h"

#include <algorithm>

namespace syncscope {

ConflictModel::ConflictModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ConflictModel::setSnapshot(std::shared_ptr<const ConflictSnapshot> snapshot) {
    beginResetModel();
    snapshot_ = std::move(snapshot);
    rebuildVisible();
    endResetModel();
}

void ConflictModel::setVisibleKinds(unsigned mask) {
    if (mask == visibleKinds_)
        return;
    beginResetModel();
    visibleKinds_ = mask;
    rebuildVisible();
    endResetModel();
}

void ConflictModel::rebuildVisible() {
    visible_.clear();
    if (!snapshot_)
        return;
    for (size_t r = 0; r < snapshot_->rowCount(); ++r)
        if (visibleKinds_ & (1u << static_cast<unsigned>(snapshot_->row(r).kind)))
            visible_.push_back(r);
}

int ConflictModel::rowOf(const QString& studentId, const QString& courseId) const {
    const std::string sid = studentId.toStdString(), cid = courseId.toStdString();
    // Rows are in key order: a binary search.
    auto less = [this](size_t r, const std::pair<std::string_view, std::string_view>& key) {
        const std::string_view s = snapshot_->studentId(r);
        return s != key.first ? s < key.first : snapshot_->courseId(r) < key.second;
    };
    const std::pair<std::string_view, std::string_view> key{sid, cid};
    auto it = std::lower_bound(visible_.begin(), visible_.end(), key, less);
    if (it == visible_.end() || snapshot_->studentId(*it) != sid || snapshot_->courseId(*it) != cid)
        return -1;
    return static_cast<int>(it - visible_.begin());
}

int ConflictModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(visible_.size());
}

int ConflictModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid())
        return 0;
    const int stores = snapshot_ ? static_cast<int>(snapshot_->storeCount()) : 0;
    return kKeyColumns + stores + 1; // the stores, then "after merge"
}

QString ConflictModel::cellText(const Write& w) const {
    if (w.isNone())
        return QStringLiteral("(missing)");
    const QString ts = QStringLiteral("  t=") + QString::number(w.ts);
    if (w.isTombstone())
        return QStringLiteral("(deleted)") + ts;
    return QString::fromUtf8(snapshot_->value(w)) + ts;
}

QVariant ConflictModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !snapshot_ || index.row() >= rowCount())
        return {};
    const size_t r = visible_[static_cast<size_t>(index.row())];
    const KeyConflict& c = snapshot_->row(r);
    const int col = index.column();
    const int stores = static_cast<int>(snapshot_->storeCount());
    if (role == KindRole)
        return static_cast<int>(c.kind);
    if (role == SnapshotRowRole)
        return static_cast<qulonglong>(r);

    const bool isStore = col >= kKeyColumns && col < kKeyColumns + stores;
    const bool isAfter = col == kKeyColumns + stores;
    if (role == CellStateRole) {
        if (isAfter)
            return static_cast<int>(CellState::Winner);
        if (!isStore)
            return {};
        const uint32_t bit = 1u << static_cast<unsigned>(col - kKeyColumns);
        if (c.absent & bit)
            return static_cast<int>(CellState::Absent);
        if (c.discarded & bit)
            return static_cast<int>(CellState::Discarded);
        if (c.differs & bit)
            return static_cast<int>(CellState::FollowedByWinner);
        return static_cast<int>(col - kKeyColumns == c.winner ? CellState::Winner
                                                              : CellState::SameAsWinner);
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};

    if (col == 0)
        return QString::fromUtf8(snapshot_->studentId(r));
    if (col == 1)
        return QString::fromUtf8(snapshot_->courseId(r));
    if (col == 2) {
        QString text = conflictKindName(c.kind);
        if (c.deleted)
            text += QStringLiteral(" · deleted");
        if (c.absent && c.kind != ConflictKind::Missing)
            text += QStringLiteral(" · missing");
        return text;
    }
    const Write& w =
        isAfter ? snapshot_->winner(r) : snapshot_->cell(r, static_cast<size_t>(col - kKeyColumns));
    if (role == Qt::ToolTipRole)
        return w.isNone() ? QStringLiteral("This store never received a write for this key.")
                          : describeWrite(*snapshot_, w) +
                                QStringLiteral(" (seq %1)").arg(QString::number(w.seq));
    return cellText(w);
}

QVariant ConflictModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case 0:
        return QStringLiteral("Student");
    case 1:
        return QStringLiteral("Course");
    case 2:
        return QStringLiteral("Conflict");
    default:
        break;
    }
    const int stores = snapshot_ ? static_cast<int>(snapshot_->storeCount()) : 0;
    if (section - kKeyColumns < stores)
        return QString::fromUtf8(snapshot_->storeName(static_cast<size_t>(section - kKeyColumns)));
    return QStringLiteral("After merge (LWW)");
}

} // namespace syncscope

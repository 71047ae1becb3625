#include "manualdecisionmodel.h"

namespace syncscope {

ManualDecisionModel::ManualDecisionModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ManualDecisionModel::setPreview(std::shared_ptr<const MergePreview> preview) {
    beginResetModel();
    preview_ = std::move(preview);
    endResetModel();
}

void ManualDecisionModel::setPicks(const ManualPicks& picks) {
    picks_ = picks;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, decisionColumn()), index(rowCount() - 1, decisionColumn() + 1));
}

int ManualDecisionModel::decisionColumn() const {
    return kKeyColumns + (preview_ ? static_cast<int>(preview_->participants().size()) : 0);
}

ManualPickKey ManualDecisionModel::keyAt(int row) const {
    const MergePreview::DecisionKey& k = preview_->decisionKeys()[static_cast<size_t>(row)];
    return {QString::fromStdString(k.studentId), QString::fromStdString(k.courseId)};
}

int ManualDecisionModel::rowOf(const ManualPickKey& key) const {
    for (int r = 0; r < rowCount(); ++r)
        if (keyAt(r) == key)
            return r;
    return -1;
}

int ManualDecisionModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !preview_ ? 0 : static_cast<int>(preview_->decisionKeys().size());
}

int ManualDecisionModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : decisionColumn() + 2;
}

QVariant ManualDecisionModel::data(const QModelIndex& index, int role) const {
    if (!preview_ || !index.isValid())
        return {};
    const MergePreview::DecisionKey& k = preview_->decisionKeys()[static_cast<size_t>(index.row())];
    if (role == UndecidedRole)
        return k.undecided;
    if (role == NeedsDecisionRole)
        return k.undecided && index.column() == decisionColumn() &&
               picks_.find(keyAt(index.row())) == picks_.end();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const int c = index.column();
    if (c == 0)
        return QString::fromStdString(k.studentId);
    if (c == 1)
        return QString::fromStdString(k.courseId);
    if (c < decisionColumn())
        return QString::fromStdString(
            preview_->describe(k.writes[static_cast<size_t>(c - kKeyColumns)]));
    const auto pick = picks_.find(keyAt(index.row()));
    if (pick == picks_.end())
        return c == decisionColumn()
                   ? (k.undecided ? QStringLiteral("needs your decision") : QStringLiteral("—"))
                   : QString();
    if (c == decisionColumn())
        return describePick(pick->second,
                            QString::fromStdString(preview_->storeName(pick->second.store)));
    return pick->second.note;
}

QVariant ManualDecisionModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return QStringLiteral("Student");
    if (section == 1)
        return QStringLiteral("Course");
    if (section == decisionColumn())
        return QStringLiteral("Your decision");
    if (section == decisionColumn() + 1)
        return QStringLiteral("Note");
    if (!preview_)
        return {};
    return QString::fromStdString(
        preview_->storeName(preview_->participants()[static_cast<size_t>(section - kKeyColumns)]));
}

} // namespace syncscope

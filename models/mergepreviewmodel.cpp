#include "mergepreviewmodel.h"

#include "conflictexplain.h"

namespace syncscope {

MergePreviewModel::MergePreviewModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void MergePreviewModel::setPreview(std::shared_ptr<const MergePreview> preview) {
    beginResetModel();
    preview_ = std::move(preview);
    endResetModel();
}

int MergePreviewModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !preview_ ? 0 : static_cast<int>(preview_->rowCount());
}

int MergePreviewModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString MergePreviewModel::reasonText(const MergePreview& p, const PlannedWrite& row) {
    const QString picked =
        row.picked >= 0 ? QString::fromStdString(p.storeName(static_cast<size_t>(row.picked)))
                        : QString();
    QString why;
    switch (row.reason) {
    case DecisionReason::Greatest:
        why = QStringLiteral("the greatest write (last writer wins)");
        break;
    case DecisionReason::SourceWins:
        why = QStringLiteral("source wins: %1's value").arg(picked);
        break;
    case DecisionReason::TargetWins:
        why = QStringLiteral("target wins: %1 keeps its value").arg(picked);
        break;
    case DecisionReason::Priority:
        why =
            QStringLiteral("store priority: %1 ranks highest of those holding the key").arg(picked);
        break;
    case DecisionReason::HighestGrade:
        why = QStringLiteral("highest grade: %1's").arg(picked);
        break;
    case DecisionReason::Manual:
        why = picked.isEmpty() ? QStringLiteral("your decision: a typed value")
                               : QStringLiteral("your decision: %1's value").arg(picked);
        break;
    }
    if (row.decision)
        why += QStringLiteral("; LWW alone would keep %1, so it is written anew to beat every "
                              "write of the key")
                   .arg(QString::fromStdString(p.describe(row.greatest)));
    return why;
}

QVariant MergePreviewModel::data(const QModelIndex& index, int role) const {
    if (!preview_ || !index.isValid())
        return {};
    const PlannedWrite& row = preview_->row(static_cast<size_t>(index.row()));
    if (role == DecisionRole)
        return row.decision;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const size_t r = static_cast<size_t>(index.row());
    switch (index.column()) {
    case Target:
        return QString::fromStdString(preview_->storeName(preview_->request().targets[row.target]));
    case Student:
        return QString::fromUtf8(preview_->studentId(r));
    case Course:
        return QString::fromUtf8(preview_->courseId(r));
    case Bucket:
        return conflictKindName(row.kind);
    case Now:
        return QString::fromStdString(preview_->describe(row.before));
    case After:
        return QString::fromStdString(preview_->describe(row.after, row.decision));
    case Why:
        return reasonText(*preview_, row);
    }
    return {};
}

QVariant MergePreviewModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const kTitles[] = {"Target", "Student",     "Course", "Bucket",
                                          "Now",    "After merge", "Why"};
    return QString::fromLatin1(kTitles[section]);
}

} // namespace syncscope

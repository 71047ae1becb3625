#include "auditmodel.h"

namespace syncscope {

AuditModel::AuditModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void AuditModel::setEntries(std::vector<AuditEntry> entries) {
    beginResetModel();
    entries_ = std::move(entries);
    endResetModel();
}

int AuditModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(entries_.size());
}

int AuditModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const AuditEntry& e = entry(index.row());
    if (role == KindRole)
        return e.kind;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const auto valueText = [&e](const QString& v) {
        return e.kind == QLatin1String("key") || e.kind == QLatin1String("revert")
                   ? (v.isNull() ? QStringLiteral("(absent)") : v)
                   : QString();
    };
    switch (index.column()) {
    case Id:
        return static_cast<qlonglong>(e.id);
    case Merge:
        return static_cast<qlonglong>(e.mergeId);
    case Kind:
        return e.kind;
    case At:
        return e.at;
    case User:
        return e.user;
    case Store:
        return e.store;
    case Student:
        return e.studentId;
    case Course:
        return e.courseId;
    case Before:
        return valueText(e.before);
    case After:
        return valueText(e.after);
    case Winner:
        return e.winner;
    case Reason:
        return e.reason;
    case Note:
        return e.note;
    case Detail:
        return e.detail;
    }
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const kTitles[] = {"#",      "Merge",   "Kind",   "When",   "Who",
                                          "Store",  "Student", "Course", "Before", "After",
                                          "Winner", "Reason",  "Note",   "Detail"};
    return QString::fromLatin1(kTitles[section]);
}

} // namespace syncscope

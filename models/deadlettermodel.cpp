#include "deadlettermodel.h"

#include <QDateTime>

#include <algorithm>

namespace syncscope {

DeadLetterModel::DeadLetterModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void DeadLetterModel::setLetters(const QString& target, const std::vector<DeadLetter>& letters) {
    beginResetModel();
    std::erase_if(rows_, [&](const Row& r) { return r.target == target; });
    for (const DeadLetter& d : letters)
        rows_.push_back({target, d});
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](const Row& a, const Row& b) { return a.target < b.target; });
    endResetModel();
}

void DeadLetterModel::clear() {
    beginResetModel();
    rows_.clear();
    endResetModel();
}

int DeadLetterModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DeadLetterModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeadLetterModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const Row& r = rows_[static_cast<size_t>(index.row())];
    switch (index.column()) {
    case Target:
        return r.target;
    case Write:
        return r.letter.describe();
    case Reason:
        return r.letter.reason;
    case SetAsideAt:
        return QDateTime::fromMSecsSinceEpoch(r.letter.atMs).toString(Qt::ISODate);
    default:
        return {};
    }
}

QVariant DeadLetterModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Target:
        return QStringLiteral("Target");
    case Write:
        return QStringLiteral("Set-aside write");
    case Reason:
        return QStringLiteral("Why the target would refuse it");
    case SetAsideAt:
        return QStringLiteral("Set aside at");
    default:
        return {};
    }
}

} // namespace syncscope

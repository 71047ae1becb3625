#include "storesummarymodel.h"

namespace syncscope {

StoreSummaryModel::StoreSummaryModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void StoreSummaryModel::setStores(QVector<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

void StoreSummaryModel::setState(int row, const QString& state) {
    if (row < 0 || row >= rows_.size())
        return;
    rows_[row].state = state;
    Q_EMIT dataChanged(index(row, State), index(row, State));
}

void StoreSummaryModel::setCounts(int row, qint64 keys, qint64 oplogEntries) {
    if (row < 0 || row >= rows_.size())
        return;
    rows_[row].keys = keys;
    rows_[row].oplogEntries = oplogEntries;
    Q_EMIT dataChanged(index(row, Keys), index(row, OplogEntries));
}

int StoreSummaryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int StoreSummaryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StoreSummaryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size())
        return {};
    const Row& r = rows_[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name:
            return r.name;
        case Kind:
            return r.embedded ? r.kind + QStringLiteral(" (embedded)") : r.kind;
        case Location:
            return r.location;
        case State:
            return r.state;
        case Keys:
            return r.keys < 0 ? QVariant(QStringLiteral("…")) : QVariant(r.keys);
        case OplogEntries:
            return r.oplogEntries < 0 ? QVariant(QStringLiteral("…")) : QVariant(r.oplogEntries);
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Keys || index.column() == OplogEntries))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Kind && r.embedded)
        return QStringLiteral("Embedded store: a SQLite file in Syncscope's data folder");
    return {};
}

QVariant StoreSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return QStringLiteral("Store");
    case Kind:
        return QStringLiteral("Kind");
    case Location:
        return QStringLiteral("Location");
    case State:
        return QStringLiteral("State");
    case Keys:
        return QStringLiteral("Keys");
    case OplogEntries:
        return QStringLiteral("Oplog entries");
    }
    return {};
}

} // namespace syncscope

#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <QVector>

namespace syncscope {

// One row per store of the workspace: name, backend kind, where it lives, connection state,
// live keys and oplog entries. Fed by whoever talks to the stores (never does I/O itself).
class StoreSummaryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Kind, Location, State, Keys, OplogEntries, ColumnCount };

    struct Row {
        QString name;
        QString kind;
        QString location;
        bool embedded = false;
        QString state = QStringLiteral("connecting");
        qint64 keys = -1; // -1: not known yet
        qint64 oplogEntries = -1;
    };

    explicit StoreSummaryModel(QObject* parent = nullptr);

    void setStores(QVector<Row> rows);
    void setState(int row, const QString& state);
    void setCounts(int row, qint64 keys, qint64 oplogEntries);
    const Row& store(int row) const { return rows_[row]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<Row> rows_;
};

} // namespace syncscope

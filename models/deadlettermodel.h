#pragma once

#include "deadletter.h"

#include <QAbstractTableModel>

#include <vector>

namespace syncscope {

// The Follow dock's list of set-aside writes (deadletter.h), every target's: which target, the
// write (identity, key, value spelled out), why the target would refuse it, and when it was
// set aside. Fed by whoever runs the follow; never does I/O itself.
class DeadLetterModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Target, Write, Reason, SetAsideAt, ColumnCount };

    explicit DeadLetterModel(QObject* parent = nullptr);

    // The whole list of `target` (replaces what it had; other targets' rows stay).
    void setLetters(const QString& target, const std::vector<DeadLetter>& letters);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString target;
        DeadLetter letter;
    };
    std::vector<Row> rows_;
};

} // namespace syncscope

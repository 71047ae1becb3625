#pragma once

#include "followprogress.h"
#include "lagsummary.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace syncscope {

// The follow panel's table: one row per target of a follow, with its state, how far it got in
// the source's oplog, what it wrote, how many writes it set aside, its rate and lag over the
// last second, and why it is retrying. Fed once a second by whoever runs the follow (never does I/O
// itself).
class FollowProgressModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Target,
        State,
        Position,
        Applied,
        AlreadyHeld,
        SetAside,
        Rate,
        LagP50,
        LagP99,
        Problem,
        ColumnCount
    };

    explicit FollowProgressModel(QObject* parent = nullptr);

    void setTargets(const QStringList& names);
    // The latest of one target: its progress, and its writes per second and lag percentiles
    // over the last interval.
    void update(int row, const FollowProgress& progress, double writesPerSecond,
                const LagSummary& lag);
    // Only the progress (the state changed between two samples).
    void setProgress(int row, const FollowProgress& progress);
    const FollowProgress& progress(int row) const {
        return rows_[static_cast<size_t>(row)].progress;
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString name;
        FollowProgress progress;
        double rate = 0;
        LagSummary lag;
    };
    std::vector<Row> rows_;
};

} // namespace syncscope

#pragma once

#include "conflictsnapshot.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace syncscope {

// The N-way conflict grid over a ConflictSnapshot: one row per key that is not identical, the
// key, its bucket, one column per store and an "after merge" column (last-writer-wins). Which
// buckets show is a filter; everything else is read straight from the snapshot in data(), so a
// grid of a million keys costs the snapshot and one index per visible row.
class ConflictModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles {
        // The row's ConflictKind (every column).
        KindRole = Qt::UserRole + 1,
        // A store column's CellState; the after-merge column says Winner.
        CellStateRole,
        // The row's index in the snapshot (for explanations).
        SnapshotRowRole,
    };
    enum class CellState { Winner, SameAsWinner, FollowedByWinner, Discarded, Absent };
    static constexpr int kKeyColumns = 3; // student, course, conflict

    explicit ConflictModel(QObject* parent = nullptr);

    void setSnapshot(std::shared_ptr<const ConflictSnapshot> snapshot);
    const ConflictSnapshot* snapshot() const { return snapshot_.get(); }
    // Bit i set: rows of ConflictKind i show (identical rows are never listed).
    void setVisibleKinds(unsigned mask);
    unsigned visibleKinds() const { return visibleKinds_; }
    // The visible row of a key, or -1.
    int rowOf(const QString& studentId, const QString& courseId) const;
    size_t snapshotRow(int row) const { return visible_[static_cast<size_t>(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void rebuildVisible();
    QString cellText(const Write& w) const;

    std::shared_ptr<const ConflictSnapshot> snapshot_;
    std::vector<size_t> visible_;
    unsigned visibleKinds_ = ~0u;
};

} // namespace syncscope

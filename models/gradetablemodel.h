#pragma once

#include "graderows.h"
#include "interner.h"
#include "logrecord.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace syncscope {

// One store's grade table: its live rows in (student_id, course_id) byte order, held compactly
// (32 bytes a row, strings interned) and turned into text only in data(). Rows arrive in pages
// from the store's worker: beginLoad() sets the logical row count at once, so a million-row
// store opens immediately with "loading…" placeholders, and each page replaces placeholders
// as it lands. Every load has a generation; a page from a superseded load is dropped. The
// model does no I/O: whoever owns the worker feeds it.
class GradeTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Student = gradecolumn::Student,
        Course = gradecolumn::Course,
        Grade = gradecolumn::Grade,
        Timestamp = gradecolumn::Timestamp,
        Origin = gradecolumn::Origin,
        Seq = gradecolumn::Seq,
        ColumnCount = gradecolumn::Count
    };
    // True on rows still loading (views draw them dimmed; colours are the UI's business).
    static constexpr int PlaceholderRole = Qt::UserRole + 1;

    explicit GradeTableModel(QObject* parent = nullptr);

    // Starts a load of about `expectedRows` live rows; returns the load's generation.
    quint64 beginLoad(qint64 expectedRows);
    // A page in key order following the previous one (tombstones are skipped). Returns false,
    // changing nothing, when `generation` is not the current load.
    bool appendPage(quint64 generation, const std::vector<GradeRecord>& page);
    // The load is complete; placeholders left over (the store shrank meanwhile) go.
    void endLoad(quint64 generation);
    bool isLoading() const { return loading_; }
    quint64 generation() const { return generation_; }
    int loadedRows() const { return static_cast<int>(rows_.size()); }

    // A write the store applied: inserts, updates or, for a tombstone, removes the key's row.
    // While loading, a key past the loaded part is left to the page that will bring it.
    // Returns the key's row afterwards, or -1.
    int applyWrite(const GradeRecord& write);
    // Many writes at once (a committed batch): one merge pass over the rows and one layout
    // change, instead of a vector insertion and a view update per key. Returns the row of the
    // last write's key afterwards, or -1.
    int applyWrites(const std::vector<GradeRecord>& writes);
    // The row of a key, or -1.
    int rowOf(std::string_view studentId, std::string_view courseId) const;

    // The loaded rows as they are now, for GradeFilterModel to search and order without
    // building QStrings; valid until the next change.
    GradeRowsView rowsView() const { return {rows_.data(), rows_.size(), &strings_}; }
    // A copy of the loaded rows that a worker may read while this model changes.
    std::shared_ptr<const GradeRowsSnapshot> snapshot() const;
    // Up to `max` loaded keys whose student id starts with `prefix`, in key order (rows are
    // sorted by key, so this is a binary search and a short walk): key completion.
    std::vector<std::pair<std::string, std::string>> keysWithPrefix(std::string_view prefix,
                                                                    size_t max) const;

    // Row storage made ahead. A table whose vector is full has to grow it, and on a million
    // rows that is tens of MB allocated and first touched at once: 59-122 ms on the UI thread
    // in bench_merge_apply. So when little room is left the table asks for a bigger vector
    // (roomWanted); its owner makes it on a worker (makeRoom, which allocates and
    // touches it there) and hands it to adoptRoom, which only copies the rows across. Until
    // then, or if nobody answers, the vector grows by itself as before.
    static std::vector<GradeRow> makeRoom(qint64 rows);
    // Takes `room` as the row storage when it holds more than the present one; returns the
    // storage given up (or `room`), for the caller to free off this thread.
    std::vector<GradeRow> adoptRoom(std::vector<GradeRow> room);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // Sent after every change to the loaded rows, once Qt's own signals for it are out: which
    // rows moved and which hold new content, exactly (dataChanged gives one range around a
    // batch's scattered rows). Proxies that keep row numbers follow the table by it.
    void rowsChanged(const syncscope::RowChange& change);
    // The row storage is filling: room for `rows` rows made ahead would spare a growth (above).
    void roomWanted(qint64 rows);

private:
    using Row = GradeRow;

    Row makeRow(const GradeRecord& g);
    // First row whose key is not less than (sid, cid).
    size_t lowerBound(std::string_view sid, std::string_view cid) const;
    // The same, knowing it is at or after `from`: gallops on from there (doubling steps, then
    // a binary search), so a run of nearby keys costs a few compares each.
    size_t lowerBoundFrom(size_t from, std::string_view studentId, std::string_view courseId) const;
    int placeholders() const;
    // Emits roomWanted when the vector is nearly full for writes of this size (`inserted` rows
    // at a time).
    void askForRoom(size_t inserted);
    QModelIndexList movedIndexes(const QModelIndexList& before,
                                 const std::vector<size_t>& insertedAt,
                                 const std::vector<size_t>& removedAt) const;
    QString text(uint32_t id) const;

    std::vector<Row> rows_;
    StringInterner strings_;
    qint64 expected_ = 0;
    quint64 generation_ = 0;
    bool loading_ = false;
    bool roomAsked_ = false; // a roomWanted not yet answered by adoptRoom
};

} // namespace syncscope

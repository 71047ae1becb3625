#pragma once

#include "interner.h"
#include "logrecord.h"

#include <QAbstractTableModel>

#include <deque>
#include <unordered_map>
#include <vector>

namespace syncscope {

// One store's oplog, oldest first, fetched as the user scrolls: canFetchMore()/fetchMore() ask
// for the next page through fetchRequested(), and whoever owns the store's worker answers with
// appendPage(). Rows are compact (strings interned, text built in data()). Entries the
// program itself just appended arrive through appendLive() and show at once when everything
// before them is already loaded. The model does no I/O.
class OplogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // As a seed-format line reads (docs/cli.md: "4, SET((SID1033,CSE016),B)"): the timestamp first,
    // then the operation, key and value; where the write came from and when it was logged after.
    enum Column {
        Position,
        Timestamp,
        Op,
        Student,
        Course,
        Value,
        Origin,
        Seq,
        WallTime,
        ColumnCount
    };
    static constexpr size_t kPageSize = 1000;
    // True on a write that lost on arrival: the log already held a greater write of its key
    // (docs/script-language.md's order: timestamp, then origin name, then seq), so it never showed
    // in the table. The view draws it struck through; its tooltip says which write beat it.
    static constexpr int LostOnArrivalRole = Qt::UserRole + 1;

    explicit OplogModel(QObject* parent = nullptr);

    // Forgets everything; the next fetch starts at the beginning. Returns the new generation.
    quint64 reset();
    // A page following the last entry; `more` says whether the store has entries after it.
    // Dropped when `generation` is not current.
    bool appendPage(quint64 generation, const std::vector<LogRecord>& page, bool more);
    // An entry just appended by this program; shown if the model has reached the log's end.
    void appendLive(const LogRecord& entry);
    // The store appended entries: when the model has reached the log's end, asks for what
    // follows (a fetch that is already out will bring them anyway).
    void requestTail();
    // Fetches page after page until the log's end (a step's new entries, Ctrl+End);
    // endReached() follows, at once when the end is already here.
    void fetchToEnd();
    quint64 generation() const { return generation_; }
    int64_t lastPosition() const { return rows_.empty() ? 0 : rows_.back().position; }
    bool reachedEnd() const { return !more_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

Q_SIGNALS:
    // Asks for up to kPageSize entries after `after`.
    void fetchRequested(quint64 generation, qint64 after);
    void endReached();

private:
    struct Row {
        int64_t position;
        int64_t ts;
        uint64_t seq;
        int64_t wallMs;
        uint32_t student;
        uint32_t course;
        uint32_t value; // npos: none (DELETE, or a GET that returned NULL)
        uint32_t origin;
        EntryKind kind;
        bool lostOnArrival = false;
    };
    // The greatest write of each key in the rows loaded so far (they are loaded from the log's
    // start, in order, so this is the store's state as each row arrived).
    struct Greatest {
        int64_t ts;
        uint64_t seq;
        uint32_t origin;
        int64_t position;
    };
    void judgeArrival(Row& row);
    static uint64_t keyOf(const Row& row) {
        return (static_cast<uint64_t>(row.student) << 32) | row.course;
    }
    bool less(int64_t ts, uint32_t origin, uint64_t seq, const Greatest& than) const;

    Row makeRow(const LogRecord& r);
    QString text(uint32_t id) const;

    // A deque, not a vector: a log of millions of entries fetched to its end grows in chunks,
    // never copied whole on the UI thread.
    std::deque<Row> rows_;
    std::unordered_map<uint64_t, Greatest> greatest_;
    StringInterner strings_;
    quint64 generation_ = 0;
    bool more_ = true;
    bool fetching_ = false;
    bool toEnd_ = false; // fetchToEnd() under way
};

} // namespace syncscope

#include "gradetablemodel.h"

#include "utf8.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace syncscope {

GradeTableModel::GradeTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

GradeTableModel::Row GradeTableModel::makeRow(const GradeRecord& g) {
    return Row{strings_.intern(g.studentId),
               strings_.intern(g.courseId),
               strings_.intern(g.value),
               strings_.intern(g.origin),
               g.ts,
               g.seq};
}

QString GradeTableModel::text(uint32_t id) const {
    return toQString(strings_.view(id));
}

int GradeTableModel::placeholders() const {
    return loading_ ? static_cast<int>(std::max<qint64>(0, expected_ - loadedRows())) : 0;
}

quint64 GradeTableModel::beginLoad(qint64 expectedRows) {
    beginResetModel();
    rows_.clear();
    rows_.shrink_to_fit();
    strings_ = StringInterner();
    // Reserved up front: growth by doubling would leave up to half the array unused. A
    // sixteenth more is room for the keys a session adds: growing a million-row array past
    // its capacity reallocates it on the UI thread (17 ms for one new key in bench_gui).
    const qint64 rows = std::clamp<qint64>(expectedRows, 0, 50'000'000);
    rows_.reserve(static_cast<size_t>(rows + rows / 16 + 1024));
    expected_ = std::max<qint64>(0, expectedRows);
    loading_ = true;
    ++generation_;
    endResetModel();
    return generation_;
}

bool GradeTableModel::appendPage(quint64 generation, const std::vector<GradeRecord>& page) {
    if (generation != generation_ || !loading_)
        return false;
    std::vector<Row> fresh;
    fresh.reserve(page.size());
    for (const GradeRecord& g : page)
        if (!g.deleted)
            fresh.push_back(makeRow(g));
    const int first = loadedRows();
    const int n = static_cast<int>(fresh.size());
    // Rows that take the place of placeholders change data; any beyond the promised count
    // (the store grew since it was counted) are inserted.
    const int replaced = std::min(n, placeholders());
    rows_.insert(rows_.end(), fresh.begin(), fresh.begin() + replaced);
    if (replaced > 0)
        Q_EMIT dataChanged(index(first, 0), index(first + replaced - 1, ColumnCount - 1));
    if (n > replaced) {
        beginInsertRows({}, first + replaced, first + n - 1);
        rows_.insert(rows_.end(), fresh.begin() + replaced, fresh.end());
        expected_ = loadedRows();
        endInsertRows();
    }
    if (n > 0) {
        RowChange change;
        change.insertedAt.assign(static_cast<size_t>(n - replaced),
                                 static_cast<size_t>(first + replaced));
        change.changed.resize(static_cast<size_t>(n));
        std::iota(change.changed.begin(), change.changed.end(), first);
        Q_EMIT rowsChanged(change);
    }
    return true;
}

void GradeTableModel::endLoad(quint64 generation) {
    if (generation != generation_ || !loading_)
        return;
    const int left = placeholders();
    if (left > 0) {
        beginRemoveRows({}, loadedRows(), loadedRows() + left - 1);
        loading_ = false;
        endRemoveRows();
    } else {
        loading_ = false;
    }
    expected_ = loadedRows();
}

size_t GradeTableModel::lowerBound(std::string_view sid, std::string_view cid) const {
    return lowerBoundFrom(0, sid, cid);
}

size_t GradeTableModel::lowerBoundFrom(size_t from, std::string_view sid,
                                       std::string_view cid) const {
    const auto before = [&](size_t i) {
        const std::string_view rs = strings_.view(rows_[i].student);
        return rs != sid ? rs < sid : strings_.view(rows_[i].course) < cid;
    };
    size_t lo = from, hi = from, step = 1;
    while (hi < rows_.size() && before(hi)) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    hi = std::min(hi, rows_.size());
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (before(mid))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int GradeTableModel::rowOf(std::string_view studentId, std::string_view courseId) const {
    const size_t at = lowerBound(studentId, courseId);
    if (at < rows_.size() && strings_.view(rows_[at].student) == studentId &&
        strings_.view(rows_[at].course) == courseId)
        return static_cast<int>(at);
    return -1;
}

int GradeTableModel::applyWrite(const GradeRecord& write) {
    const size_t at = lowerBound(write.studentId, write.courseId);
    const bool exists = at < rows_.size() && strings_.view(rows_[at].student) == write.studentId &&
                        strings_.view(rows_[at].course) == write.courseId;
    const int row = static_cast<int>(at);
    if (write.deleted) {
        if (!exists)
            return -1;
        beginRemoveRows({}, row, row);
        rows_.erase(rows_.begin() + row);
        if (loading_)
            --expected_; // keeps the placeholder count as it was
        endRemoveRows();
        Q_EMIT rowsChanged(RowChange{{}, {at}, {}});
        return -1;
    }
    if (exists) {
        rows_[at] = makeRow(write);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        Q_EMIT rowsChanged(RowChange{{}, {}, {row}});
        return row;
    }
    if (loading_ && at == rows_.size())
        return -1; // past the loaded part: a later page brings it
    beginInsertRows({}, row, row);
    rows_.insert(rows_.begin() + row, makeRow(write));
    if (loading_)
        ++expected_;
    endInsertRows();
    Q_EMIT rowsChanged(RowChange{{at}, {}, {row}});
    askForRoom(1);
    return row;
}

int GradeTableModel::applyWrites(const std::vector<GradeRecord>& writes) {
    if (writes.empty())
        return -1;
    const GradeRecord lastWrite = writes.back();
    if (writes.size() <= 8) {
        for (const GradeRecord& w : writes)
            applyWrite(w);
        return rowOf(lastWrite.studentId, lastWrite.courseId);
    }
    // Sorted by key, as positions into `writes` (moving the records themselves, four strings
    // each, was half the time of a 15,000-write batch); of several states for one key the last
    // given wins, which the stable sort leaves last in its run.
    // A merge's batches come in key order already: checking costs one compare per write.
    std::vector<uint32_t> order(writes.size());
    std::iota(order.begin(), order.end(), uint32_t{0});
    if (!std::is_sorted(writes.begin(), writes.end(), keyLess))
        std::stable_sort(order.begin(), order.end(),
                         [&](uint32_t a, uint32_t b) { return keyLess(writes[a], writes[b]); });
    std::vector<const GradeRecord*> last;
    last.reserve(writes.size());
    for (uint32_t i : order) {
        const GradeRecord& w = writes[i];
        if (!last.empty() && sameKey(*last.back(), w))
            last.back() = &w;
        else
            last.push_back(&w);
    }
    // Where each write lands, by galloping on from where the previous key landed: no pass
    // over a million rows comparing keys, and a run of keys that land together (a merge
    // appending new keys) costs a compare or two each rather than a full binary search.
    struct Op {
        size_t pos;  // lower bound of the key among the current rows
        bool exists; // the key has that row
        const GradeRecord* write;
    };
    std::vector<Op> ops;
    ops.reserve(last.size());
    size_t from = 0;
    for (const GradeRecord* write : last) {
        const GradeRecord& w = *write;
        const size_t pos = lowerBoundFrom(from, w.studentId, w.courseId);
        from = pos;
        const bool exists = pos < rows_.size() &&
                            strings_.view(rows_[pos].student) == w.studentId &&
                            strings_.view(rows_[pos].course) == w.courseId;
        if (!exists && (w.deleted || (loading_ && pos == rows_.size())))
            continue; // nothing to remove; or past the loaded part, where a page brings it
        ops.push_back({pos, exists, &w});
    }
    const bool structural = std::any_of(
        ops.begin(), ops.end(), [](const Op& op) { return !op.exists || op.write->deleted; });
    if (!structural) {
        RowChange change;
        for (const Op& op : ops) {
            rows_[op.pos] = makeRow(*op.write);
            change.changed.push_back(static_cast<int>(op.pos)); // ascending: ops are in key order
        }
        if (!change.changed.empty()) {
            Q_EMIT dataChanged(index(change.changed.front(), 0),
                               index(change.changed.back(), ColumnCount - 1));
            Q_EMIT rowsChanged(change);
        }
        return rowOf(lastWrite.studentId, lastWrite.courseId);
    }

    // In place: updates, then removals closing up from the front, then insertions opening
    // room from the back. Each row moves at most twice, by block, inside the vector's own
    // memory: a fresh million-row vector per batch cost its page faults on the UI thread
    // (bench_gui's running stall, 45-63 ms with a rebuilt vector).
    std::vector<size_t> insertedAt, removedAt; // old positions, ascending
    for (const Op& op : ops) {
        if (!op.exists)
            insertedAt.push_back(op.pos);
        else if (op.write->deleted)
            removedAt.push_back(op.pos);
    }
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    const QModelIndexList after = movedIndexes(before, insertedAt, removedAt);
    const auto at = [this](size_t i) { return rows_.begin() + static_cast<std::ptrdiff_t>(i); };
    for (const Op& op : ops)
        if (op.exists && !op.write->deleted)
            rows_[op.pos] = makeRow(*op.write);
    if (!removedAt.empty()) {
        auto dst = at(removedAt.front());
        for (size_t i = 0; i < removedAt.size(); ++i) {
            const size_t end = i + 1 < removedAt.size() ? removedAt[i + 1] : rows_.size();
            dst = std::move(at(removedAt[i] + 1), at(end), dst);
        }
        rows_.resize(rows_.size() - removedAt.size());
    }
    if (!insertedAt.empty()) {
        // An insertion's place, after the removals before it.
        std::vector<std::pair<size_t, const GradeRecord*>> inserts;
        inserts.reserve(insertedAt.size());
        size_t removedBefore = 0;
        for (const Op& op : ops) {
            if (op.exists)
                continue;
            while (removedBefore < removedAt.size() && removedAt[removedBefore] < op.pos)
                ++removedBefore;
            inserts.emplace_back(op.pos - removedBefore, op.write);
        }
        const size_t oldSize = rows_.size();
        rows_.resize(oldSize + inserts.size());
        size_t src = oldSize, dst = rows_.size();
        for (auto it = inserts.rbegin(); it != inserts.rend(); ++it) {
            std::move_backward(at(it->first), at(src), at(dst));
            dst -= src - it->first;
            src = it->first;
            rows_[--dst] = makeRow(*it->second);
        }
    }
    if (loading_)
        expected_ += static_cast<qint64>(insertedAt.size()) - static_cast<qint64>(removedAt.size());
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
    // The rows written, in new numbers and key order: an update is its old row renumbered;
    // the j-th insertion lands after j earlier ones and the rows before its place that stayed.
    RowChange change{std::move(insertedAt), std::move(removedAt), {}};
    size_t inserted = 0;
    for (const Op& op : ops) {
        if (op.exists && !op.write->deleted) {
            change.changed.push_back(change.renumbered(static_cast<int>(op.pos)));
        } else if (!op.exists) {
            const auto removedBefore =
                std::lower_bound(change.removedAt.begin(), change.removedAt.end(), op.pos) -
                change.removedAt.begin();
            change.changed.push_back(
                static_cast<int>(op.pos + inserted++ - static_cast<size_t>(removedBefore)));
        }
    }
    const size_t insertedRows = change.insertedAt.size();
    Q_EMIT rowsChanged(change);
    askForRoom(insertedRows);
    return rowOf(lastWrite.studentId, lastWrite.courseId);
}

void GradeTableModel::askForRoom(size_t inserted) {
    // Below this many rows a growth copies under a megabyte: not worth a worker's round trip.
    constexpr size_t kSmall = size_t{1} << 16;
    const size_t size = rows_.size();
    // A loaded table has 1/16 to spare (beginLoad): single SETs can use half of that before
    // room is asked for. A merge's batches ask while sixteen more would still fit: making room
    // for two million rows on a worker took as long as four to eight 10,000-key batches.
    if (roomAsked_ || size < kSmall ||
        rows_.capacity() - size >= std::max(16 * inserted, size / 32))
        return;
    roomAsked_ = true;
    Q_EMIT roomWanted(static_cast<qint64>(std::max(2 * size, size + 32 * inserted)));
}

std::vector<GradeRow> GradeTableModel::makeRoom(qint64 rows) {
    // Value-initialised, so every page is written (and faulted in) here, on the caller's thread.
    return std::vector<GradeRow>(static_cast<size_t>(std::max<qint64>(rows, 0)));
}

std::vector<GradeRow> GradeTableModel::adoptRoom(std::vector<GradeRow> room) {
    roomAsked_ = false;
    if (room.size() <= rows_.capacity())
        return room; // the vector grew by itself meanwhile
    std::copy(rows_.begin(), rows_.end(), room.begin());
    room.resize(rows_.size()); // keeps the capacity; the rows past the end are trivial
    rows_.swap(room);
    return room;
}

// Where persistent indexes go when rows are inserted before the given old positions and the
// rows at removedAt go (both ascending): a loaded row shifts by the insertions at or before it
// less the removals before it; a placeholder keeps its distance from the loaded rows' end.
QModelIndexList GradeTableModel::movedIndexes(const QModelIndexList& before,
                                              const std::vector<size_t>& insertedAt,
                                              const std::vector<size_t>& removedAt) const {
    const size_t loaded = rows_.size();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& idx : before) {
        const size_t old = static_cast<size_t>(idx.row());
        if (old >= loaded) {
            after << createIndex(static_cast<int>(old + insertedAt.size() - removedAt.size()),
                                 idx.column());
            continue;
        }
        if (std::binary_search(removedAt.begin(), removedAt.end(), old)) {
            after << QModelIndex();
            continue;
        }
        const auto ins =
            std::upper_bound(insertedAt.begin(), insertedAt.end(), old) - insertedAt.begin();
        const auto rem =
            std::lower_bound(removedAt.begin(), removedAt.end(), old) - removedAt.begin();
        after << createIndex(
            static_cast<int>(old + static_cast<size_t>(ins) - static_cast<size_t>(rem)),
            idx.column());
    }
    return after;
}

std::vector<std::pair<std::string, std::string>>
GradeTableModel::keysWithPrefix(std::string_view prefix, size_t max) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = lowerBound(prefix, {}); i < rows_.size() && out.size() < max; ++i) {
        const std::string_view sid = strings_.view(rows_[i].student);
        if (sid.substr(0, prefix.size()) != prefix)
            break;
        out.emplace_back(sid, strings_.view(rows_[i].course));
    }
    return out;
}

std::shared_ptr<const GradeRowsSnapshot> GradeTableModel::snapshot() const {
    auto copy = std::make_shared<GradeRowsSnapshot>();
    copy->rows = rows_;
    copy->strings = strings_;
    return copy;
}

int GradeTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : loadedRows() + placeholders();
}

int GradeTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GradeTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    if (index.row() >= loadedRows()) {
        if (role == Qt::DisplayRole && index.column() == Student)
            return QStringLiteral("loading…");
        if (role == PlaceholderRole)
            return true;
        return {};
    }
    const Row& r = rows_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Student:
            return text(r.student);
        case Course:
            return text(r.course);
        case Grade:
            return text(r.value);
        case Timestamp:
            return QVariant::fromValue<qlonglong>(r.ts);
        case Origin:
            return text(r.origin);
        case Seq:
            return QVariant::fromValue<qulonglong>(r.seq);
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Timestamp || index.column() == Seq))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant GradeTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const names[] = {"Student", "Course", "Grade", "ts", "Origin", "Seq"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

} // namespace syncscope

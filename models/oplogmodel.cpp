#include "oplogmodel.h"

#include "utf8.h"

#include <QDateTime>

namespace syncscope {

OplogModel::OplogModel(QObject* parent)
    : QAbstractTableModel(parent) {}

OplogModel::Row OplogModel::makeRow(const LogRecord& r) {
    return Row{r.position,
               r.ts,
               r.seq,
               r.wallMs,
               strings_.intern(r.studentId),
               strings_.intern(r.courseId),
               r.hasValue ? strings_.intern(r.value) : StringInterner::npos,
               strings_.intern(r.origin),
               r.kind};
}

bool OplogModel::less(int64_t ts, uint32_t origin, uint64_t seq, const Greatest& than) const {
    if (ts != than.ts)
        return ts < than.ts;
    if (origin != than.origin)
        return strings_.view(origin) < strings_.view(than.origin);
    return seq < than.seq;
}

void OplogModel::judgeArrival(Row& row) {
    if (row.kind == EntryKind::Get)
        return;
    const auto [it, fresh] =
        greatest_.try_emplace(keyOf(row), Greatest{row.ts, row.seq, row.origin, row.position});
    if (fresh)
        return;
    if (less(row.ts, row.origin, row.seq, it->second))
        row.lostOnArrival = true;
    else
        it->second = Greatest{row.ts, row.seq, row.origin, row.position};
}

QString OplogModel::text(uint32_t id) const {
    if (id == StringInterner::npos)
        return {};
    return toQString(strings_.view(id));
}

quint64 OplogModel::reset() {
    beginResetModel();
    rows_.clear();
    greatest_.clear();
    strings_ = StringInterner();
    more_ = true;
    fetching_ = false;
    toEnd_ = false;
    ++generation_;
    endResetModel();
    return generation_;
}

bool OplogModel::appendPage(quint64 generation, const std::vector<LogRecord>& page, bool more) {
    if (generation != generation_)
        return false;
    // Entries already shown (appended live while the page was on its way) are skipped.
    const int64_t last = lastPosition();
    std::vector<Row> fresh;
    for (const LogRecord& r : page)
        if (r.position > last) {
            fresh.push_back(makeRow(r));
            judgeArrival(fresh.back());
        }
    if (!fresh.empty()) {
        const int first = rowCount();
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        rows_.insert(rows_.end(), fresh.begin(), fresh.end());
        endInsertRows();
    }
    // Only now: a view reacting to the inserted rows may fetch again, and must ask for what
    // follows them, not for this page a second time.
    more_ = more;
    fetching_ = false;
    if (toEnd_) {
        if (more_) {
            fetching_ = true;
            Q_EMIT fetchRequested(generation_, lastPosition());
        } else {
            toEnd_ = false;
            Q_EMIT endReached();
        }
    }
    return true;
}

void OplogModel::fetchToEnd() {
    if (!more_) {
        Q_EMIT endReached();
        return;
    }
    toEnd_ = true;
    if (!fetching_) {
        fetching_ = true;
        Q_EMIT fetchRequested(generation_, lastPosition());
    }
}

void OplogModel::appendLive(const LogRecord& entry) {
    if (more_ || entry.position <= lastPosition())
        return; // not at the end yet: the entry comes with a later page
    const int at = rowCount();
    beginInsertRows({}, at, at);
    rows_.push_back(makeRow(entry));
    judgeArrival(rows_.back());
    endInsertRows();
}

void OplogModel::requestTail() {
    if (more_ || fetching_)
        return;
    fetching_ = true;
    Q_EMIT fetchRequested(generation_, lastPosition());
}

bool OplogModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && more_ && !fetching_;
}

void OplogModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    fetching_ = true;
    Q_EMIT fetchRequested(generation_, lastPosition());
}

int OplogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int OplogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OplogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row& r = rows_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Position:
            return QVariant::fromValue<qlonglong>(r.position);
        case Op:
            return QString::fromLatin1(entryKindName(r.kind));
        case Student:
            return text(r.student);
        case Course:
            return text(r.course);
        case Value:
            if (r.kind == EntryKind::Get && r.value == StringInterner::npos)
                return QStringLiteral("NULL");
            return text(r.value);
        case Timestamp:
            return QVariant::fromValue<qlonglong>(r.ts);
        case Origin:
            return text(r.origin);
        case Seq:
            return r.kind == EntryKind::Get ? QVariant() : QVariant::fromValue<qulonglong>(r.seq);
        case WallTime:
            return QDateTime::fromMSecsSinceEpoch(r.wallMs).toString(Qt::ISODateWithMs);
        }
    }
    if (role == LostOnArrivalRole)
        return r.lostOnArrival;
    if (r.lostOnArrival && role == Qt::ToolTipRole) {
        const auto it = greatest_.find(keyOf(r));
        return it == greatest_.end()
                   ? QVariant()
                   : QVariant(QStringLiteral("Lost on arrival: the log already held a newer write "
                                             "of this key; its newest is ts %1 by %2 (#%3)")
                                  .arg(it->second.ts)
                                  .arg(text(it->second.origin))
                                  .arg(it->second.position));
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Position || index.column() == Timestamp || index.column() == Seq))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant OplogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const names[] = {"#",     "ts",     "Op",  "Student",  "Course",
                                        "Value", "Origin", "Seq", "Logged at"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

} // namespace syncscope

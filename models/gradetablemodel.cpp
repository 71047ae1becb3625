#include "gradetablemodel.h"

#include <algorithm>

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
    const std::string_view v = strings_.view(id);
    return QString::fromUtf8(v.data(), static_cast<qsizetype>(v.size()));
}

int GradeTableModel::placeholders() const {
    return loading_ ? static_cast<int>(std::max<qint64>(0, expected_ - loadedRows())) : 0;
}

quint64 GradeTableModel::beginLoad(qint64 expectedRows) {
    beginResetModel();
    rows_.clear();
    rows_.shrink_to_fit();
    strings_ = StringInterner();
    // Reserved up front: growth by doubling would leave up to half the array unused.
    rows_.reserve(static_cast<size_t>(std::clamp<qint64>(expectedRows, 0, 50'000'000)));
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
    auto it = std::lower_bound(rows_.begin(), rows_.end(), 0, [&](const Row& r, int) {
        const std::string_view rs = strings_.view(r.student);
        if (rs != sid)
            return rs < sid;
        return strings_.view(r.course) < cid;
    });
    return static_cast<size_t>(it - rows_.begin());
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
        return -1;
    }
    if (exists) {
        rows_[at] = makeRow(write);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return row;
    }
    if (loading_ && at == rows_.size())
        return -1; // past the loaded part: a later page brings it
    beginInsertRows({}, row, row);
    rows_.insert(rows_.begin() + row, makeRow(write));
    if (loading_)
        ++expected_;
    endInsertRows();
    return row;
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

#pragma once

#include "interner.h"

#include <QtCore/qnamespace.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// One live row of a grade table as the table model holds it: 32 bytes, strings interned.
struct GradeRow {
    uint32_t student;
    uint32_t course;
    uint32_t value;
    uint32_t origin;
    int64_t ts;
    uint64_t seq;
};
static_assert(sizeof(GradeRow) == 32);

// The table's columns, in GradeTableModel's order.
namespace gradecolumn {
enum : int { Student, Course, Grade, Timestamp, Origin, Seq, Count };
} // namespace gradecolumn

// Read-only access to rows in key order and the strings they point into: the live table on the
// UI thread, or a snapshot of it on a worker. Rows are numbered from 0 in key order.
struct GradeRowsView {
    const GradeRow* rows = nullptr;
    size_t count = 0;
    const StringInterner* strings = nullptr;

    // The student or course contains `needle` (ASCII case-insensitive) or the grade equals it.
    bool matches(size_t row, std::string_view needle) const;
};

// A copy of a table's loaded rows and strings that a worker can read while the table changes.
struct GradeRowsSnapshot {
    std::vector<GradeRow> rows;
    StringInterner strings;
    GradeRowsView view() const { return {rows.data(), rows.size(), &strings}; }
};

// What a search shows and in which order: rows matching `needle` (all when empty), ordered by
// `column` (-1: key order) ascending or descending. Rows with equal values stay in key order
// either way, so every ordering is total and the same on any thread.
struct GradeOrderSpec {
    std::string needle;
    int column = -1;
    Qt::SortOrder order = Qt::AscendingOrder;
    bool operator==(const GradeOrderSpec&) const = default;
};

// Whether row `a` comes before row `b` under `spec`.
bool gradeRowBefore(const GradeRowsView& rows, const GradeOrderSpec& spec, int a, int b);

// The rows of `rows` that `spec` shows, in its order. Text columns are ranked once per
// distinct string, so a million rows sort on integers rather than strings. Returns early
// (with an unusable result) once `cancelled` is set.
std::vector<int> orderGradeRows(const GradeRowsView& rows, const GradeOrderSpec& spec,
                                const std::atomic<bool>* cancelled = nullptr);

// How one change of a table moved its rows: rows were inserted before the old positions in
// `insertedAt` and the rows at `removedAt` went (both ascending, old numbering); `changed`
// holds the rows whose content is new, inserted or updated, in the new numbering, ascending.
struct RowChange {
    std::vector<size_t> insertedAt;
    std::vector<size_t> removedAt;
    std::vector<int> changed;

    // The new number of old row `old`, or -1 when it was removed.
    int renumbered(int old) const;
    bool movesRows() const { return !insertedAt.empty() || !removedAt.empty(); }
};

// Gives an ordering's rows their numbers after `change`; removed rows leave it. Changed rows
// keep their (possibly stale) places: placeGradeRows puts them right.
void renumberGradeOrder(std::vector<int>& order, const RowChange& change);
// Takes the rows `changed` (ascending) out of `order` and puts back, in place, those of them
// that `spec` shows now. Rows at or past rows.count (still loading) are left out.
void placeGradeRows(std::vector<int>& order, const std::vector<int>& changed,
                    const GradeRowsView& rows, const GradeOrderSpec& spec);

} // namespace syncscope

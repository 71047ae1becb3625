#include "graderows.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace syncscope {

namespace {

bool containsNoCase(std::string_view hay, std::string_view needle) {
    if (needle.size() > hay.size())
        return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t k = 0;
        while (k < needle.size() && lower(hay[i + k]) == lower(needle[k]))
            ++k;
        if (k == needle.size())
            return true;
    }
    return false;
}

bool isTextColumn(int column) {
    return column == gradecolumn::Student || column == gradecolumn::Course ||
           column == gradecolumn::Grade || column == gradecolumn::Origin;
}

uint32_t textId(const GradeRow& r, int column) {
    switch (column) {
    case gradecolumn::Student:
        return r.student;
    case gradecolumn::Course:
        return r.course;
    case gradecolumn::Grade:
        return r.value;
    default:
        return r.origin;
    }
}

// A number column as an unsigned key in the same order (the sign bit flipped for ts).
uint64_t numberKey(const GradeRow& r, int column) {
    return column == gradecolumn::Timestamp ? static_cast<uint64_t>(r.ts) ^ (uint64_t{1} << 63)
                                            : r.seq;
}

// -1, 0 or 1 as row a's value in `column` is below, equal to or above row b's.
int compareColumn(const GradeRowsView& rows, int column, int a, int b) {
    const GradeRow& ra = rows.rows[a];
    const GradeRow& rb = rows.rows[b];
    if (isTextColumn(column)) {
        const uint32_t ia = textId(ra, column), ib = textId(rb, column);
        if (ia == ib)
            return 0;
        const int c = rows.strings->view(ia).compare(rows.strings->view(ib));
        return (c > 0) - (c < 0);
    }
    const uint64_t ka = numberKey(ra, column), kb = numberKey(rb, column);
    return (ka > kb) - (ka < kb);
}

bool stopped(const std::atomic<bool>* cancelled) {
    return cancelled && cancelled->load(std::memory_order_relaxed);
}

} // namespace

bool GradeRowsView::matches(size_t row, std::string_view needle) const {
    if (row >= count)
        return false;
    const GradeRow& r = rows[row];
    return containsNoCase(strings->view(r.student), needle) ||
           containsNoCase(strings->view(r.course), needle) || strings->view(r.value) == needle;
}

bool gradeRowBefore(const GradeRowsView& rows, const GradeOrderSpec& spec, int a, int b) {
    if (spec.column >= 0 && a != b) {
        const int c = compareColumn(rows, spec.column, a, b);
        if (c != 0)
            return spec.order == Qt::AscendingOrder ? c < 0 : c > 0;
    }
    return a < b;
}

std::vector<int> orderGradeRows(const GradeRowsView& rows, const GradeOrderSpec& spec,
                                const std::atomic<bool>* cancelled) {
    std::vector<int> shown;
    shown.reserve(spec.needle.empty() ? rows.count : std::min<size_t>(rows.count, 4096));
    for (size_t r = 0; r < rows.count; ++r) {
        if (spec.needle.empty() || rows.matches(r, spec.needle))
            shown.push_back(static_cast<int>(r));
        if ((r & 0xFFFF) == 0 && stopped(cancelled))
            return {};
    }
    if (spec.column < 0 || shown.size() < 2)
        return shown;

    // Each distinct string's rank in byte order: the rows then sort on 64-bit keys.
    std::vector<uint32_t> rank;
    if (isTextColumn(spec.column)) {
        std::vector<uint32_t> ids(rows.strings->size());
        std::iota(ids.begin(), ids.end(), uint32_t{0});
        std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
            return rows.strings->view(a) < rows.strings->view(b);
        });
        rank.resize(ids.size());
        for (uint32_t i = 0; i < ids.size(); ++i)
            rank[ids[i]] = i;
    }
    if (stopped(cancelled))
        return {};
    const bool descending = spec.order == Qt::DescendingOrder;
    std::vector<std::pair<uint64_t, int>> keyed;
    keyed.reserve(shown.size());
    for (int r : shown) {
        const GradeRow& row = rows.rows[r];
        const uint64_t key =
            rank.empty() ? numberKey(row, spec.column) : rank[textId(row, spec.column)];
        keyed.emplace_back(descending ? ~key : key, r); // ties stay in key order either way
    }
    std::sort(keyed.begin(), keyed.end());
    for (size_t i = 0; i < keyed.size(); ++i)
        shown[i] = keyed[i].second;
    return shown;
}

int RowChange::renumbered(int old) const {
    const auto at = static_cast<size_t>(old);
    if (std::binary_search(removedAt.begin(), removedAt.end(), at))
        return -1;
    const auto inserted = std::upper_bound(insertedAt.begin(), insertedAt.end(), at);
    const auto removed = std::lower_bound(removedAt.begin(), removedAt.end(), at);
    return old + static_cast<int>(inserted - insertedAt.begin()) -
           static_cast<int>(removed - removedAt.begin());
}

void renumberGradeOrder(std::vector<int>& order, const RowChange& change) {
    if (!change.movesRows())
        return;
    size_t kept = 0;
    for (int row : order) {
        const int now = change.renumbered(row);
        if (now >= 0)
            order[kept++] = now;
    }
    order.resize(kept);
}

void placeGradeRows(std::vector<int>& order, const std::vector<int>& changed,
                    const GradeRowsView& rows, const GradeOrderSpec& spec) {
    if (changed.empty())
        return;
    // Out with every changed row, wherever it was: a bitmap once there are more than a few.
    if (changed.size() <= 16) {
        std::erase_if(order,
                      [&](int r) { return std::binary_search(changed.begin(), changed.end(), r); });
    } else {
        std::vector<bool> isChanged(static_cast<size_t>(changed.back()) + 1);
        for (int r : changed)
            isChanged[static_cast<size_t>(r)] = true;
        std::erase_if(order, [&](int r) {
            return static_cast<size_t>(r) < isChanged.size() && isChanged[static_cast<size_t>(r)];
        });
    }
    std::vector<int> back;
    for (int r : changed)
        if (r >= 0 && static_cast<size_t>(r) < rows.count &&
            (spec.needle.empty() || rows.matches(static_cast<size_t>(r), spec.needle)))
            back.push_back(r);
    if (back.empty())
        return;
    const auto before = [&](int a, int b) { return gradeRowBefore(rows, spec, a, b); };
    std::sort(back.begin(), back.end(), before);
    // Each returning row's place by binary search; then one pass that opens the gaps.
    std::vector<size_t> places(back.size());
    for (size_t i = 0; i < back.size(); ++i)
        places[i] = static_cast<size_t>(
            std::lower_bound(order.begin(), order.end(), back[i], before) - order.begin());
    const size_t oldSize = order.size();
    order.resize(oldSize + back.size());
    size_t src = oldSize, dst = order.size();
    for (size_t i = back.size(); i-- > 0;) {
        const auto at = [&order](size_t k) {
            return order.begin() + static_cast<std::ptrdiff_t>(k);
        };
        std::move_backward(at(places[i]), at(src), at(dst));
        dst -= src - places[i];
        src = places[i];
        order[--dst] = back[i];
    }
}

} // namespace syncscope

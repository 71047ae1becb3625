#include "store.h"

#include <algorithm>
#include <utility>

namespace syncscope {

namespace {
// Every grade row, a page at a time, handed to `each`.
template <class Each>
Status forEveryRow(Store& store, const BatchControl& control, Each each) {
    constexpr size_t kPage = 20000;
    GradeCursor after;
    for (;;) {
        Result<std::vector<GradeRecord>> page = store.readGrades(after, kPage, control);
        if (!page)
            return page.error();
        const bool last = page.value().size() < kPage;
        // The cursor before the rows are handed on: `each` may move them out, and a cursor
        // from a moved-from row is empty, which reads from the first key again (forever).
        if (!last)
            after = {page.value().back().studentId, page.value().back().courseId};
        for (GradeRecord& row : page.value())
            each(std::move(row));
        if (last)
            return success();
    }
}
} // namespace

StoreError heldByAnotherStore(const QString& where, const QString& holder, const QString& store,
                              const QString& remedy) {
    QString why =
        QStringLiteral("wrong database: %1 holds store %2, not %3").arg(where, holder, store);
    if (!remedy.isEmpty())
        why += QStringLiteral(" (%1)").arg(remedy);
    return {store, why, false};
}

Result<RangeChecksums> Store::rangeChecksums(uint32_t ranges, const BatchControl& control) {
    keptRows_.reset();
    Result<StoreCounts> before = counts();
    if (!before)
        return before.error();
    RangeChecksums out;
    out.ranges.resize(ranges);
    KeptRows kept{ranges, before.value().lastPosition, {}};
    if (Status s = forEveryRow(*this, control,
                               [&](GradeRecord&& row) {
                                   ++out.rowsTransferred;
                                   addToChecksums(out.ranges, row);
                                   if (!row.deleted)
                                       kept.rows.push_back(std::move(row));
                               });
        !s)
        return s.error();
    keptRows_ = std::move(kept);
    return out;
}

Result<RangeRows> Store::readRanges(uint32_t ranges, const std::vector<uint32_t>& which,
                                    const BatchControl& control) {
    RangeRows out;
    std::vector<bool> wanted(ranges, false);
    for (uint32_t r : which)
        if (r < ranges)
            wanted[r] = true;
    const auto keep = [&](GradeRecord&& row) {
        if (!row.deleted && ranges > 0 && wanted[keyToken(row.studentId, row.courseId) % ranges])
            out.rows.push_back(std::move(row));
    };
    std::optional<KeptRows> kept = std::exchange(keptRows_, std::nullopt);
    if (which.empty())
        return out; // nothing differs: the kept rows are let go
    Result<StoreCounts> now = counts();
    if (kept && now && kept->ranges == ranges && now.value().lastPosition == kept->lastPosition) {
        for (GradeRecord& row : kept->rows)
            keep(std::move(row)); // already counted as transferred by rangeChecksums
        return out;
    }
    if (Status s = forEveryRow(*this, control,
                               [&](GradeRecord&& row) {
                                   ++out.rowsTransferred;
                                   keep(std::move(row));
                               });
        !s)
        return s.error();
    return out;
}

} // namespace syncscope

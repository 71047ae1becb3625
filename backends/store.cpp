#include "store.h"

#include <algorithm>

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
    RangeChecksums out;
    out.ranges.resize(ranges);
    if (Status s = forEveryRow(*this, control,
                               [&](GradeRecord&& row) {
                                   ++out.rowsTransferred;
                                   addToChecksums(out.ranges, row);
                               });
        !s)
        return s.error();
    return out;
}

Result<RangeRows> Store::readRanges(uint32_t ranges, const std::vector<uint32_t>& which,
                                    const BatchControl& control) {
    RangeRows out;
    std::vector<bool> wanted(ranges, false);
    for (uint32_t r : which)
        if (r < ranges)
            wanted[r] = true;
    if (Status s = forEveryRow(*this, control,
                               [&](GradeRecord&& row) {
                                   ++out.rowsTransferred;
                                   if (!row.deleted && ranges > 0 &&
                                       wanted[keyToken(row.studentId, row.courseId) % ranges])
                                       out.rows.push_back(std::move(row));
                               });
        !s)
        return s.error();
    return out;
}

} // namespace syncscope

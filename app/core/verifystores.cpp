#include "verifystores.h"

#include "storeworker.h"

#include <algorithm>

namespace syncscope {

namespace {

// One store's rows as a stream in key order, a page at a time.
struct RowStream {
    StoreWorker* worker = nullptr;
    std::vector<GradeRecord> page;
    size_t next = 0;
    GradeCursor after;
    bool ended = false;

    // The next row, reading a page when the last one is used up; null at the end.
    Result<const GradeRecord*> head(size_t pageRows) {
        if (next == page.size() && !ended) {
            Result<std::vector<GradeRecord>> read = worker->readGrades(after, pageRows).result();
            if (!read)
                return read.error();
            page = std::move(read.value());
            next = 0;
            ended = page.size() < pageRows;
            if (!page.empty())
                after = {page.back().studentId, page.back().courseId};
        }
        return next < page.size() ? &page[next] : nullptr;
    }
};

// Every key of the streams in key order, each store's rows for it handed to the check;
// duplicates follow one another, even across pages. Polls `run.canceled` between keys and
// reports progress every 10,000 rows.
Status compareByKey(std::vector<RowStream>& streams, VerifyCheck& check, const VerifyControl& run,
                    int64_t total) {
    std::vector<std::vector<GradeRecord>> rows(streams.size());
    std::vector<std::vector<const GradeRecord*>> views(streams.size());
    int64_t read = 0;
    for (;;) {
        if (run.canceled && run.canceled->load())
            return StoreError{QStringLiteral("verify"), QStringLiteral("canceled")};
        // The smallest key at the head of any stream.
        const GradeRecord* least = nullptr;
        for (RowStream& stream : streams) {
            Result<const GradeRecord*> head = stream.head(run.pageRows);
            if (!head)
                return head.error();
            if (head.value() && (!least || keyLess(*head.value(), *least)))
                least = head.value();
        }
        if (!least)
            break;
        const GradeRecord key = *least; // the streams' pages move on below
        for (size_t s = 0; s < streams.size(); ++s) {
            rows[s].clear();
            for (;;) {
                Result<const GradeRecord*> head = streams[s].head(run.pageRows);
                if (!head)
                    return head.error();
                if (!head.value() || !sameKey(*head.value(), key))
                    break;
                rows[s].push_back(*head.value());
                ++streams[s].next;
                ++read;
            }
            views[s].clear();
            for (const GradeRecord& r : rows[s])
                views[s].push_back(&r);
        }
        check.compareKey(views);
        if (run.progress && read % 10000 == 0)
            run.progress(read, std::max(total, read));
    }
    if (run.progress)
        run.progress(read, read);
    return success();
}

// What each store holds that it cannot return as rows (unaccountedRows), as findings.
Status addUnaccounted(const std::vector<StoreWorker*>& workers, VerifyCheck& check) {
    for (size_t s = 0; s < workers.size(); ++s) {
        Result<std::vector<UnaccountedRow>> stray = workers[s]->unaccountedRows().result();
        if (!stray)
            return stray.error();
        for (UnaccountedRow& r : stray.value())
            check.addUnaccounted(s, r.studentId, r.courseId, std::move(r.detail));
    }
    return success();
}

std::vector<std::string> namesOf(const std::vector<StoreWorker*>& workers) {
    std::vector<std::string> names;
    for (StoreWorker* w : workers)
        names.push_back(w->description().name.toStdString());
    return names;
}

} // namespace

Result<VerifyReport> verifyStores(const std::vector<StoreWorker*>& workers,
                                  const VerifyControl& run) {
    VerifyCheck check(namesOf(workers));
    int64_t total = 0;
    for (size_t s = 0; s < workers.size(); ++s) {
        Result<std::vector<LogRecord>> log = workers[s]->readOplog().result();
        if (!log)
            return log.error();
        check.setOplog(s, log.value());
        if (Result<StoreCounts> c = workers[s]->counts().result(); c)
            total += c.value().liveKeys;
    }
    // Copies whose origin's oplog came later and lacks them: their holders' oplogs again, for
    // their content (none in a healthy workspace).
    for (const size_t s : check.storesToReadAgain()) {
        Result<std::vector<LogRecord>> log = workers[s]->readOplog().result();
        if (!log)
            return log.error();
        check.resolveAheadOfOrigin(s, log.value());
    }
    std::vector<RowStream> streams(workers.size());
    for (size_t s = 0; s < workers.size(); ++s)
        streams[s].worker = workers[s];
    if (Status compared = compareByKey(streams, check, run, total); !compared)
        return compared.error();
    if (Status stray = addUnaccounted(workers, check); !stray)
        return stray.error();
    return check.finish();
}

Result<VerifyReport> verifyByChecksums(const std::vector<StoreWorker*>& workers,
                                       const VerifyControl& run, uint32_t ranges) {
    if (ranges == 0) {
        int64_t most = 0;
        for (StoreWorker* w : workers) {
            Result<StoreCounts> c = w->counts().result();
            if (!c)
                return c.error();
            most = std::max<int64_t>(most, c.value().liveKeys);
        }
        ranges = rangesFor(most);
    }
    // Every store computes at once, each on its own worker.
    std::vector<QFuture<Result<RangeChecksums>>> asked;
    for (StoreWorker* w : workers)
        asked.push_back(w->rangeChecksums(ranges));
    std::vector<RangeChecksums> sums;
    for (QFuture<Result<RangeChecksums>>& f : asked) {
        Result<RangeChecksums> r = f.result();
        if (!r)
            return r.error();
        sums.push_back(std::move(r.value()));
    }
    std::vector<uint32_t> differing;
    for (uint32_t r = 0; r < ranges; ++r)
        for (size_t s = 1; s < sums.size(); ++s)
            if (sums[s].ranges[r] != sums[0].ranges[r]) {
                differing.push_back(r);
                break;
            }

    // The differing ranges' rows, already in memory: streams that never read a page.
    VerifyCheck check(namesOf(workers), false);
    std::vector<RowStream> streams(workers.size());
    std::vector<int64_t> transferred(workers.size(), 0);
    int64_t total = 0;
    if (differing.empty()) {
        // Lets go of the rows the stores without checksums of their own kept for this read.
        for (StoreWorker* w : workers)
            w->readRanges(ranges, {}).waitForFinished();
    } else {
        if (run.canceled && run.canceled->load())
            return StoreError{QStringLiteral("verify"), QStringLiteral("canceled")};
        std::vector<QFuture<Result<RangeRows>>> reads;
        for (StoreWorker* w : workers)
            reads.push_back(w->readRanges(ranges, differing));
        for (size_t s = 0; s < reads.size(); ++s) {
            Result<RangeRows> r = reads[s].result();
            if (!r)
                return r.error();
            transferred[s] = r.value().rowsTransferred;
            total += static_cast<int64_t>(r.value().rows.size());
            streams[s].page = std::move(r.value().rows);
        }
    }
    for (RowStream& stream : streams)
        stream.ended = true;
    if (Status compared = compareByKey(streams, check, run, total); !compared)
        return compared.error();
    if (Status stray = addUnaccounted(workers, check); !stray)
        return stray.error();
    VerifyReport report = check.finish();
    report.checksums.ranges = ranges;
    report.checksums.differingRanges = static_cast<uint32_t>(differing.size());
    for (size_t s = 0; s < workers.size(); ++s) {
        int64_t live = 0;
        for (const RangeChecksum& r : sums[s].ranges)
            live += r.rows;
        report.stores[s].live = live;
        report.stores[s].rows = sums[s].rowsTransferred + transferred[s];
    }
    return report;
}

} // namespace syncscope

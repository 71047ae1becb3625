// SQLite write-back: a batched apply of 1,000,000 writes (grades and oplog) into a file store
// through SqlStore, as a ratio to raw prepared-statement inserts of the same rows into the same
// two tables in one transaction through the SQLite C API, measured in the same run.
#include "benchutil.h"
#include "sqlitefastpath.h"
#include "sqliteraw.h"
#include "storefactory.h"

#include <QTemporaryDir>

#include <random>

using namespace syncscope;

namespace {

std::vector<LogRecord> makeWrites(size_t n) {
    std::mt19937_64 rng(11);
    std::vector<LogRecord> out(n);
    for (size_t i = 0; i < n; ++i) {
        LogRecord& r = out[i];
        r.kind = EntryKind::Set;
        r.studentId = "SID" + std::to_string(1000 + i / 20);
        r.courseId = "CSE" + std::to_string(1 + i % 20);
        r.value = std::string(1, static_cast<char>('A' + rng() % 6));
        r.hasValue = true;
        r.ts = static_cast<int64_t>(i + 1);
        r.origin = "SQL";
        r.seq = i + 1;
    }
    return out;
}

} // namespace

int main() {
    const size_t n = 1000000;
    const std::vector<LogRecord> rows = makeWrites(n);
    QTemporaryDir dir;

    auto made =
        StoreFactory::create(QStringLiteral("SQL"), QStringLiteral("sqlite://") +
                                                        dir.filePath(QStringLiteral("store.db")));
    std::unique_ptr<Store> store = std::move(made.value());
    if (Status s = store->open(); !s) {
        std::fprintf(stderr, "bench_sqlite_apply: %s\n", qPrintable(s.error().toString()));
        return 1;
    }
    const double ours = bench::seconds([&] {
        if (Status s = store->append(rows, BatchControl{}); !s)
            std::fprintf(stderr, "bench_sqlite_apply: %s\n", qPrintable(s.error().toString()));
    });
    const Result<StoreCounts> counts = store->counts();
    if (!counts || counts.value().liveKeys != static_cast<qint64>(n) ||
        counts.value().oplogEntries != static_cast<qint64>(n)) {
        std::fprintf(stderr, "bench_sqlite_apply: the store does not hold the rows\n");
        return 1;
    }
    // Loading a store (a persistent workspace's start, the GUI's oplog view) reads it back.
    size_t readBack = 0;
    const double read = bench::seconds([&] {
        auto log = store->readOplog(0, 0, BatchControl{});
        readBack = log ? log.value().size() : 0;
    });
    if (readBack != n) {
        std::fprintf(stderr, "bench_sqlite_apply: read back %zu of %zu entries\n", readBack, n);
        return 1;
    }
    store->close();
    const double raw = bench::rawInsert(dir.filePath(QStringLiteral("raw.db")).toStdString(), rows);
    // Beside it, for the record: the same rows by multi-row INSERTs, as the store writes them.
    const double rawMultiRow =
        bench::rawInsert(dir.filePath(QStringLiteral("raw-multirow.db")).toStdString(), rows,
                         SqliteFastPath::kRowsPerStatement);

    const double ratio = raw / ours; // throughput ours / throughput raw
    bench::Json("sqlite_apply")
        .str("input", "1M writes into a SQLite file store")
        .num("seconds", ours)
        .num("writes_per_s", n / ours)
        .num("batch", static_cast<double>(store->batchSize()))
        .print();
    bench::Json("sqlite_read_oplog")
        .num("entries", static_cast<double>(n))
        .num("seconds", read)
        .num("entries_per_s", static_cast<double>(n) / read)
        .print();
    bench::Json("sqlite_apply_reference_raw")
        .num("seconds", raw)
        .num("writes_per_s", n / raw)
        .print();
    bench::Json("sqlite_apply_ratio")
        .num("ours_over_raw", ratio)
        .num("reference_multirow_insert_s", rawMultiRow)
        .num("ours_over_multirow", rawMultiRow / ours)
        .num("target", 0.5)
        .flag("meets_target", ratio >= 0.5)
        .print();
    return 0;
}

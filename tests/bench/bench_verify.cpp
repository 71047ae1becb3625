// Verifying two 1,000,000-row SQLite stores that differ in 10 keys by range checksums (verify
// --checksums, verifyByChecksums): each store hashes its rows itself, only the ranges that
// differ are read, and the findings must be exactly the 10 planted keys; seconds and the rows
// that left the stores. The reference, measured in the same run, is reading the same rows and
// oplogs through the stores' workers with no comparison: what any verification that moves
// every row costs at least. `bench_verify ROWS --row-by-row` also times the full verify
// (verifyStores, rows and oplogs): 17.5 s in the last CI run, left out of CI for its budget.
#include "benchutil.h"
#include "storeworker.h"
#include "uiprobe.h"
#include "verifystores.h"

#include <QCoreApplication>
#include <QTemporaryDir>

using namespace syncscope;

namespace {
// A verify must find exactly the 10 planted differences; anything else is a wrong result.
void requirePlanted(const Result<VerifyReport>& report, const char* how) {
    if (!report)
        qFatal("bench_verify: %s: %s", how, qPrintable(report.error().toString()));
    int differs = 0;
    for (const VerifyFinding& f : report.value().findings)
        differs += f.kind == VerifyFinding::Kind::Differs;
    if (report.value().findingCount != 10 || differs != 10)
        qFatal("bench_verify: %s: expected the 10 planted differences, got %lld findings", how,
               static_cast<long long>(report.value().findingCount));
}
} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int rows = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const bool rowByRow = argc > 2 && std::string(argv[2]) == "--row-by-row";
    QTemporaryDir dir;
    std::vector<std::unique_ptr<StoreWorker>> owned;
    for (const char* name : {"SQL", "HIVE"}) {
        const QString uri = QStringLiteral("sqlite://") +
                            dir.filePath(QString::fromLatin1(name) + QStringLiteral(".db"));
        auto made = StoreFactory::create(QString::fromLatin1(name), uri);
        // A Qt Sql connection lives on the thread that opened it: the worker's.
        auto worker = std::make_unique<StoreWorker>(std::move(made.value()));
        if (!worker->open().result())
            qFatal("bench_verify: cannot open %s", name);
        std::vector<LogRecord> writes = bench::storeRows("SQL", rows);
        // HIVE differs in 10 keys, spread over the key range: a later write of another grade.
        if (std::string(name) == "HIVE")
            for (int d = 0; d < 10; ++d) {
                LogRecord w = writes[static_cast<size_t>(d) * static_cast<size_t>(rows) / 10];
                w.value = "F";
                w.ts = rows + 1 + d;
                w.origin = "HIVE";
                w.seq = static_cast<uint64_t>(d + 1);
                writes.push_back(w);
            }
        if (!worker->append(std::move(writes)).result())
            qFatal("bench_verify: cannot fill %s", name);
        owned.push_back(std::move(worker));
    }
    const std::vector<StoreWorker*> workers = {owned[0].get(), owned[1].get()};

    int64_t transferred = 0;
    const double readOnly = bench::seconds([&] {
        for (StoreWorker* w : workers) {
            transferred += static_cast<int64_t>(w->readOplog().result().value().size());
            GradeCursor after;
            for (;;) {
                const std::vector<GradeRecord> page = w->readGrades(after, 10000).result().value();
                transferred += static_cast<int64_t>(page.size());
                if (page.size() < 10000)
                    break;
                after = {page.back().studentId, page.back().courseId};
            }
        }
    });
    if (rowByRow) {
        Result<VerifyReport> report = StoreError{};
        const double verify = bench::seconds([&] { report = verifyStores(workers, {}); });
        requirePlanted(report, "row by row");

        bench::Json("verify_two_stores")
            .str("input", "two SQLite stores of 1,000,000 rows differing in 10 keys")
            .num("rows", rows)
            .num("seconds", verify)
            .num("rows_transferred", static_cast<double>(transferred))
            .num("findings", static_cast<double>(report.value().findingCount))
            .num("reference_read_only_s", readOnly)
            .num("ours_over_read_only", readOnly / verify)
            .print();
    }

    Result<VerifyReport> summed = StoreError{};
    const double bySums = bench::seconds([&] { summed = verifyByChecksums(workers); });
    requirePlanted(summed, "by checksums");
    const int64_t moved = summed.value().rowsTransferred();
    bench::Json("verify_two_stores_checksums")
        .str("input", "the same two stores, verify --checksums")
        .num("rows", rows)
        .num("seconds", bySums)
        .num("ranges", summed.value().checksums.ranges)
        .num("differing_ranges", summed.value().checksums.differingRanges)
        .num("rows_transferred", static_cast<double>(moved))
        .num("full_verify_rows_transferred", static_cast<double>(transferred))
        .num("reference_read_only_s", readOnly)
        .num("read_only_over_ours", readOnly / bySums)
        .print();
    return 0;
}

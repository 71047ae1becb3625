// Hive write-back on the HiveServer2 test peer (SASL PLAIN, loopback): 100,000 writes applied
// through HiveStore (multi-row INSERT statements over Thrift, each parsed by the peer and bound
// into SQLite), as a ratio to the peer's floor: the same rows inserted straight into SQLite with
// the peer's settings (WAL, synchronous=NORMAL, the same batch size, bound parameters), measured
// in the same run. Also rows/s for several statement sizes (how HiveStore's batch size was
// chosen), the round trip of one statement, and of one SET through the store's worker.
#include "hivepeer.h"
#include "hivestore.h"
#include "storebench.h"

#include <QTemporaryDir>

#include <sqlite3.h>

using namespace syncscope;

namespace {

constexpr int kWrites = 100000;

QString freshHive(const QString& server) {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(server, problem);
    if (!problem.isEmpty())
        qFatal("bench_hive_apply: %s", qPrintable(problem));
    return uri;
}

std::unique_ptr<Store> hiveStore(const QString& uri, size_t batchRows) {
    HiveStore::Options o;
    o.name = QStringLiteral("HIVE");
    o.location = uri;
    o.endpoint = lab::hiveEndpoint(uri);
    o.batchRows = batchRows;
    auto store = std::make_unique<HiveStore>(std::move(o));
    if (Status s = store->open(); !s)
        qFatal("bench_hive_apply: %s", qPrintable(s.error().toString()));
    return store;
}

// The same rows into the same 11 columns, straight into SQLite as the peer keeps them.
double sqliteFloor(const std::vector<LogRecord>& rows, const QString& path, size_t batch) {
    sqlite3* db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE oplog (pos "
                 "BIGINT, op STRING, student_id STRING, course_id STRING, grade STRING, ts "
                 "BIGINT, origin STRING, seq BIGINT, wall_ms BIGINT, attributes STRING, context "
                 "STRING)",
                 nullptr, nullptr, nullptr);
    std::string sql = "INSERT INTO oplog VALUES ";
    for (size_t i = 0; i < batch; ++i)
        sql += i ? ",(?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
        qFatal("bench_hive_apply: %s", sqlite3_errmsg(db));
    const double took = bench::seconds([&] {
        for (size_t done = 0; done < rows.size(); done += batch) {
            int p = 1;
            for (size_t i = done; i < done + batch; ++i) {
                const LogRecord& r = rows[i];
                sqlite3_bind_int64(stmt, p++, static_cast<sqlite3_int64>(i + 1));
                sqlite3_bind_text(stmt, p++, "SET", 3, SQLITE_STATIC);
                sqlite3_bind_text(stmt, p++, r.studentId.data(), int(r.studentId.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_text(stmt, p++, r.courseId.data(), int(r.courseId.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_text(stmt, p++, r.value.data(), int(r.value.size()), SQLITE_STATIC);
                sqlite3_bind_int64(stmt, p++, r.ts);
                sqlite3_bind_text(stmt, p++, r.origin.data(), int(r.origin.size()), SQLITE_STATIC);
                sqlite3_bind_int64(stmt, p++, static_cast<sqlite3_int64>(r.seq));
                sqlite3_bind_int64(stmt, p++, 1700000000000);
                sqlite3_bind_null(stmt, p++);
                sqlite3_bind_text(stmt, p++, "", 0, SQLITE_STATIC);
            }
            if (sqlite3_step(stmt) != SQLITE_DONE)
                qFatal("bench_hive_apply: %s", sqlite3_errmsg(db));
            sqlite3_reset(stmt);
        }
    });
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return took;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    lab::HivePeer peer;
    QString problem;
    if (!peer.start(QStringLiteral("PLAIN"), problem))
        qFatal("bench_hive_apply: %s", qPrintable(problem));
    QTemporaryDir scratch;
    const std::vector<LogRecord> rows = bench::storeRows("HIVE", kWrites);

    // How the batch size was chosen: 20,000 rows at each statement size.
    const std::vector<LogRecord> sample(rows.begin(), rows.begin() + 20000);
    for (const size_t size : {500, 1000, 2000, 5000, 10000}) {
        std::unique_ptr<Store> store = hiveStore(freshHive(peer.uri()), size);
        const double took = bench::timedApply(*store, sample, "hive batch sizes");
        bench::Json("hive_insert_statement_size")
            .num("rows_per_statement", double(size))
            .num("rows_per_s", double(sample.size()) / took)
            .print();
    }

    std::unique_ptr<Store> store = hiveStore(freshHive(peer.uri()), HiveStore::Options{}.batchRows);
    const double apply = bench::timedApply(*store, rows, "hive apply");
    const double floor = sqliteFloor(rows, scratch.filePath(QStringLiteral("floor.db")),
                                     HiveStore::Options{}.batchRows);
    bench::Json("hive_apply_100k_peer")
        .num("writes", kWrites)
        .num("seconds", apply)
        .num("rows_per_s", kWrites / apply)
        .num("sqlite_floor_seconds", floor)
        .num("sqlite_floor_rows_per_s", kWrites / floor)
        .num("ours_over_floor", floor / apply)
        .print();

    // One statement's round trip: submit, poll until finished, fetch, empty fetch, close.
    HiveConnection c;
    if (!c.connect(lab::hiveEndpoint(peer.uri())).ok())
        qFatal("bench_hive_apply: cannot connect");
    std::vector<double> ms;
    for (int i = 0; i < 500; ++i)
        ms.push_back(1000 * bench::seconds([&] {
                         if (!c.execute(
                                   "SELECT 1", [] { return false; }, [](HiveRows&&) {})
                                  .ok())
                             qFatal("bench_hive_apply: SELECT 1 failed");
                     }));
    std::sort(ms.begin(), ms.end());
    const auto [setP50, setP99] = bench::setLatency(freshHive(peer.uri()), QString());
    bench::Json("hive_round_trip_peer")
        .num("select1_p50_ms", ms[ms.size() / 2])
        .num("select1_p99_ms", ms[ms.size() * 99 / 100])
        .num("set_p50_ms", setP50)
        .num("set_p99_ms", setP99)
        .print();
    return 0;
}

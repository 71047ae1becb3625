// Hive write-back on the HiveServer2 test peer (SASL PLAIN, loopback): 100,000 writes applied
// through HiveStore (multi-row INSERT statements over Thrift, each parsed by the peer and bound
// into SQLite), as a ratio to the peer's floor: the same rows inserted straight into SQLite with
// the peer's settings (WAL, synchronous=NORMAL, the same batch size, bound parameters), measured
// in the same run. Also rows/s for several statement sizes (how HiveStore's batch size was
// chosen), the round trip of one statement, and of one SET through the store's worker.
// Finally the merge push-down: T.MERGE(S) of a 1,000,000-write oplog run inside Hive as one
// INSERT … SELECT (HiveStore::mergeInside), against the same merge through the program (S's
// oplog read over Thrift into the engine, merged there, and the result written back to T).
// And the transports: the same 100,000 writes and one statement's round trip over the binary
// transport in the clear, over TLS, over HTTP and over HTTPS (a throwaway CA), each the best
// of three rounds taken in turn; TLS is to cost at most 10 % of the plain rate.
#include "engine.h"
#include "hivepeer.h"
#include "hivestore.h"
#include "recordconversion.h"
#include "storebench.h"
#include "testcerts.h"

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

std::unique_ptr<Store> namedHive(const char* name, const QString& server) {
    auto made = StoreFactory::create(QString::fromLatin1(name), freshHive(server));
    std::unique_ptr<Store> store = std::move(made.value());
    if (Status s = store->open(); !s)
        qFatal("bench_hive_apply: %s", qPrintable(s.error().toString()));
    return store;
}

void mergePushDown(const lab::HivePeer& peer) {
    constexpr int kSource = 1000000;
    const std::vector<LogRecord> rows = bench::storeRows("S", kSource);
    std::unique_ptr<Store> source = namedHive("S", peer.uri());
    if (Status s = source->append(rows, {}); !s)
        qFatal("bench_hive_apply: %s", qPrintable(s.error().toString()));

    std::unique_ptr<Store> inside = namedHive("T", peer.uri());
    int64_t pushed = 0;
    const double pushDown = bench::seconds([&] {
        auto merged = inside->mergeInside(source->description(), {});
        if (!merged || !merged.value())
            qFatal("bench_hive_apply: the push-down did not run");
        pushed = *merged.value();
    });

    std::unique_ptr<Store> through = namedHive("T", peer.uri());
    size_t written = 0;
    const double program = bench::seconds([&] {
        Catalog catalog;
        Engine engine(catalog);
        const size_t t = engine.addReplica("T"), s = engine.addReplica("S");
        const Result<std::vector<LogRecord>> log = source->readOplog(0, 0, {});
        if (!log)
            qFatal("bench_hive_apply: %s", qPrintable(log.error().toString()));
        for (const LogRecord& r : log.value())
            engine.restore(s, fromRecord(r, catalog));
        const size_t before = engine.replica(t).log.size();
        engine.merge(t, s);
        std::vector<LogRecord> plan;
        for (size_t i = before; i < engine.replica(t).log.size(); ++i)
            plan.push_back(toRecord(engine.replica(t).log[i], catalog));
        if (Status st = through->append(plan, {}); !st)
            qFatal("bench_hive_apply: %s", qPrintable(st.error().toString()));
        written = plan.size();
    });
    if (pushed != kSource || written != size_t(kSource))
        qFatal("bench_hive_apply: pushed %lld and wrote %zu, not %d",
               static_cast<long long>(pushed), written, kSource);
    // What the window's loader does with that store: its grades page by page (20,000 keys a
    // page, as StoreLoader asks), against reading its whole oplog in one statement.
    size_t keys = 0, pages = 0;
    const double paged = bench::seconds([&] {
        GradeCursor cursor;
        for (;;) {
            const auto page = source->readGrades(cursor, 20000, {});
            if (!page)
                qFatal("bench_hive_apply: %s", qPrintable(page.error().toString()));
            if (page.value().empty())
                break;
            ++pages;
            keys += page.value().size();
            cursor = {page.value().back().studentId, page.value().back().courseId};
        }
    });
    size_t entries = 0;
    const double whole =
        bench::seconds([&] { entries = source->readOplog(0, 0, {}).value().size(); });
    if (keys != size_t(kSource) || entries != size_t(kSource))
        qFatal("bench_hive_apply: paged %zu keys and read %zu entries", keys, entries);
    bench::Json("hive_read_1m_peer")
        .num("grade_pages", double(pages))
        .num("grades_paged_seconds", paged)
        .num("oplog_whole_seconds", whole)
        .print();
    bench::Json("hive_merge_push_down_1m_peer")
        .num("writes", kSource)
        .num("push_down_seconds", pushDown)
        .num("through_program_seconds", program)
        .num("program_over_push_down", program / pushDown)
        .print();
}

// Rows/s of 100,000 writes, and one SELECT 1's round trip (p50, ms), on each transport.
void transports(const std::vector<LogRecord>& rows) {
    lab::TestCerts certs;
    QString problem;
    if (!certs.make(problem))
        qFatal("bench_hive_apply: %s", qPrintable(problem));
    const QString ca = QStringLiteral("sslCaFile=") + certs.caFile();
    struct Mode {
        const char* name;
        QStringList args;
        QString options;
        lab::HivePeer peer;
        double best = 0, roundTripMs = 1e9;
    };
    const QStringList http = {QStringLiteral("--http")};
    Mode modes[] = {{"binary", {}, {}, {}},
                    {"binary+tls", certs.peerArgs(), QStringLiteral("ssl=true&") + ca, {}},
                    {"http", http, QStringLiteral("transportMode=http"), {}},
                    {"http+tls",
                     http + certs.peerArgs(),
                     QStringLiteral("transportMode=http&ssl=true&") + ca,
                     {}}};
    for (Mode& m : modes) {
        if (!m.peer.start(QStringLiteral("PLAIN"), problem, m.args))
            qFatal("bench_hive_apply: %s", qPrintable(problem));
        m.peer.setUriOptions(m.options, m.options.contains(QLatin1String("ssl"))
                                            ? QStringLiteral("localhost")
                                            : QStringLiteral("127.0.0.1"));
    }
    for (int round = 0; round < 3; ++round) {
        for (Mode& m : modes) {
            std::unique_ptr<Store> store =
                hiveStore(freshHive(m.peer.uri()), HiveStore::Options{}.batchRows);
            m.best = std::max(m.best, kWrites / bench::timedApply(*store, rows, m.name));
            HiveConnection c;
            if (!c.connect(lab::hiveEndpoint(m.peer.uri())).ok())
                qFatal("bench_hive_apply: cannot connect over %s", m.name);
            std::vector<double> ms;
            for (int i = 0; i < 200; ++i)
                ms.push_back(1000 * bench::seconds([&] {
                                 if (!c.execute(
                                           "SELECT 1", [] { return false; }, [](HiveRows&&) {})
                                          .ok())
                                     qFatal("bench_hive_apply: SELECT 1 failed");
                             }));
            std::sort(ms.begin(), ms.end());
            m.roundTripMs = std::min(m.roundTripMs, ms[ms.size() / 2]);
        }
    }
    const double plain = modes[0].best;
    for (const Mode& m : modes) {
        bench::Json json("hive_apply_100k_transport");
        json.str("transport", m.name)
            .num("rows_per_s", m.best)
            .num("over_binary", m.best / plain)
            .num("select1_p50_ms", m.roundTripMs);
        if (std::string(m.name) == "binary+tls")
            json.num("target_cost", 0.10).flag("met", m.best >= 0.9 * plain);
        json.print();
    }
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

    // The same apply on a Hive with ACID tables, where each batch is also folded into the
    // transactional grade table with MERGE.
    lab::HivePeer acid;
    if (!acid.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}))
        qFatal("bench_hive_apply: %s", qPrintable(problem));
    std::unique_ptr<Store> acidStore =
        hiveStore(freshHive(acid.uri()), HiveStore::Options{}.batchRows);
    const double acidApply = bench::timedApply(*acidStore, rows, "hive apply, ACID");
    bench::Json("hive_apply_100k_peer_acid")
        .num("writes", kWrites)
        .num("seconds", acidApply)
        .num("rows_per_s", kWrites / acidApply)
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
    mergePushDown(peer);
    transports(rows);
    return 0;
}

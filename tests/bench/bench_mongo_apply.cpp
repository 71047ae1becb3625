// MongoDB write-back on the wire-protocol peer (loopback): 100,000 writes of another store (a
// merge's write-back) applied through MongoStore (an ordered oplog insert, then conditional
// upserts of the rows, per batch), the same count of the store's own writes (which also claim
// their seqs), the same on a replica set's primary (a transaction per batch), and the
// full read of them back (every grade row page by page, then the whole oplog), in documents per
// second, and the write-back again on a peer with authentication (SCRAM-SHA-256). The peer's own
// CPU time over each phase is read from /proc and reported beside it, so the figure says what the
// store and the driver cost rather than what the test server costs. The physical reference,
// measured in the same run: the same documents written with libmongoc alone (an insert_many of the
// oplog and a bulk of plain upserts, no decisions), on the same peer. Also rows/s per batch size
// (how MongoStore's batch size was chosen) and one SET's round trip through the store's worker.
#include "mongopeer.h"
#include "mongostore.h"
#include "storebench.h"

#include <mongoc/mongoc.h>

#include <QFile>

#include <unistd.h>

using namespace syncscope;

namespace {

constexpr int kWrites = 100000;

// user + system CPU seconds the process `pid` has used so far.
double cpuSeconds(qint64 pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        qFatal("bench_mongo_apply: cannot read the peer's CPU time");
    const QByteArray text = stat.readAll();
    // Fields after the command name in parentheses: utime and stime are the 12th and 13th.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields.at(11).toDouble() + fields.at(12).toDouble()) / ticks;
}

struct Phase {
    double wall = 0;
    double peerCpu = 0;
};

Phase measure(qint64 peer, const std::function<void()>& fn) {
    const double before = cpuSeconds(peer);
    Phase p;
    p.wall = bench::seconds(fn);
    p.peerCpu = cpuSeconds(peer) - before;
    return p;
}

std::unique_ptr<MongoStore> mongoStore(const QString& uri, size_t batchRows,
                                       const std::string& password = {}) {
    MongoStore::Options o;
    o.name = QStringLiteral("MONGO");
    o.location = uri;
    o.uri = uri.toStdString();
    o.password = password;
    o.database = uri.section(QLatin1Char('/'), -1).section(QLatin1Char('?'), 0, 0).toStdString();
    o.batchRows = batchRows;
    auto store = std::make_unique<MongoStore>(std::move(o));
    if (Status s = store->open(); !s)
        qFatal("bench_mongo_apply: %s", qPrintable(s.error().toString()));
    return store;
}

// The same documents with the driver alone: the oplog in ordered inserts and the rows in
// unordered plain upserts, `batch` at a time, as MongoStore batches them.
double driverReference(const QString& uri, const std::vector<LogRecord>& rows, size_t batch) {
    const std::string text = uri.toStdString();
    mongoc_client_t* client = mongoc_client_new(text.c_str());
    const std::string db = uri.section(QLatin1Char('/'), -1).toStdString();
    mongoc_collection_t* oplog = mongoc_client_get_collection(client, db.c_str(), "oplog");
    mongoc_collection_t* grades = mongoc_client_get_collection(client, db.c_str(), "grades");
    const double took = bench::seconds([&] {
        for (size_t done = 0; done < rows.size(); done += batch) {
            const size_t n = std::min(batch, rows.size() - done);
            bson_error_t error;
            mongoc_bulk_operation_t* inserts =
                mongoc_collection_create_bulk_operation_with_opts(oplog, nullptr); // ordered
            for (size_t i = done; i < done + n; ++i) {
                const LogRecord& r = rows[i];
                bson_t* d = BCON_NEW("_id", BCON_INT64(int64_t(i + 1)), "op", BCON_UTF8("SET"), "s",
                                     BCON_UTF8(r.studentId.c_str()), "c",
                                     BCON_UTF8(r.courseId.c_str()), "v", BCON_UTF8(r.value.c_str()),
                                     "ts", BCON_INT64(r.ts), "o", BCON_UTF8(r.origin.c_str()), "q",
                                     BCON_INT64(int64_t(r.seq)), "w", BCON_INT64(0));
                mongoc_bulk_operation_insert_with_opts(inserts, d, nullptr, &error);
                bson_destroy(d);
            }
            bson_t inserted;
            if (!mongoc_bulk_operation_execute(inserts, &inserted, &error))
                qFatal("bench_mongo_apply: %s", error.message);
            bson_destroy(&inserted);
            mongoc_bulk_operation_destroy(inserts);
            mongoc_bulk_operation_t* bulk =
                mongoc_collection_create_bulk_operation_with_opts(grades, nullptr);
            bson_t* upsert = BCON_NEW("upsert", BCON_BOOL(true));
            for (size_t i = done; i < done + n; ++i) {
                const LogRecord& r = rows[i];
                bson_t* q = BCON_NEW("_id", "{", "s", BCON_UTF8(r.studentId.c_str()), "c",
                                     BCON_UTF8(r.courseId.c_str()), "}");
                bson_t* u =
                    BCON_NEW("$set", "{", "grade", BCON_UTF8(r.value.c_str()), "deleted",
                             BCON_BOOL(false), "ts", BCON_INT64(r.ts), "origin",
                             BCON_UTF8(r.origin.c_str()), "seq", BCON_INT64(int64_t(r.seq)), "}");
                mongoc_bulk_operation_update_one_with_opts(bulk, q, u, upsert, &error);
                bson_destroy(q);
                bson_destroy(u);
            }
            bson_t reply;
            if (!mongoc_bulk_operation_execute(bulk, &reply, &error))
                qFatal("bench_mongo_apply: %s", error.message);
            bson_destroy(&reply);
            bson_destroy(upsert);
            mongoc_bulk_operation_destroy(bulk);
        }
    });
    mongoc_collection_destroy(oplog);
    mongoc_collection_destroy(grades);
    mongoc_client_destroy(client);
    return took;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    mongoc_init();
    lab::MongoPeer peer;
    QString problem;
    if (!peer.start(problem))
        qFatal("bench_mongo_apply: %s", qPrintable(problem));
    const auto fresh = [&] { return lab::mongoFreshDatabase(peer.uri()); };
    // A merge's write-back: another store's writes (origin SQL). The store's own writes also
    // claim their seqs (the ownseqs collection), measured apart below.
    const std::vector<LogRecord> rows = bench::storeRows("SQL", kWrites);

    // How the batch size was chosen: 20,000 rows at each size.
    const std::vector<LogRecord> sample(rows.begin(), rows.begin() + 20000);
    for (const size_t size : {1000, 2000, 5000, 10000, 20000}) {
        auto store = mongoStore(fresh(), size);
        const double took = bench::timedApply(*store, sample, "mongo batch sizes");
        bench::Json("mongo_batch_size")
            .num("rows_per_batch", double(size))
            .num("rows_per_s", double(sample.size()) / took)
            .print();
    }

    const size_t batch = MongoStore::Options{}.batchRows;
    auto store = mongoStore(fresh(), batch);
    double apply = 0;
    const Phase write =
        measure(peer.pid(), [&] { apply = bench::timedApply(*store, rows, "apply"); });
    size_t keys = 0, entries = 0;
    const Phase read = measure(peer.pid(), [&] {
        GradeCursor cursor;
        for (;;) {
            const auto page = store->readGrades(cursor, 20000, {});
            if (!page)
                qFatal("bench_mongo_apply: %s", qPrintable(page.error().toString()));
            if (page.value().empty())
                break;
            keys += page.value().size();
            cursor = {page.value().back().studentId, page.value().back().courseId};
        }
        entries = store->readOplog(0, 0, {}).value().size();
    });
    if (keys != size_t(kWrites) || entries != size_t(kWrites))
        qFatal("bench_mongo_apply: read %zu keys and %zu entries", keys, entries);
    Phase driver;
    driver = measure(peer.pid(), [&] { driver.wall = driverReference(fresh(), rows, batch); });

    bench::Json("mongo_apply_100k_peer")
        .num("writes", kWrites)
        .num("seconds", apply)
        .num("docs_per_s", 2.0 * kWrites / apply) // an oplog entry and a row per write
        .num("writes_per_s", kWrites / apply)
        .num("peer_cpu_seconds", write.peerCpu)
        .num("store_and_driver_seconds", write.wall - write.peerCpu)
        .num("driver_alone_seconds", driver.wall)
        .num("driver_alone_peer_cpu_seconds", driver.peerCpu)
        .num("ours_over_driver_alone", driver.wall / apply)
        .print();
    bench::Json("mongo_read_100k_peer")
        .num("docs", 2.0 * kWrites)
        .num("seconds", read.wall)
        .num("docs_per_s", 2.0 * kWrites / read.wall)
        .num("peer_cpu_seconds", read.peerCpu)
        .num("store_and_driver_seconds", read.wall - read.peerCpu)
        .print();
    // On a replica set's primary every batch is one transaction: its rows are read and
    // decided in the batch's snapshot, and written with it.
    lab::MongoPeer replicaSet;
    if (!replicaSet.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0")}))
        qFatal("bench_mongo_apply: %s", qPrintable(problem));
    auto rsStore = mongoStore(lab::mongoFreshDatabase(replicaSet.uri()), batch);
    const Phase inTransactions =
        measure(replicaSet.pid(), [&] { bench::timedApply(*rsStore, rows, "replica set apply"); });
    bench::Json("mongo_apply_100k_peer_replica_set")
        .num("writes", kWrites)
        .num("seconds", inTransactions.wall)
        .num("writes_per_s", kWrites / inTransactions.wall)
        .num("peer_cpu_seconds", inTransactions.peerCpu)
        .num("over_standalone", apply / inTransactions.wall)
        .print();
    // The same write-back on a peer with authentication: the store logs in (SCRAM-SHA-256) once
    // per pooled connection, and the peer checks every command's connection logged in.
    lab::MongoPeer secured;
    const std::string password = "bench-Passw0rd";
    if (!secured.start(problem, {QStringLiteral("--user"),
                                 QStringLiteral("bench:") + QString::fromStdString(password)}))
        qFatal("bench_mongo_apply: %s", qPrintable(problem));
    const QString securedUri =
        lab::mongoFreshDatabase(secured.uri())
            .replace(QLatin1String("mongodb://"), QLatin1String("mongodb://bench@")) +
        QLatin1String("?authSource=admin");
    auto authStore = mongoStore(securedUri, batch, password);
    const Phase withAuth =
        measure(secured.pid(), [&] { bench::timedApply(*authStore, rows, "auth apply"); });
    bench::Json("mongo_apply_100k_peer_auth")
        .num("writes", kWrites)
        .num("seconds", withAuth.wall)
        .num("writes_per_s", kWrites / withAuth.wall)
        .num("peer_cpu_seconds", withAuth.peerCpu)
        .num("over_standalone", apply / withAuth.wall)
        .num("peer_cpu_over_standalone", withAuth.peerCpu / write.peerCpu)
        .print();
    auto ownStore = mongoStore(fresh(), batch);
    const double own = bench::timedApply(*ownStore, bench::storeRows("MONGO", kWrites), "own");
    bench::Json("mongo_apply_own_100k_peer")
        .num("writes", kWrites)
        .num("seconds", own)
        .num("writes_per_s", kWrites / own)
        .num("over_merge_write_back", apply / own)
        .print();
    const auto [setP50, setP99] = bench::setLatency(fresh(), QString());
    bench::Json("mongo_round_trip_peer")
        .num("set_p50_ms", setP50)
        .num("set_p99_ms", setP99)
        .print();
    return 0;
}

// Redis write-back: a merge apply of 1,000,000 writes through RedisStore (each batch read under
// WATCH, then its stream entries, hash fields, key index and counters in one MULTI/EXEC), as a
// ratio to the physical floor: the same pairs written by raw pipelined HSET + XADD through
// hiredis (same hash values, same stream fields, no reads, no transaction), measured in the same
// run on the same server. Also the round trip of one SET through the store's worker, and the
// cost of one look for outside writes over the million rows (what a redis-cli HSET costs).
#include "redisconnection.h"
#include "redispacking.h"
#include "redisstoreshared.h"
#include "storebench.h"
#include "storefactory.h"
#include "storeworker.h"
#include "verifyafterload.h"
#include "verifystores.h"

#include <QTemporaryDir>
#include <QUrl>

using namespace syncscope;

namespace {

RedisConnection::Endpoint endpointOf(const QString& uri, const QString& password) {
    const QUrl url(uri);
    RedisConnection::Endpoint e;
    e.host = url.host().toStdString();
    e.port = url.port();
    e.user = url.userName().toStdString();
    e.password = password.toStdString();
    return e;
}

// HSET + XADD per write, pipelined 10,000 commands at a time (as the store's batches are).
double rawPipelined(const std::vector<LogRecord>& rows, const QString& uri, const QString& password,
                    const QString& storeUri) {
    RedisConnection c;
    QString why;
    if (!c.connect(endpointOf(uri, password), why))
        qFatal("bench_redis_apply: %s", qPrintable(why));
    const std::string grades = lab::redisKey(storeUri, "grades").toStdString();
    const std::string oplog = lab::redisKey(storeUri, "oplog").toStdString();
    const long long wallMs = 1700000000000;
    return bench::seconds([&] {
        RedisArgs a;
        size_t pending = 0;
        const auto drain = [&] {
            for (; pending > 0; --pending)
                if (RedisReply r = c.next(why); !r || r.isError())
                    qFatal("bench_redis_apply: %s", r ? r.text().data() : qPrintable(why));
        };
        for (const LogRecord& r : rows) {
            a.clear();
            a << "HSET" << grades << redis::field(r.studentId, r.courseId)
              << redis::pack(rowAfter(r, nullptr));
            c.append(a, why);
            redis::appendXadd(a, oplog, r, wallMs);
            c.append(a, why);
            pending += 2;
            if (pending >= 10000)
                drain();
        }
        drain();
    });
}

// The check on Redis: the million rows our apply wrote agree with an SQLite store given
// the same rows (verify --checksums; Redis's rows are hashed on Syncscope's side, read once),
// and a hash field then deleted and a row then rewritten with an 80-byte grade behind
// Syncscope's back are both found and named. A wrong answer stops the run.
void verifyAfterLoad(const QString& ours, const QString& password,
                     const std::vector<LogRecord>& rows) {
    QTemporaryDir dir;
    StoreWorker redis(bench::makeStore(ours, password));
    auto made = StoreFactory::create(QStringLiteral("HIVE"),
                                     QStringLiteral("sqlite://") +
                                         dir.filePath(QStringLiteral("same-rows.db")));
    if (!made)
        qFatal("bench_redis_apply: %s", qPrintable(made.error().toString()));
    StoreWorker sqlite(std::move(made.value()));
    for (StoreWorker* w : {&redis, &sqlite})
        if (QFuture<Status> opened = w->open(); !opened.result())
            qFatal("bench_redis_apply: %s", qPrintable(opened.result().error().toString()));
    if (QFuture<Status> filled = sqlite.append(rows); !filled.result())
        qFatal("bench_redis_apply: %s", qPrintable(filled.result().error().toString()));
    Result<VerifyReport> clean = StoreError{};
    const double seconds = bench::seconds([&] { clean = verifyByChecksums({&redis, &sqlite}); });
    bench::requireNothingFound("redis_verify_after_load", clean);

    const LogRecord& gone = rows[rows.size() / 3];
    LogRecord spoilt = rows[rows.size() * 2 / 3];
    spoilt.value.assign(
        80, 'X'); // docs/script-language.md allows 64 bytes; an empty grade packs as no row
    RedisConnection c;
    QString why;
    if (!c.connect(endpointOf(ours, password), why))
        qFatal("bench_redis_apply: %s", qPrintable(why));
    const std::string grades = lab::redisKey(ours, "grades").toStdString();
    RedisArgs a;
    a << "HDEL" << grades << redis::field(gone.studentId, gone.courseId);
    RedisReply deleted = c.command(a, why);
    a.clear();
    a << "HSET" << grades << redis::field(spoilt.studentId, spoilt.courseId)
      << redis::pack(rowAfter(spoilt, nullptr));
    RedisReply rewritten = c.command(a, why);
    if (!deleted || deleted.isError() || !rewritten || rewritten.isError())
        qFatal("bench_redis_apply: cannot plant the differences: %s", qPrintable(why));

    bench::reportVerifyAfterLoad(
        "redis_verify_after_load",
        "our apply against an SQLite store of the same rows, verify --checksums", rows.size(),
        seconds, clean.value(), verifyByChecksums({&redis, &sqlite}), gone, spoilt);
}

// The physical floor of looking at every row: the whole grades hash read with HSCAN (10,000
// fields a call) on one connection, nothing compared.
double scanWholeHash(const QString& uri, const QString& password) {
    RedisConnection c;
    QString why;
    if (!c.connect(endpointOf(uri, password), why))
        qFatal("bench_redis_apply: %s", qPrintable(why));
    const std::string grades = lab::redisKey(uri, "grades").toStdString();
    return bench::seconds([&] {
        std::string cursor = "0";
        do {
            RedisArgs a;
            a << "HSCAN" << grades << cursor << "COUNT"
              << "10000";
            RedisReply r = c.command(a, why);
            if (!r || !r.isArray() || r.size() != 2)
                qFatal("bench_redis_apply: HSCAN: %s", qPrintable(why));
            cursor = std::string(RedisReply::textOf(r.element(0)));
        } while (cursor != "0");
    });
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int keys = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const lab::Servers servers = bench::labServers();
    const std::vector<LogRecord> rows = bench::storeRows("HIVE", keys);

    const QString ours = bench::fresh(servers.redis, servers.password);
    std::unique_ptr<Store> store = bench::openStore(ours, servers.password);
    const double apply = bench::timedApply(*store, rows, "redis");
    // One look for outside writes over the whole hash (watchChanges takes one at once).
    const double look = bench::seconds([&] {
        if (Result<bool> w = store->watchChanges([] {}, [](const QString&) {}); !w)
            qFatal("bench_redis_apply: %s", qPrintable(w.error().toString()));
    });
    store.reset();
    // Opening a store on the million rows: the open captures writes made behind Syncscope's back
    // (every field of the hash against the state its oplog leads to), so it is compared with a
    // bare read of the hash.
    const double open = bench::seconds([&] { store = bench::openStore(ours, servers.password); });
    store.reset();
    const double scan = scanWholeHash(ours, servers.password);

    const QString reference = bench::fresh(servers.redis, servers.password);
    const double raw = rawPipelined(rows, servers.redis, servers.password, reference);
    verifyAfterLoad(ours, servers.password, rows);
    const auto [p50, p99] = bench::setLatency(ours, servers.password);

    bench::printApplyFigure("redis_merge_apply", keys, apply, "reference_pipelined_hset_xadd_s",
                            raw);
    bench::Json("redis_set_round_trip").num("p50_ms", p50).num("p99_ms", p99).print();
    bench::Json("redis_outside_write_look").num("rows", keys).num("seconds", look).print();
    bench::Json("redis_open_capturing_outside_writes")
        .num("rows", keys)
        .num("seconds", open)
        .num("reference_hscan_whole_hash_s", scan)
        .num("ratio_to_reference", scan > 0 ? open / scan : 0)
        .print();
    bench::giveBackDisk("bench_redis_apply");
    return 0;
}

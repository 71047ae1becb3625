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

    const QString reference = bench::fresh(servers.redis, servers.password);
    const double raw = rawPipelined(rows, servers.redis, servers.password, reference);
    const auto [p50, p99] = bench::setLatency(ours, servers.password);

    bench::printApplyFigure("redis_merge_apply", keys, apply, "reference_pipelined_hset_xadd_s",
                            raw);
    bench::Json("redis_set_round_trip").num("p50_ms", p50).num("p99_ms", p99).print();
    bench::Json("redis_outside_write_look").num("rows", keys).num("seconds", look).print();
    return 0;
}

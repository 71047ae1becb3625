// Follow mode, MariaDB → Redis on the lab's servers, through the Replicator the CLI
// and the window use:
//  - catch-up: 100,000 writes already in MariaDB, followed from the start: changes per second
//    until Redis has them all, against Redis's own batched apply of the same writes (the
//    follower's last step) measured in the same run;
//  - live: a separate client writes 100 writes every 20 ms (5,000 writes/s offered) for 5 s
//    while the follower runs: changes per second sustained, and the end-to-end lag of each
//    write from its logging in MariaDB to Redis's acknowledgement, p50 / p99 / max.
// Afterwards Redis must hold exactly MariaDB's keys (a figure for a wrong result is worthless).
#include "lagsummary.h"
#include "replicator.h"
#include "storebench.h"
#include "whenfinished.h"

#include <QTimer>

using namespace syncscope;

namespace {

std::unique_ptr<StoreWorker> openWorker(const QString& name, const QString& uri,
                                        const QString& password) {
    auto made = StoreFactory::create(name, uri, password);
    if (!made)
        qFatal("bench_follow: %s", qPrintable(made.error().toString()));
    auto worker = std::make_unique<StoreWorker>(std::move(made.value()));
    if (Status s = worker->open().result(); !s)
        qFatal("bench_follow: %s", qPrintable(s.error().toString()));
    return worker;
}

// Runs the event loop until `done` or the time limit.
void spinUntil(const std::function<bool()>& done, int limitMs) {
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < limitMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    if (!done())
        qFatal("bench_follow: not done within %d ms", limitMs);
}

StoreCounts countsOf(StoreWorker& w) {
    Result<StoreCounts> c = w.counts().result();
    if (!c)
        qFatal("bench_follow: %s", qPrintable(c.error().toString()));
    return c.value();
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int writes = argc > 1 ? std::atoi(argv[1]) : 100000;
    const lab::Servers servers = bench::labServers();

    // Catch-up.
    const QString sqlUri = bench::fresh(servers.mariadb, servers.password);
    auto source = openWorker(QStringLiteral("SQL"), sqlUri, servers.password);
    if (Status s = source->append(bench::storeRows("HIVE", writes)).result(); !s)
        qFatal("bench_follow: %s", qPrintable(s.error().toString()));
    auto target = openWorker(QStringLiteral("REDIS"), bench::fresh(servers.redis, servers.password),
                             servers.password);
    Replicator replicator(source.get(), {target.get()}, {0}, false);
    std::vector<int64_t> lags;
    qint64 delivered = 0;
    QObject::connect(&replicator, &Replicator::delivered,
                     [&](int, qint64 n, const std::vector<int64_t>& l) {
                         delivered += n;
                         lags.insert(lags.end(), l.begin(), l.end());
                     });
    const double catchUp = bench::seconds([&] {
        replicator.start();
        spinUntil([&] { return replicator.allCaughtUp(); }, 300000);
    });
    if (delivered != writes)
        qFatal("bench_follow: %lld of %d writes delivered", static_cast<long long>(delivered),
               writes);
    auto reference = openWorker(QStringLiteral("REDIS"),
                                bench::fresh(servers.redis, servers.password), servers.password);
    const double apply = bench::seconds([&] {
        if (Status s = reference->append(bench::storeRows("HIVE", writes)).result(); !s)
            qFatal("bench_follow: %s", qPrintable(s.error().toString()));
    });
    bench::Json("follow_catch_up_mariadb_to_redis")
        .num("writes", writes)
        .num("seconds", catchUp)
        .num("changes_per_s", writes / catchUp)
        .num("redis_apply_seconds", apply)
        .num("ours_over_redis_apply", apply / catchUp)
        .print();

    // Live: a writer of its own (another connection, as another client would be).
    lags.clear();
    delivered = 0;
    auto writer = openWorker(QStringLiteral("SQL"), sqlUri, servers.password);
    constexpr int kPerTick = 100, kTickMs = 20, kSeconds = 5;
    uint64_t seq = 0;
    int outstanding = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        std::vector<LogRecord> batch;
        for (int i = 0; i < kPerTick; ++i) {
            ++seq;
            LogRecord& r = batch.emplace_back();
            r.kind = EntryKind::Set;
            r.studentId = "LIVE" + std::to_string(seq % 50000);
            r.courseId = "CSE1";
            r.value = std::string(1, static_cast<char>('A' + seq % 5));
            r.hasValue = true;
            r.ts = static_cast<int64_t>(1000000 + seq);
            r.origin = "MONGO";
            r.seq = seq;
        }
        ++outstanding;
        whenFinished(writer->append(std::move(batch)), &app, [&](const Status& s) {
            if (!s)
                qFatal("bench_follow: %s", qPrintable(s.error().toString()));
            --outstanding;
        });
    });
    QElapsedTimer live;
    live.start();
    tick.start(kTickMs);
    spinUntil([&] { return live.elapsed() >= kSeconds * 1000; }, kSeconds * 1000 + 1000);
    tick.stop();
    spinUntil([&] { return outstanding == 0; }, 60000);
    const qint64 written = static_cast<qint64>(seq);
    spinUntil([&] { return delivered == written && replicator.allCaughtUp(); }, 120000);
    const double liveSeconds = static_cast<double>(live.elapsed()) / 1000.0;
    const LagSummary lag = summarizeLags(lags);

    const StoreCounts from = countsOf(*source), to = countsOf(*target);
    if (from.liveKeys != to.liveKeys)
        qFatal("bench_follow: MariaDB holds %lld keys, Redis %lld",
               static_cast<long long>(from.liveKeys), static_cast<long long>(to.liveKeys));
    bench::Json("follow_live_mariadb_to_redis")
        .num("writes", static_cast<double>(written))
        .num("offered_per_s", kPerTick * 1000.0 / kTickMs)
        .num("changes_per_s", static_cast<double>(written) / liveSeconds)
        .num("lag_p50_ms", static_cast<double>(lag.p50))
        .num("lag_p99_ms", static_cast<double>(lag.p99))
        .num("lag_max_ms", static_cast<double>(lag.max))
        .print();
    replicator.stop();
    bench::giveBackDisk("bench_follow");
    return 0;
}

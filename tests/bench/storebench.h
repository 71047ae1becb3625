#pragma once
// Shared by the server benchmarks: a store in a fresh database of a lab server, and the round
// trip of one SET through a store's worker.
#include "benchutil.h"
#include "labservers.h"
#include "storefactory.h"
#include "storeworker.h"
#include "uiprobe.h"

#include <algorithm>

namespace bench {

// The lab servers of this run (CTest's `servers` fixture), or the benchmark stops saying why.
inline lab::Servers labServers() {
    QString problem;
    const std::optional<lab::Servers> servers = lab::servers(problem);
    if (!servers)
        qFatal("bench: %s", qPrintable(problem));
    return *servers;
}

// Applies `rows` to `store` in one append, timed, and checks it then holds one live key and one
// oplog entry per row (a figure for a wrong result is worthless).
inline double timedApply(syncscope::Store& store, const std::vector<syncscope::LogRecord>& rows,
                         const char* name) {
    const double apply = seconds([&] {
        if (syncscope::Status s = store.append(rows, syncscope::BatchControl{}); !s)
            qFatal("bench: %s: %s", name, qPrintable(s.error().toString()));
    });
    const syncscope::StoreCounts counts = store.counts().value();
    const auto expected = static_cast<qint64>(rows.size());
    if (counts.liveKeys != expected || counts.oplogEntries != expected)
        qFatal("bench: %s holds %lld keys and %lld entries, not %lld", name,
               static_cast<long long>(counts.liveKeys), static_cast<long long>(counts.oplogEntries),
               static_cast<long long>(expected));
    return apply;
}

// The apply figure every server benchmark prints: ours against the physical reference measured
// in the same run, with a target of 0.5 (at least half the reference's rate).
inline void printApplyFigure(const std::string& bench, int writes, double apply,
                             const std::string& referenceName, double reference) {
    Json(bench)
        .num("writes", writes)
        .num("seconds", apply)
        .num("writes_per_s", writes / apply)
        .num(referenceName, reference)
        .num("reference_rows_per_s", writes / reference)
        .num("ours_over_reference", reference / apply)
        .num("target", 0.5)
        .flag("meets_target", reference / apply >= 0.5)
        .print();
}

// Drops the databases and Redis prefixes this benchmark made (its stores closed first), so the
// next benchmark starts with the disk this one took: a failure is said, not fatal, since the
// figures already printed stand.
inline void giveBackDisk(const char* bench) {
    if (const QString problem = lab::dropThrowaways(); !problem.isEmpty())
        std::fprintf(stderr, "%s: could not drop a throwaway database: %s\n", bench,
                     qPrintable(problem));
}

inline QString fresh(const QString& server, const QString& password) {
    QString problem;
    const QString uri = lab::freshDatabase(server, password, problem);
    if (!problem.isEmpty())
        qFatal("bench: %s", qPrintable(problem));
    return uri;
}

inline std::unique_ptr<syncscope::Store> makeStore(const QString& uri, const QString& password) {
    auto made = syncscope::StoreFactory::create(QStringLiteral("HIVE"), uri, password);
    if (!made)
        qFatal("bench: %s", qPrintable(made.error().toString()));
    return std::move(made.value());
}

inline std::unique_ptr<syncscope::Store> openStore(const QString& uri, const QString& password) {
    std::unique_ptr<syncscope::Store> store = makeStore(uri, password);
    if (syncscope::Status s = store->open(); !s)
        qFatal("bench: %s", qPrintable(s.error().toString()));
    return store;
}

// One SET at a time through the worker, as the command bar sends them: p50 and p99 in ms.
inline std::pair<double, double> setLatency(const QString& uri, const QString& password) {
    syncscope::StoreWorker worker(makeStore(uri, password)); // a connection belongs to its thread
    QFuture<syncscope::Status> opened = worker.open();
    opened.waitForFinished();
    if (!opened.result())
        qFatal("bench: %s", qPrintable(opened.result().error().toString()));
    std::vector<double> ms;
    for (int i = 0; i < 1000; ++i) {
        syncscope::LogRecord r = storeRows("HIVE", 1).front();
        r.studentId = "LAT" + std::to_string(i);
        r.ts = 2000000 + i;
        r.seq = static_cast<uint64_t>(2000000 + i);
        ms.push_back(1000 * seconds([&] {
                         QFuture<syncscope::Status> f = worker.append({r});
                         f.waitForFinished();
                         if (!f.result())
                             qFatal("bench: %s", qPrintable(f.result().error().toString()));
                     }));
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[ms.size() * 99 / 100]};
}

} // namespace bench

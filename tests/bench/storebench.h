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

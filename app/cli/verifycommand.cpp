#include "verifycommand.h"

#include "clilines.h"
#include "displayuri.h"
#include "runcommand.h"
#include "storeworker.h"
#include "verifystores.h"
#include "workspacefile.h"
#include "workspacestores.h"

#include <QFile>

#include <algorithm>

namespace syncscope {

namespace {

// verify --repair: each write a store holds but its origin's oplog lacks goes back into the
// origin, in seq order, as the write it is (same identity), so the origin's oplog holds every
// write it originated (docs/crash-safety.md) and its table takes it only where it wins, as for any
// write.
Status writeBackIntoOrigins(const VerifyReport& report, const std::vector<StoreWorker*>& workers,
                            std::FILE* out) {
    std::vector<std::vector<LogRecord>> perOrigin(workers.size());
    for (const VerifyReport::MissingFromOrigin& m : report.missingFromOrigin)
        perOrigin[m.origin].push_back(m.write);
    QStringList written;
    for (size_t s = 0; s < workers.size(); ++s) {
        std::vector<LogRecord>& writes = perOrigin[s];
        if (writes.empty())
            continue;
        std::sort(writes.begin(), writes.end(),
                  [](const LogRecord& a, const LogRecord& b) { return a.seq < b.seq; });
        const size_t n = writes.size();
        if (Status s2 = workers[s]->append(std::move(writes)).result(); !s2)
            return s2;
        written << QStringLiteral("%1 into %2").arg(n).arg(workers[s]->description().name);
    }
    say(out,
        QStringLiteral("repair: wrote back %1 (ahead-of-origin)%2%3")
            .arg(written.isEmpty() ? QStringLiteral("nothing") : written.join(QStringLiteral(", ")),
                 report.heldBackFromRepair == 0
                     ? QString()
                     : QStringLiteral("; left %1 whose identity names another write too "
                                      "(identity-reused: choose by hand)")
                           .arg(report.heldBackFromRepair),
                 written.isEmpty() ? QString() : QStringLiteral("; verifying again")));
    return success();
}

} // namespace

int verifyWorkspace(const VerifyOptions& options, std::FILE* out, std::FILE* err) {
    WorkspaceFile ws = WorkspaceFile::load(options.workspace);
    if (!ws.error.isEmpty()) {
        say(err, QStringLiteral("syncscope-cli: ") + ws.error);
        return ExitUsage;
    }
    QString problem;
    const std::optional<std::vector<StoreSpec>> chosen =
        pickStores(ws.stores, options.stores, problem);
    if (!chosen) {
        say(err, QStringLiteral("syncscope-cli: --stores: %1 (%2)")
                     .arg(problem, displayUri(options.workspace)));
        return ExitUsage;
    }
    if (chosen->empty()) {
        say(err,
            QStringLiteral("syncscope-cli: %1 has no stores").arg(displayUri(options.workspace)));
        return ExitUsage;
    }
    if (const QString bad = firstUriProblem(*chosen); !bad.isEmpty()) {
        say(err, QStringLiteral("syncscope-cli: ") + bad);
        return ExitUsage;
    }
    // The report's file is checked before any store is read or repaired: a usage error must
    // come before anything changed.
    if (!options.json.isEmpty()) {
        QFile probe(options.json);
        if (!probe.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            say(err, QStringLiteral("syncscope-cli: cannot write the verify report %1: %2")
                         .arg(displayUri(options.json), probe.errorString()));
            return ExitUsage;
        }
    }
    // Verify only reads; --repair writes back into the origins.
    auto opened = openStores(*chosen, options.repair ? Access::ReadWrite : Access::ReadOnly);
    if (!opened) {
        say(err, opened.error().toString());
        return ExitBackend;
    }
    std::vector<StoreWorker*> workers;
    for (const auto& w : opened.value())
        workers.push_back(w.get());

    // The report as text on stdout; false (said on stderr) when a store failed.
    const auto printed = [&](const Result<VerifyReport>& report) {
        if (!report) {
            say(err, report.error().toString());
            return false;
        }
        const std::string text = report.value().text();
        std::fwrite(text.data(), 1, text.size(), out);
        std::fflush(out);
        return true;
    };
    Result<VerifyReport> report =
        options.checksums ? verifyByChecksums(workers) : verifyStores(workers, {});
    if (!printed(report))
        return ExitBackend;
    if (options.repair &&
        (!report.value().missingFromOrigin.empty() || report.value().heldBackFromRepair > 0)) {
        if (Status repaired = writeBackIntoOrigins(report.value(), workers, out); !repaired) {
            say(err, repaired.error().toString());
            return ExitBackend;
        }
    }
    if (options.repair && !report.value().missingFromOrigin.empty()) {
        report = verifyStores(workers, {});
        if (!printed(report))
            return ExitBackend;
    }
    if (!options.json.isEmpty()) {
        const std::string json = report.value().json();
        QFile file(options.json);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(json.data(), static_cast<qint64>(json.size())) !=
                static_cast<qint64>(json.size())) {
            say(err, QStringLiteral("syncscope-cli: cannot write the verify report %1: %2")
                         .arg(displayUri(options.json), file.errorString()));
            return ExitUsage;
        }
    }
    return report.value().clean() ? ExitOk : ExitDifferences;
}

} // namespace syncscope

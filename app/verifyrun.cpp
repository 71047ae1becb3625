#include "verifyrun.h"

#include "clilines.h"
#include "scriptrun.h"
#include "storeverifier.h"
#include "storeworker.h"
#include "workspacefile.h"
#include "workspacestores.h"

#include <QFile>

namespace syncscope {

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
        say(err,
            QStringLiteral("syncscope-cli: --stores: %1 (%2)").arg(problem, options.workspace));
        return ExitUsage;
    }
    if (chosen->empty()) {
        say(err, QStringLiteral("syncscope-cli: %1 has no stores").arg(options.workspace));
        return ExitUsage;
    }
    auto opened = openStores(*chosen);
    if (!opened) {
        say(err, opened.error().toString());
        return ExitBackend;
    }
    std::vector<StoreWorker*> workers;
    for (const auto& w : opened.value())
        workers.push_back(w.get());

    Result<VerifyReport> report =
        options.checksums ? verifyByChecksums(workers) : verifyStores(workers, {});
    if (!report) {
        say(err, report.error().toString());
        return ExitBackend;
    }
    const std::string text = report.value().text();
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
    if (!options.json.isEmpty()) {
        const std::string json = report.value().json();
        QFile file(options.json);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(json.data(), static_cast<qint64>(json.size())) !=
                static_cast<qint64>(json.size())) {
            say(err, QStringLiteral("syncscope-cli: cannot write the verify report %1: %2")
                         .arg(options.json, file.errorString()));
            return ExitUsage;
        }
    }
    return report.value().clean() ? ExitOk : ExitDifferences;
}

} // namespace syncscope

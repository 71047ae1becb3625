#include "verifyrun.h"

#include "scriptrun.h"
#include "storefactory.h"
#include "storeverifier.h"
#include "storeworker.h"
#include "workspacefile.h"

#include <QFile>

#include <memory>

namespace syncscope {

namespace {

void say(std::FILE* err, const QString& line) {
    std::fputs((line + QLatin1Char('\n')).toUtf8().constData(), err);
}

} // namespace

int verifyWorkspace(const VerifyOptions& options, std::FILE* out, std::FILE* err) {
    WorkspaceFile ws = WorkspaceFile::load(options.workspace);
    if (!ws.error.isEmpty()) {
        say(err, QStringLiteral("syncscope-cli: ") + ws.error);
        return ExitUsage;
    }
    // The stores asked for, by name or alias, in workspace order.
    std::vector<StoreSpec> chosen;
    for (const StoreSpec& s : ws.stores) {
        bool wanted = options.stores.isEmpty();
        for (const QString& asked : options.stores) {
            const std::string name = asked.toUpper().toStdString();
            wanted = wanted || s.name == name ||
                     std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end();
        }
        if (wanted)
            chosen.push_back(s);
    }
    for (const QString& asked : options.stores) {
        const std::string name = asked.toUpper().toStdString();
        if (std::none_of(chosen.begin(), chosen.end(), [&](const StoreSpec& s) {
                return s.name == name ||
                       std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end();
            })) {
            say(err, QStringLiteral("syncscope-cli: --stores: %1 is not a store of %2")
                         .arg(asked, options.workspace));
            return ExitUsage;
        }
    }
    if (chosen.empty()) {
        say(err, QStringLiteral("syncscope-cli: %1 has no stores").arg(options.workspace));
        return ExitUsage;
    }

    std::vector<std::unique_ptr<StoreWorker>> owned;
    std::vector<StoreWorker*> workers;
    for (const StoreSpec& s : chosen) {
        auto store =
            StoreFactory::create(QString::fromStdString(s.name), QString::fromStdString(s.uri));
        if (!store) {
            say(err, store.error().toString());
            return ExitBackend;
        }
        owned.push_back(std::make_unique<StoreWorker>(std::move(store.value())));
        workers.push_back(owned.back().get());
    }
    std::vector<QFuture<Status>> opened;
    for (StoreWorker* w : workers)
        opened.push_back(w->open());
    for (QFuture<Status>& f : opened)
        if (Status s = f.result(); !s) {
            say(err, s.error().toString());
            return ExitBackend;
        }

    Result<VerifyReport> report = verifyStores(workers, {});
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

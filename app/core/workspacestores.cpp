#include "workspacestores.h"

#include "displayuri.h"
#include "storefactory.h"
#include "storeworker.h"

#include <algorithm>

namespace syncscope {

namespace {

bool answersTo(const StoreSpec& s, const std::string& name) {
    return s.name == name || std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end();
}

} // namespace

std::optional<std::vector<StoreSpec>> pickStores(const std::vector<StoreSpec>& stores,
                                                 const QStringList& names, QString& problem) {
    std::vector<std::string> wanted;
    for (const QString& n : names) {
        wanted.push_back(n.trimmed().toUpper().toStdString());
        if (std::none_of(stores.begin(), stores.end(),
                         [&](const StoreSpec& s) { return answersTo(s, wanted.back()); })) {
            problem =
                QStringLiteral("%1 is not a store of the workspace").arg(displayUri(n.trimmed()));
            return std::nullopt;
        }
    }
    std::vector<StoreSpec> picked;
    for (const StoreSpec& s : stores)
        if (wanted.empty() || std::any_of(wanted.begin(), wanted.end(),
                                          [&](const std::string& w) { return answersTo(s, w); }))
            picked.push_back(s);
    return picked;
}

QString firstUriProblem(const std::vector<StoreSpec>& stores) {
    for (const StoreSpec& s : stores)
        if (const QString problem = StoreFactory::checkUri(QString::fromStdString(s.uri));
            !problem.isEmpty())
            return QStringLiteral("store %1: %2").arg(QString::fromStdString(s.name), problem);
    return {};
}

Result<std::vector<std::unique_ptr<StoreWorker>>>
createWorkers(const std::vector<StoreSpec>& stores, Access access) {
    std::vector<std::unique_ptr<StoreWorker>> workers;
    for (const StoreSpec& s : stores) {
        auto store =
            StoreFactory::create(QString::fromStdString(s.name), QString::fromStdString(s.uri));
        if (!store)
            return store.error();
        if (access == Access::ReadOnly)
            store.value()->setReadOnly();
        workers.push_back(std::make_unique<StoreWorker>(std::move(store.value())));
    }
    return workers;
}

Result<std::vector<std::unique_ptr<StoreWorker>>> openStores(const std::vector<StoreSpec>& stores,
                                                             Access access) {
    auto made = createWorkers(stores, access);
    if (!made)
        return made.error();
    std::vector<std::unique_ptr<StoreWorker>>& workers = made.value();
    std::vector<QFuture<Status>> opened;
    for (auto& w : workers)
        opened.push_back(w->open());
    for (QFuture<Status>& f : opened)
        if (Status s = f.result(); !s)
            return s.error();
    return std::move(workers);
}

} // namespace syncscope

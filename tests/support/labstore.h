#pragma once
// A Syncscope store of the tests' own, in a fresh database on one of the lab's servers.
#include "awaitfuture.h"
#include "labservers.h"
#include "storefactory.h"
#include "storeworker.h"

#include <memory>

namespace lab {

// Store `name` in a new database on the server of `serverUri` (its URI in `uri`), opened on
// its worker; null with `problem` set when any step fails.
inline std::unique_ptr<syncscope::StoreWorker> freshStore(const QString& name,
                                                          const QString& serverUri,
                                                          const QString& password, QString& uri,
                                                          QString& problem) {
    uri = freshDatabase(serverUri, password, problem);
    if (!problem.isEmpty())
        return nullptr;
    auto made = syncscope::StoreFactory::create(name, uri, password);
    if (!made) {
        problem = made.error().toString();
        return nullptr;
    }
    auto worker = std::make_unique<syncscope::StoreWorker>(std::move(made.value()));
    if (const syncscope::Status opened = await(worker->open()); !opened) {
        problem = opened.error().toString();
        return nullptr;
    }
    return worker;
}

} // namespace lab

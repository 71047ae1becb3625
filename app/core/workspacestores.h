#pragma once

#include "result.h"
#include "storedirectory.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace syncscope {

class StoreWorker;

// The headless commands' way to a workspace's stores (verify, load): picking them by name or
// alias, and opening them, each on its own worker, in parallel.

// The stores `names` pick (names or aliases, any case) in workspace order; all when `names` is
// empty. nullopt, with `problem` naming the first unknown name, when one is not a store.
std::optional<std::vector<StoreSpec>> pickStores(const std::vector<StoreSpec>& stores,
                                                 const QStringList& names, QString& problem);

// "store NAME: why" for the first of `stores` whose URI this build cannot open (the URI shown
// without a password); empty when each can be. The commands ask before touching any store: a
// refused URI is a usage error (exit status 2), whichever command meets it.
QString firstUriProblem(const std::vector<StoreSpec>& stores);

// Whether a command writes to the stores or only reads them (verify): then each is asked to
// change nothing (Store::setReadOnly).
enum class Access { ReadWrite, ReadOnly };

// A worker per store, not yet open; the first store that cannot be made (a bad URI) otherwise.
Result<std::vector<std::unique_ptr<StoreWorker>>>
createWorkers(const std::vector<StoreSpec>& stores, Access access = Access::ReadWrite);

// A worker per store, each store open; the first store's failure otherwise.
Result<std::vector<std::unique_ptr<StoreWorker>>> openStores(const std::vector<StoreSpec>& stores,
                                                             Access access = Access::ReadWrite);

} // namespace syncscope

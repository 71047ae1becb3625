#pragma once

#include "errorlist.h"
#include "script.h"
#include "storedirectory.h"

#include <vector>

namespace syncscope {

// Which store of the run each of a script's names means (docs/script-language.md).
struct StoreBinding {
    std::vector<StoreSpec> stores;   // the run's stores, fixed before the first command
    std::vector<size_t> storeOfName; // Script::names index -> stores index
};

// With a configured workspace, every name must resolve to one of its stores; each line that
// names another is an error at that name. Without one, the run's stores are exactly the
// stores the script names, under the default alias groups, in order of first mention, at most
// kMaxStores: the first mention of one more is the error. Either way the seed origin "CSV"
// cannot name a store. Errors come sorted by line (the first kMaxErrorsShown, the rest counted).
ErrorList bindStores(const Script& script, const StoreDirectory* configured, StoreBinding& binding);

// Everything wrong with a script bound to its stores: its parse errors and bindStores' in order
// of line and column, the first kMaxErrorsShown of them and how many more.
ErrorList checkScript(const Script& script, const StoreDirectory* configured,
                      StoreBinding& binding);

} // namespace syncscope

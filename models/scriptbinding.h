#pragma once

#include "errorlist.h"
#include "script.h"
#include "storedirectory.h"

#include <cstdint>
#include <string>
#include <vector>

namespace syncscope {

// Which store of the run each of a script's names means (docs/script-language.md).
struct StoreBinding {
    std::vector<StoreSpec> stores;   // the run's stores, fixed before the first command
    std::vector<size_t> storeOfName; // Script::names index -> stores index
};

// bindStores a piece at a time, for a script parsed in pieces (ScriptPieceParser): check()
// after each piece binds the names that piece added and checks its commands. A name is bound
// when first seen, and a store's number is its name's order of first mention, so the pieces give
// the binding and the errors bindStores gives the whole script.
class StoreBinder {
public:
    explicit StoreBinder(const StoreDirectory* configured);
    // The newly parsed commands of `script` (all of them, or a piece's) against every name it
    // holds; errors in order of line go to `errors`.
    void check(const Script& script, ErrorList& errors);
    const StoreBinding& binding() const { return binding_; }
    StoreBinding takeBinding() { return std::move(binding_); }

private:
    void bindNames(const std::vector<std::string>& names);
    bool checkName(const Script& script, const Command& c, uint16_t name, uint32_t offset,
                   ErrorList& errors);

    const StoreDirectory* configured_;
    std::string known_; // the configured stores, for the message
    StoreBinding binding_;
    std::vector<std::string> problem_; // per name: why it binds to no store, or empty
    size_t overLimit_ = SIZE_MAX;      // the name that would have been one store too many
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

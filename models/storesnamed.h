#pragma once

#include "script.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace syncscope {

// Where a command names a store that cannot take part (its server is down): the store's
// workspace index and the column of its name, for an error at file:line:col.
struct UnavailableName {
    size_t store = 0;
    uint32_t column = 0; // 1-based; FULL_SYNC without a list: the command's first column
};

// The first store a bound command names whose `unavailable` flag is set: SET, GET and DELETE
// their store; MERGE its target and its source; FULL_SYNC its list, or every store when it
// has none. std::nullopt when every store it names is available.
std::optional<UnavailableName> firstUnavailableNamed(const Script& script, const Command& command,
                                                     std::span<const size_t> storeOfName,
                                                     std::span<const char> unavailable);

} // namespace syncscope

#pragma once

#include "propertylab.h"

#include <string>

namespace syncscope {

// The lab's report as indented JSON (syncscope-cli run --lab FILE): the stores, the merges, and
// per strategy its verdicts (held / fails / not tested, with the counter-example) and its end
// states (the orders reaching each, and every store's value for each listed key; null where
// a store never had the key).
std::string propertyLabJson(const PropertyLabReport& report);

} // namespace syncscope

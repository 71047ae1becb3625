#pragma once

#include "mergedecision.h"

#include <cstdint>
#include <string>
#include <vector>

namespace syncscope {

// docs/script-language.md's properties, checked for a strategy by running it: on random small
// histories over three stores, every merge is planned and applied exactly as the dialog applies it,
// and the outcomes are compared. A property that fails comes with the history that breaks it; one
// that holds says in how many histories it was tried (a search, not a proof).
enum class MergeProperty : uint8_t { Commutative, Associative, Idempotent, Convergent };
inline constexpr size_t kMergeProperties = 4;
std::string_view mergePropertyName(MergeProperty p);

struct PropertyVerdict {
    MergeProperty property = MergeProperty::Commutative;
    bool held = true;
    size_t trials = 0;
    std::string counterExample; // when it did not hold: the history and the two outcomes
};

// Manual is checked as last-writer-wins: the keys nobody decides follow it.
std::vector<PropertyVerdict> checkMergeProperties(MergeStrategy strategy, size_t trials = 400,
                                                  uint64_t seed = 1);

} // namespace syncscope

#pragma once

#include "causalcontext.h"
#include "oplog.h"
#include "storestate.h"

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace syncscope {

// docs/script-language.md's buckets for one key across a set of stores.
enum class ConflictKind : uint8_t {
    Identical,   // every store holds the same write
    Missing,     // some stores never received a write; the others hold the same one
    FastForward, // the greatest write causally follows every other: merging loses nothing
    Concurrent,  // some write is not in the greatest write's past: LWW discards it unseen
};
inline constexpr size_t kConflictKinds = 4;
inline constexpr size_t kMaxConflictStores = 32; // store sets are bit masks

// One key across the compared stores (bit i of a mask is the i-th store of the set).
struct KeyConflict {
    KeyId key = 0;
    ConflictKind kind = ConflictKind::Identical;
    uint8_t winner = 0;     // a store holding the write last-writer-wins keeps
    uint32_t absent = 0;    // stores that never received a write for the key
    uint32_t deleted = 0;   // stores whose write is a DELETE (the key is absent there too)
    uint32_t differs = 0;   // stores holding a write other than the winner (absent included)
    uint32_t discarded = 0; // stores whose write LWW discards although the winner never saw it
};

struct ConflictReport {
    std::vector<KeyConflict> keys; // every key some store has a write for, except identical ones
    std::array<size_t, kConflictKinds> counts{}; // per ConflictKind, identical keys included
    size_t count(ConflictKind k) const { return counts[static_cast<size_t>(k)]; }
};

// Classifies one key. The greatest write in docs/script-language.md's order is the winner; a state
// write that causally follows another is always the greater one (a store's state is the greatest
// write it received), so "fast-forward" means the winner's past holds every other store's write.
KeyConflict classifyKey(KeyId key, std::span<const StoreState* const> states,
                        const CausalContexts& contexts, const WriteOrder& order);

// Classifies keys [0, keyCount) over the stores (at most kMaxConflictStores).
ConflictReport classifyConflicts(std::span<const StoreState* const> states, size_t keyCount,
                                 const CausalContexts& contexts, const WriteOrder& order);

// A GET that did not show the latest write its store had received for the key: that write
// arrived after the one the GET returned but lost under LWW (a local SET with a smaller
// timestamp: the classic read-your-writes anomaly of clock-based LWW).
struct StaleRead {
    size_t position = 0; // the GET's position in the oplog (counting from the first entry ever)
    Write read;          // the GET entry (ts, and value it returned)
    Write shown;         // the write whose value it returned (none when it returned NULL)
    Write hidden;        // the later-received write it did not show
};
// Scans log (whose first entry is at position logBase) in order.
std::vector<StaleRead> findStaleReads(const Oplog& log, size_t logBase, const WriteOrder& order);

} // namespace syncscope

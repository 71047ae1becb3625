#pragma once

#include "write.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace syncscope {

class Engine;

// How far apart the stores are, pair by pair, as commands run: what the divergence chart and
// the disagreement heat map draw. Two stores differ on a key when they hold different writes
// (docs/script-language.md: anything but "identical" for that pair, a key only one of them received
// included), so after a FULL_SYNC every pair is at zero.
//
// Pairs of stores a < b are numbered a-major: (0,1), (0,2), …, (1,2), …
inline constexpr size_t kMaxDivergenceStores = 11; // a key's pair bits fit 64 bits: 55 pairs
inline constexpr size_t pairCount(size_t stores) {
    return stores < 2 ? 0 : stores * (stores - 1) / 2;
}
size_t pairIndex(size_t a, size_t b, size_t stores);

struct DivergenceSample {
    uint64_t tick = 0;               // commands (and other changes) before and including it
    std::string label;               // what ran: a script line, a typed command, "merge", …
    std::vector<uint32_t> differing; // keys per pair
};

// The samples of a session, oldest first. Bounded: past `capacity` samples every other one is
// dropped (the first and the newest stay), so a million-line script keeps its shape in a few
// thousand points.
class DivergenceHistory {
public:
    explicit DivergenceHistory(size_t capacity = 4096)
        : capacity_(capacity < 4 ? 4 : capacity) {}

    void add(DivergenceSample sample);
    const std::vector<DivergenceSample>& samples() const { return samples_; }
    size_t storeCount() const { return storeCount_; }
    void setStoreCount(size_t n) { storeCount_ = n; }
    void clear() { samples_.clear(); }

private:
    size_t capacity_;
    size_t storeCount_ = 0;
    std::vector<DivergenceSample> samples_;
};

// Keeps the differing-key count of every pair of the engine's replicas up to date as their
// oplogs grow: each key remembers which pairs differ on it, so a command costs one look at
// each key it wrote, not a pass over every key. Lives with the engine, on its thread.
class DivergenceTracker {
public:
    // Counts every key from the replicas' states (after a load) and starts a new history.
    // With more than kMaxDivergenceStores replicas nothing is tracked (enabled() is false).
    void rebuild(const Engine& engine, std::string label);
    // Folds in the entries appended to every replica since the last call and, when `always`
    // or when any of them was a write, records a sample labelled `label`.
    void advance(const Engine& engine, std::string label, bool always);

    bool enabled() const { return enabled_; }
    const std::vector<uint32_t>& differing() const { return counts_; }
    const DivergenceHistory& history() const { return history_; }

private:
    uint64_t pairMask(const Engine& engine, KeyId key) const;
    void recount(const Engine& engine, KeyId key);

    bool enabled_ = false;
    size_t stores_ = 0;
    std::vector<uint64_t> masks_;  // by KeyId: bit p set when pair p differs on the key
    std::vector<uint32_t> counts_; // by pair
    std::vector<size_t> seen_;     // by replica: log position folded in so far
    std::vector<KeyId> touched_;   // keys written since the last advance, each once
    std::vector<uint32_t> marks_;  // by KeyId: the generation that last listed it in touched_
    uint32_t generation_ = 0;
    uint64_t tick_ = 0;
    DivergenceHistory history_;
};

} // namespace syncscope

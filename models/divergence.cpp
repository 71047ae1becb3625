#include "divergence.h"

#include "engine.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace syncscope {

size_t pairIndex(size_t a, size_t b, size_t stores) {
    assert(a < b && b < stores);
    // Pairs before row a: (n-1) + (n-2) + … + (n-a); then b's place in row a.
    return a * stores - a * (a + 1) / 2 + (b - a - 1);
}

void DivergenceHistory::add(DivergenceSample sample) {
    samples_.push_back(std::move(sample));
    if (samples_.size() <= capacity_)
        return;
    // Keep samples 0, 2, 4, … and always the newest: the chart keeps its shape at half the
    // resolution, and its right end is where the session is now.
    std::vector<DivergenceSample> kept;
    kept.reserve(capacity_ / 2 + 2);
    for (size_t i = 0; i + 1 < samples_.size(); i += 2)
        kept.push_back(std::move(samples_[i]));
    kept.push_back(std::move(samples_.back()));
    samples_ = std::move(kept);
}

uint64_t DivergenceTracker::pairMask(const Engine& engine, KeyId key) const {
    uint64_t mask = 0;
    size_t p = 0;
    for (size_t a = 0; a < stores_; ++a) {
        const Write& wa = engine.replica(a).state.at(key);
        for (size_t b = a + 1; b < stores_; ++b, ++p)
            if (!wa.sameWrite(engine.replica(b).state.at(key)))
                mask |= uint64_t{1} << p;
    }
    return mask;
}

void DivergenceTracker::recount(const Engine& engine, KeyId key) {
    if (key >= masks_.size())
        masks_.resize(std::max<size_t>(key + 1, masks_.size() + masks_.size() / 2), 0);
    const uint64_t now = pairMask(engine, key);
    uint64_t flipped = masks_[key] ^ now;
    while (flipped != 0) {
        const int p = std::countr_zero(flipped);
        flipped &= flipped - 1;
        if (now & (uint64_t{1} << p))
            ++counts_[static_cast<size_t>(p)];
        else
            --counts_[static_cast<size_t>(p)];
    }
    masks_[key] = now;
}

void DivergenceTracker::rebuild(const Engine& engine, std::string label) {
    stores_ = engine.replicaCount();
    enabled_ = stores_ <= kMaxDivergenceStores;
    history_.clear();
    history_.setStoreCount(stores_);
    tick_ = 0;
    masks_.clear();
    counts_.assign(enabled_ ? pairCount(stores_) : 0, 0);
    seen_.clear();
    for (size_t r = 0; r < stores_; ++r)
        seen_.push_back(engine.replica(r).logEnd());
    if (!enabled_)
        return;
    const uint32_t keys = engine.catalog().keyCount();
    masks_.assign(keys, 0);
    for (KeyId k = 0; k < keys; ++k)
        recount(engine, k);
    history_.add({tick_, std::move(label), counts_});
}

void DivergenceTracker::advance(const Engine& engine, std::string label, bool always) {
    if (!enabled_)
        return;
    touched_.clear();
    if (++generation_ == 0) { // wrapped: no key may look marked by an old generation
        std::fill(marks_.begin(), marks_.end(), 0);
        generation_ = 1;
    }
    for (size_t r = 0; r < stores_; ++r) {
        const Replica& rep = engine.replica(r);
        // Entries trimmed away unseen cannot be folded in; their keys were written again
        // later or are counted as they were (trimming never changes a state).
        for (size_t pos = std::max(seen_[r], rep.logBase); pos < rep.logEnd(); ++pos) {
            const OplogEntry& e = rep.entryAt(pos);
            if (!e.isWrite() || !e.changedState)
                continue;
            const KeyId key = e.write.key;
            if (key >= marks_.size())
                marks_.resize(std::max<size_t>(key + 1, marks_.size() + marks_.size() / 2), 0);
            if (marks_[key] != generation_) {
                marks_[key] = generation_;
                touched_.push_back(key);
            }
        }
        seen_[r] = rep.logEnd();
    }
    for (KeyId key : touched_)
        recount(engine, key);
    if (always || !touched_.empty())
        history_.add({++tick_, std::move(label), counts_});
}

} // namespace syncscope

#pragma once

#include "write.h"

#include <cstddef>
#include <vector>

namespace syncscope {

// A store's state (docs/script-language.md): for each key the greatest write it has applied. Dense
// by KeyId, because keys are interned per run: a lookup is one array index, no hashing. keys()
// lists the keys that have a write, in the order they first got one.
class StoreState {
public:
    const Write& at(KeyId k) const { return k < slots_.size() ? slots_[k] : none_; }
    bool has(KeyId k) const { return !at(k).isNone(); }
    bool isLive(KeyId k) const {
        const Write& w = at(k);
        return !w.isNone() && !w.isTombstone();
    }

    // Makes w the state of its key if it beats the current one; returns whether it did.
    bool apply(const Write& w, const WriteOrder& order) {
        if (w.key >= slots_.size())
            slots_.resize(static_cast<size_t>(w.key) + 1 + slots_.size() / 2);
        Write& cur = slots_[w.key];
        if (!order.beats(w, cur))
            return false;
        if (cur.isNone())
            keys_.push_back(w.key);
        live_ += (cur.isNone() || cur.isTombstone() ? 0 : -1) + (w.isTombstone() ? 0 : 1);
        cur = w;
        return true;
    }

    const std::vector<KeyId>& keys() const { return keys_; }
    size_t liveCount() const { return static_cast<size_t>(live_); }
    void reserve(size_t keyCount) { slots_.reserve(keyCount); }
    void clear() {
        slots_.clear();
        keys_.clear();
        live_ = 0;
    }

    bool operator==(const StoreState& o) const;

private:
    std::vector<Write> slots_;
    std::vector<KeyId> keys_;
    long long live_ = 0;
    Write none_{};
};

} // namespace syncscope

#pragma once

#include "logrecord.h"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace syncscope {

// The writes a store holds, by identity (origin, seq) and content: what a follower or a load
// checks before it hands a store a write, so a write delivered again (after a crash, a lost
// acknowledgement, or because it reached the store by another route first) is never logged
// twice, and an identity the store holds for a different write (docs/crash-safety.md: a corruption)
// is never taken for the same write. Origins are few and seqs many, so the map is kept per origin,
// each seq with a digest of its write's content.
class WriteIdentities {
public:
    enum class Held { No, Same, Other };

    Held find(const LogRecord& r) const {
        const auto origin = byOrigin_.find(r.origin);
        if (origin == byOrigin_.end())
            return Held::No;
        const auto it = origin->second.find(r.seq);
        if (it == origin->second.end())
            return Held::No;
        return it->second == digest(r) ? Held::Same : Held::Other;
    }
    bool contains(const LogRecord& r) const { return find(r) != Held::No; }
    // Adds a write's identity (a GET is not a write and is ignored); false when it was there.
    bool insert(const LogRecord& r) {
        if (!r.isWrite())
            return false;
        const bool added = byOrigin_[r.origin].emplace(r.seq, digest(r)).second;
        size_ += added ? 1 : 0;
        return added;
    }
    size_t size() const { return size_; }

    // What identifies a write's content: key, value or tombstone, ts (docs/crash-safety.md).
    static uint64_t digest(const LogRecord& r);

private:
    std::unordered_map<std::string, std::unordered_map<uint64_t, uint64_t>> byOrigin_;
    size_t size_ = 0;
};

// "MARIA:7056 (SID1,CSE001)=A at ts 5": a write named for a message.
std::string describeWrite(const LogRecord& r);

} // namespace syncscope

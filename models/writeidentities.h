#pragma once

#include "logrecord.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace syncscope {

// The writes a store holds, by identity (origin, seq): what a follower checks before it hands a
// store a write, so a write delivered again (after a crash, a lost acknowledgement, or because
// it reached the store by another route first) is never logged twice. Origins are few and seqs
// many, so the set is kept per origin: about 16 bytes per write.
class WriteIdentities {
public:
    bool contains(const LogRecord& r) const {
        const auto origin = byOrigin_.find(r.origin);
        return origin != byOrigin_.end() && origin->second.count(r.seq) != 0;
    }
    // Adds a write's identity (a GET is not a write and is ignored); false when it was there.
    bool insert(const LogRecord& r) {
        if (!r.isWrite())
            return false;
        const bool added = byOrigin_[r.origin].insert(r.seq).second;
        size_ += added ? 1 : 0;
        return added;
    }
    size_t size() const { return size_; }

private:
    std::unordered_map<std::string, std::unordered_set<uint64_t>> byOrigin_;
    size_t size_ = 0;
};

} // namespace syncscope

#include "identityclash.h"

#include "identifiers.h"
#include "writeidentities.h"

#include <unordered_map>

namespace syncscope {

namespace {
std::string spelled(const LogRecord& r) {
    return '(' + r.studentId + ',' + r.courseId +
           ")=" + (r.kind == EntryKind::Delete ? std::string("deleted") : r.value) + " at ts " +
           std::to_string(r.ts);
}
} // namespace

std::string IdentityClash::message(const std::vector<std::string>& storeNames) const {
    return first.origin + ':' + std::to_string(first.seq) + " names two writes: " + spelled(first) +
           " in " + storeNames[firstStore] + " and " + spelled(second) + " in " +
           storeNames[secondStore] +
           "; nothing was run (docs/crash-safety.md: a write identity given twice, a corruption; "
           "`verify` "
           "lists every such identity, and which write to keep is a person's choice)";
}

std::optional<IdentityClash> findIdentityClash(std::span<const std::vector<LogRecord>> logs) {
    struct Held {
        uint64_t digest = 0;
        size_t store = 0;
        const LogRecord* record = nullptr;
    };
    std::unordered_map<std::string, std::unordered_map<uint64_t, Held>> byOrigin;
    for (size_t s = 0; s < logs.size(); ++s) {
        const std::string* lastOrigin = nullptr;
        std::unordered_map<uint64_t, Held>* seqs = nullptr;
        for (const LogRecord& r : logs[s]) {
            if (!r.isWrite() || r.kind == EntryKind::Seed || r.origin == kSeedOrigin)
                continue;
            if (!lastOrigin || *lastOrigin != r.origin) {
                lastOrigin = &r.origin;
                seqs = &byOrigin[r.origin];
            }
            const uint64_t digest = WriteIdentities::digest(r);
            const auto [it, fresh] = seqs->try_emplace(r.seq, Held{digest, s, &r});
            if (!fresh && it->second.digest != digest)
                return IdentityClash{it->second.store, s, *it->second.record, r};
        }
    }
    return std::nullopt;
}

} // namespace syncscope

#include "writeidentities.h"

#include <string_view>

namespace syncscope {

namespace {
// FNV-1a over the fields, each followed by a separator byte no field can hold
// (docs/script-language.md keeps control characters out of keys and values), so no two contents run
// together alike.
void mix(uint64_t& h, std::string_view bytes) {
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    h ^= 0x1f;
    h *= 1099511628211ull;
}
} // namespace

uint64_t WriteIdentities::digest(const LogRecord& r) {
    uint64_t h = 14695981039346656037ull;
    mix(h, r.studentId);
    mix(h, r.courseId);
    const bool tombstone = r.kind == EntryKind::Delete;
    mix(h, tombstone ? std::string_view("\x01D") : std::string_view(r.value));
    mix(h, std::to_string(r.ts));
    return h;
}

std::string describeWrite(const LogRecord& r) {
    return r.origin + ':' + std::to_string(r.seq) + " (" + r.studentId + ',' + r.courseId +
           ")=" + (r.kind == EntryKind::Delete ? std::string("deleted") : r.value) + " at ts " +
           std::to_string(r.ts);
}

} // namespace syncscope

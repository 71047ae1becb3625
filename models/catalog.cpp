#include "catalog.h"

#include "identifiers.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace syncscope {

NameId NameTable::intern(std::string_view name) {
    const uint32_t before = names_.size();
    const NameId id = names_.intern(name);
    if (names_.size() != before) {
        std::vector<uint32_t> byName(names_.size());
        std::iota(byName.begin(), byName.end(), 0u);
        std::sort(byName.begin(), byName.end(),
                  [this](uint32_t a, uint32_t b) { return names_.view(a) < names_.view(b); });
        ranks_.assign(names_.size(), 0);
        for (uint32_t rank = 0; rank < byName.size(); ++rank)
            ranks_[byName[rank]] = rank;
    }
    return id;
}

Catalog::Catalog()
    : seedOrigin_(names_.intern(kSeedOrigin)) {}

namespace {
// Packs into a stack buffer: identifiers are at most 64 bytes, so no heap allocation.
struct PackedKey {
    char bytes[2 * kMaxIdentifierBytes + 1];
    size_t size;
    PackedKey(std::string_view sid, std::string_view cid) {
        const size_t ns = std::min(sid.size(), kMaxIdentifierBytes);
        const size_t nc = std::min(cid.size(), kMaxIdentifierBytes);
        std::memcpy(bytes, sid.data(), ns);
        bytes[ns] = '\0';
        std::memcpy(bytes + ns + 1, cid.data(), nc);
        size = ns + 1 + nc;
    }
    std::string_view view() const { return {bytes, size}; }
};
} // namespace

KeyId Catalog::internKey(std::string_view studentId, std::string_view courseId) {
    return keys_.intern(PackedKey(studentId, courseId).view());
}

KeyId Catalog::findKey(std::string_view studentId, std::string_view courseId) const {
    return keys_.find(PackedKey(studentId, courseId).view());
}

std::string_view Catalog::studentId(KeyId k) const {
    const std::string_view packed = keys_.view(k);
    return packed.substr(0, packed.find('\0'));
}

std::string_view Catalog::courseId(KeyId k) const {
    const std::string_view packed = keys_.view(k);
    return packed.substr(packed.find('\0') + 1);
}

} // namespace syncscope

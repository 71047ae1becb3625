#include "interner.h"

#include <cstring>

namespace syncscope {

namespace {
constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

uint64_t mix(uint64_t h) {
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    h ^= h >> 32;
    return h;
}
} // namespace

// Eight bytes at a time with a multiply-rotate step: identifiers are 5-20 bytes, two or three
// steps here against one multiply per byte for FNV; the final mix spreads the bits enough for
// power-of-two tables.
uint64_t hashBytes(const char* data, size_t size) {
    uint64_t h = size * kMul;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        h = (h ^ load64(data + i)) * kMul;
        h = (h << 29) | (h >> 35);
    }
    if (i < size) {
        uint64_t tail = 0;
        std::memcpy(&tail, data + i, size - i);
        h = (h ^ tail) * kMul;
    }
    return mix(h);
}

StringInterner::StringInterner()
    : ends_{0}
    , slots_(16, 0)
    , mask_(15) {}

void StringInterner::reserve(size_t count, size_t totalBytes) {
    bytes_.reserve(totalBytes);
    ends_.reserve(count + 1);
    while (slots_.size() < count * 2)
        grow();
}

uint64_t StringInterner::slotFor(std::string_view s, uint64_t hash) const {
    const uint64_t tag = hash >> 32;
    for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
        const uint64_t slot = slots_[i];
        if (slot == 0)
            return i;
        if ((slot >> 32) == tag) {
            const uint32_t id = static_cast<uint32_t>(slot) - 1;
            if (view(id) == s)
                return i;
        }
    }
}

uint32_t StringInterner::find(std::string_view s) const {
    const uint64_t slot = slots_[slotFor(s, hashBytes(s.data(), s.size()))];
    return slot == 0 ? npos : static_cast<uint32_t>(slot) - 1;
}

uint32_t StringInterner::intern(std::string_view s) {
    const uint64_t hash = hashBytes(s.data(), s.size());
    uint64_t at = slotFor(s, hash);
    if (slots_[at] != 0)
        return static_cast<uint32_t>(slots_[at]) - 1;
    const uint32_t id = size();
    bytes_.append(s);
    ends_.push_back(static_cast<uint32_t>(bytes_.size()));
    slots_[at] = ((hash >> 32) << 32) | (uint64_t{id} + 1);
    if ((uint64_t{id} + 1) * 4 > slots_.size() * 3) // keep the load under 3/4
        grow();
    return id;
}

void StringInterner::grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (uint64_t slot : old) {
        if (slot == 0)
            continue;
        const uint32_t id = static_cast<uint32_t>(slot) - 1;
        const std::string_view s = view(id);
        slots_[slotFor(s, hashBytes(s.data(), s.size()))] = slot;
    }
}

} // namespace syncscope

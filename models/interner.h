#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// Maps byte strings to dense 32-bit ids and back. Keys, values and store names are interned
// once, so the engine's hot paths move 32-byte POD writes instead of strings: the bytes live
// back to back in one buffer and the lookup table is open addressing over (hash, id) pairs.
// Not thread-safe; a view() stays valid only until the next intern().
class StringInterner {
public:
    static constexpr uint32_t npos = UINT32_MAX;

    StringInterner();

    uint32_t intern(std::string_view s);
    uint32_t find(std::string_view s) const;
    std::string_view view(uint32_t id) const {
        return {bytes_.data() + ends_[id], ends_[id + 1] - ends_[id]};
    }
    uint32_t size() const { return static_cast<uint32_t>(ends_.size() - 1); }
    void reserve(size_t count, size_t totalBytes);

private:
    void grow();
    uint64_t slotFor(std::string_view s, uint64_t hash) const;

    std::string bytes_;
    std::vector<uint32_t> ends_;  // ends_[id]..ends_[id+1] are the bytes of id
    std::vector<uint64_t> slots_; // (hash high 32 bits << 32) | (id + 1); 0 marks an empty slot
    uint64_t mask_ = 0;
};

uint64_t hashBytes(const char* data, size_t size);

} // namespace syncscope

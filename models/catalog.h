#pragma once

#include "causalcontext.h"
#include "interner.h"
#include "write.h"

#include <string_view>
#include <vector>

namespace syncscope {

// Store names (write origins) with their byte-order ranks, so WriteOrder compares origins
// without touching strings. There are few names; ranks are recomputed when one is added.
class NameTable {
public:
    NameId intern(std::string_view name);
    NameId find(std::string_view name) const { return names_.find(name); }
    std::string_view view(NameId id) const { return names_.view(id); }
    uint32_t size() const { return names_.size(); }
    WriteOrder order() const { return WriteOrder{ranks_.data()}; }

private:
    StringInterner names_;
    std::vector<uint32_t> ranks_;
};

// Everything the engine interns for one run or workspace: keys (student and course id packed
// with a NUL between them, which sorts byte-wise exactly like the pair), values, and names.
class Catalog {
public:
    Catalog();

    KeyId internKey(std::string_view studentId, std::string_view courseId);
    KeyId findKey(std::string_view studentId, std::string_view courseId) const;
    std::string_view studentId(KeyId k) const;
    std::string_view courseId(KeyId k) const;
    // "sid\0cid": compares like (student_id, course_id).
    std::string_view packedKey(KeyId k) const { return keys_.view(k); }
    uint32_t keyCount() const { return keys_.size(); }

    ValueId internValue(std::string_view v) { return values_.intern(v); }
    std::string_view value(ValueId v) const { return values_.view(v); }

    NameTable& names() { return names_; }
    const NameTable& names() const { return names_; }
    WriteOrder order() const { return names_.order(); }
    NameId seedOrigin() const { return seedOrigin_; }

    CausalContexts& contexts() { return contexts_; }
    const CausalContexts& contexts() const { return contexts_; }

    void reserveKeys(size_t count) { keys_.reserve(count, count * 16); }

private:
    StringInterner keys_;
    StringInterner values_;
    NameTable names_;
    NameId seedOrigin_;
    CausalContexts contexts_;
};

} // namespace syncscope

#pragma once

#include <cstdint>

namespace syncscope {

using KeyId = uint32_t;     // interned (student_id, course_id), see Catalog
using ValueId = uint32_t;   // interned grade
using NameId = uint32_t;    // interned store name (origins)
using ContextId = uint32_t; // interned causal context (version vector), see CausalContexts

inline constexpr ValueId kTombstone = UINT32_MAX;
inline constexpr NameId kNoOrigin = UINT32_MAX;

// One write of docs/script-language.md: (key, value or tombstone, ts, origin, seq). A plain 32-byte
// value so millions of them sit contiguously; strings live in the Catalog. A default Write is
// "none": the state of a key nobody wrote.
struct Write {
    int64_t ts = 0;
    uint64_t seq = 0;
    KeyId key = 0;
    ValueId value = kTombstone;
    NameId origin = kNoOrigin;
    // What the writer had received for this key when it wrote (causalcontext.h); not part of
    // the total order, and equal for equal (origin, seq).
    ContextId context = 0;

    bool isNone() const { return origin == kNoOrigin; }
    bool isTombstone() const { return value == kTombstone; }
    bool sameWrite(const Write& o) const {
        return ts == o.ts && origin == o.origin && seq == o.seq && key == o.key && value == o.value;
    }
};
static_assert(sizeof(Write) == 32);

// The total order of docs/script-language.md: (ts, origin byte-wise, seq). Origins compare through
// their rank among all interned names (NameTable keeps ranks in byte order), so no string is
// touched.
struct WriteOrder {
    const uint32_t* originRank = nullptr;

    bool less(const Write& a, const Write& b) const {
        if (a.ts != b.ts)
            return a.ts < b.ts;
        if (a.origin != b.origin)
            return originRank[a.origin] < originRank[b.origin];
        return a.seq < b.seq;
    }
    // Whether w beats the current state cur (a none state loses to everything).
    bool beats(const Write& w, const Write& cur) const { return cur.isNone() || less(cur, w); }
    bool operator()(const Write& a, const Write& b) const { return less(a, b); }
};

} // namespace syncscope

#pragma once

#include "interner.h"
#include "write.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

class NameTable;

// One write's identity in causal terms: the store that made it and that store's counter.
struct Dot {
    NameId origin = kNoOrigin;
    uint64_t seq = 0;
};

// The causal metadata of docs/script-language.md, kept per write as a dotted version vector: the
// write's own dot is (origin, seq), already in Write; its context (Write::context) is the version
// vector of the writes for the same key its store had received when it wrote, as origin -> greatest
// seq. The writer's own origin is left out of the context: a store always has its own earlier
// writes, so a run of local writes with no merge between them shares one context.
//
// The rule (conflicts.h applies it): write e is in the causal past of write w, both for one key,
// when e.origin == w.origin and e.seq <= w.seq, or when w's context maps e.origin to at least
// e.seq. A store's writes for a key form a chain, so "greatest seq per origin" loses nothing.
// Seed writes (origin CSV, seq = CSV row) follow the same rule: two rows for one key count as
// a chain, the later row following the earlier, as the importer applies them.
//
// Contexts are interned: equal version vectors share one id; id 0 is the empty context.
class CausalContexts {
public:
    static constexpr ContextId kEmpty = 0;

    CausalContexts();

    // The greatest seq of `origin` in context c, or 0 when it has none.
    uint64_t seqOf(ContextId c, NameId origin) const;
    std::vector<Dot> dots(ContextId c) const;
    // Interns a version vector; duplicates of an origin keep their greatest seq.
    ContextId intern(std::vector<Dot> dots);
    // (a ⊔ b ⊔ {extra}) without `except`'s entry: what a store knows after receiving a write.
    ContextId join(ContextId a, ContextId b, Dot extra, NameId except);
    // Whether e is in w's causal past (the rule above); a none e is in every write's past.
    bool follows(const Write& w, const Write& e) const {
        if (e.isNone())
            return true;
        if (e.origin == w.origin)
            return e.seq <= w.seq;
        return seqOf(w.context, e.origin) >= e.seq;
    }
    size_t size() const { return table_.size(); }

    // Text form for stores and exports: "HIVE:5,SQL:3", origins in byte order, "" when empty.
    std::string text(ContextId c, const NameTable& names) const;
    void assignText(ContextId c, const NameTable& names, std::string& out) const;
    // Parses text(); false (and c untouched) on anything else.
    bool parse(std::string_view text, NameTable& names, ContextId& c);

private:
    ContextId internSpan(Dot* dots, size_t n);

    StringInterner table_; // each context as packed (origin, seq) records sorted by origin
};

// Why a context text is malformed, or an empty string when it is valid (checked by stores
// before anything is written).
std::string contextTextProblem(std::string_view text);

} // namespace syncscope

#include "causalcontext.h"

#include "catalog.h"
#include "identifiers.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace syncscope {

namespace {
constexpr size_t kRecord = sizeof(NameId) + sizeof(uint64_t);

Dot dotAt(std::string_view packed, size_t i) {
    Dot d;
    std::memcpy(&d.origin, packed.data() + i * kRecord, sizeof d.origin);
    std::memcpy(&d.seq, packed.data() + i * kRecord + sizeof d.origin, sizeof d.seq);
    return d;
}

// Splits "NAME:SEQ" parts of a context text; calls fn(name, seq) for each, stops on false.
template <class Fn>
bool forEachPart(std::string_view text, Fn fn) {
    while (!text.empty()) {
        const size_t comma = text.find(',');
        const std::string_view part = text.substr(0, comma);
        const size_t colon = part.find(':');
        if (colon == std::string_view::npos)
            return false;
        const std::string_view name = part.substr(0, colon);
        const std::string_view digits = part.substr(colon + 1);
        uint64_t seq = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
        if (ec != std::errc() || end != digits.data() + digits.size() || seq == 0 ||
            (name != kSeedOrigin && !isCanonicalStoreName(name)) || !fn(name, seq))
            return false;
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
        if (text.empty())
            return false; // a trailing comma
    }
    return true;
}
} // namespace

CausalContexts::CausalContexts() {
    table_.intern({}); // kEmpty
}

uint64_t CausalContexts::seqOf(ContextId c, NameId origin) const {
    const std::string_view packed = table_.view(c);
    for (size_t i = 0, n = packed.size() / kRecord; i < n; ++i) {
        const Dot d = dotAt(packed, i);
        if (d.origin == origin)
            return d.seq;
        if (d.origin > origin)
            break;
    }
    return 0;
}

std::vector<Dot> CausalContexts::dots(ContextId c) const {
    const std::string_view packed = table_.view(c);
    std::vector<Dot> out(packed.size() / kRecord);
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = dotAt(packed, i);
    return out;
}

ContextId CausalContexts::intern(std::vector<Dot> dots) {
    std::sort(dots.begin(), dots.end(), [](const Dot& a, const Dot& b) {
        return a.origin != b.origin ? a.origin < b.origin : a.seq > b.seq;
    });
    char buffer[kRecord * 16];
    std::string heap;
    char* out = buffer;
    if (dots.size() > 16) {
        heap.resize(dots.size() * kRecord);
        out = heap.data();
    }
    size_t n = 0;
    for (size_t i = 0; i < dots.size(); ++i) {
        if (i > 0 && dots[i].origin == dots[i - 1].origin)
            continue; // the greatest seq of an origin sorts first
        std::memcpy(out + n * kRecord, &dots[i].origin, sizeof dots[i].origin);
        std::memcpy(out + n * kRecord + sizeof dots[i].origin, &dots[i].seq, sizeof dots[i].seq);
        ++n;
    }
    return table_.intern(std::string_view(out, n * kRecord));
}

ContextId CausalContexts::join(ContextId a, ContextId b, Dot extra, NameId except) {
    std::vector<Dot> all = dots(a);
    const std::vector<Dot> more = dots(b);
    all.insert(all.end(), more.begin(), more.end());
    if (extra.origin != kNoOrigin)
        all.push_back(extra);
    std::erase_if(all, [except](const Dot& d) { return d.origin == except; });
    return intern(std::move(all));
}

std::string CausalContexts::text(ContextId c, const NameTable& names) const {
    std::string out;
    assignText(c, names, out);
    return out;
}

void CausalContexts::assignText(ContextId c, const NameTable& names, std::string& out) const {
    out.clear();
    if (c == kEmpty)
        return; // most writes: no allocation, no sort
    std::vector<Dot> ds = dots(c);
    const WriteOrder order = names.order(); // ranks are byte order
    std::sort(ds.begin(), ds.end(), [&order](const Dot& a, const Dot& b) {
        return order.originRank[a.origin] < order.originRank[b.origin];
    });
    char digits[24];
    for (const Dot& d : ds) {
        if (!out.empty())
            out += ',';
        out += names.view(d.origin);
        out += ':';
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, d.seq);
        out.append(digits, end);
    }
}

bool CausalContexts::parse(std::string_view text, NameTable& names, ContextId& c) {
    if (!contextTextProblem(text).empty())
        return false;
    std::vector<Dot> ds;
    forEachPart(text, [&](std::string_view name, uint64_t seq) {
        ds.push_back({names.intern(name), seq});
        return true;
    });
    c = intern(std::move(ds));
    return true;
}

std::string contextTextProblem(std::string_view text) {
    std::vector<std::string_view> seen;
    bool repeated = false;
    const bool ok = forEachPart(text, [&](std::string_view name, uint64_t) {
        repeated = std::find(seen.begin(), seen.end(), name) != seen.end();
        seen.push_back(name);
        return !repeated;
    });
    if (repeated)
        return "causal context '" + std::string(text) + "' names a store twice";
    if (!ok)
        return "malformed causal context '" + std::string(text) +
               "' (expected STORE:SEQ,STORE:SEQ with SEQ > 0)";
    return {};
}

} // namespace syncscope

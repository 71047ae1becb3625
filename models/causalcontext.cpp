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
    return internSpan(dots.data(), dots.size());
}

// Sorts dots in place (by origin, greatest seq first), keeps one per origin and interns them.
ContextId CausalContexts::internSpan(Dot* dots, size_t n) {
    std::sort(dots, dots + n, [](const Dot& a, const Dot& b) {
        return a.origin != b.origin ? a.origin < b.origin : a.seq > b.seq;
    });
    constexpr size_t kInline = 16;
    char buffer[kRecord * kInline];
    std::string heap;
    char* out = buffer;
    if (n > kInline) {
        heap.resize(n * kRecord);
        out = heap.data();
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
        if (i > 0 && dots[i].origin == dots[i - 1].origin)
            continue; // the greatest seq of an origin sorts first
        std::memcpy(out + kept * kRecord, &dots[i].origin, sizeof dots[i].origin);
        std::memcpy(out + kept * kRecord + sizeof dots[i].origin, &dots[i].seq, sizeof dots[i].seq);
        ++kept;
    }
    return table_.intern(std::string_view(out, kept * kRecord));
}

ContextId CausalContexts::join(ContextId a, ContextId b, Dot extra, NameId except) {
    // Copied out first: interning may move the table's bytes.
    const std::string_view pa = table_.view(a), pb = table_.view(b);
    const size_t na = pa.size() / kRecord, nb = pb.size() / kRecord;
    constexpr size_t kInline = 32;
    Dot inlineDots[kInline];
    std::vector<Dot> heap;
    Dot* ds = inlineDots;
    if (na + nb + 1 > kInline) {
        heap.resize(na + nb + 1);
        ds = heap.data();
    }
    size_t n = 0;
    auto keep = [&](const Dot& d) {
        if (d.origin != except)
            ds[n++] = d;
    };
    for (size_t i = 0; i < na; ++i)
        keep(dotAt(pa, i));
    for (size_t i = 0; i < nb; ++i)
        keep(dotAt(pb, i));
    if (extra.origin != kNoOrigin)
        keep(extra);
    return internSpan(ds, n);
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
    const std::string_view packed = table_.view(c);
    const size_t n = packed.size() / kRecord;
    constexpr size_t kInline = 16;
    Dot inlineDots[kInline];
    std::vector<Dot> heap;
    Dot* ds = inlineDots;
    if (n > kInline) {
        heap.resize(n);
        ds = heap.data();
    }
    for (size_t i = 0; i < n; ++i)
        ds[i] = dotAt(packed, i);
    const WriteOrder order = names.order(); // ranks are byte order
    std::sort(ds, ds + n, [&order](const Dot& a, const Dot& b) {
        return order.originRank[a.origin] < order.originRank[b.origin];
    });
    char digits[24];
    for (size_t i = 0; i < n; ++i) {
        if (i > 0)
            out += ',';
        out += names.view(ds[i].origin);
        out += ':';
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, ds[i].seq);
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
    if (text.empty())
        return {};
    // Stores check every record they are handed with this, on their worker threads: no heap
    // allocation unless a context names more stores than any workspace has.
    constexpr size_t kInline = 16;
    std::string_view inlineSeen[kInline];
    std::vector<std::string_view> moreSeen;
    size_t count = 0;
    bool repeated = false;
    const bool ok = forEachPart(text, [&](std::string_view name, uint64_t) {
        for (size_t i = 0; i < count && !repeated; ++i)
            repeated = (i < kInline ? inlineSeen[i] : moreSeen[i - kInline]) == name;
        if (count < kInline)
            inlineSeen[count] = name;
        else
            moreSeen.push_back(name);
        ++count;
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

#include "clockskew.h"

#include "engine.h"
#include "identifiers.h"

#include <algorithm>
#include <unordered_map>

namespace syncscope {

namespace {

struct Best {
    Write real, skewed;
    int64_t skewedTs = 0;
};

} // namespace

ClockSkewReport whatIfClocksSkewed(const Engine& engine, std::span<const size_t> stores,
                                   std::span<const int64_t> offsets, size_t maxListed) {
    const Catalog& catalog = engine.catalog();
    const WriteOrder order = catalog.order();
    // The offset each origin's writes get: replica names are their origins.
    std::unordered_map<NameId, int64_t> offsetOf;
    for (size_t r = 0; r < engine.replicaCount() && r < offsets.size(); ++r)
        offsetOf[engine.replica(r).nameId] = offsets[r];
    const auto skewedTs = [&offsetOf](const Write& w) {
        const auto it = offsetOf.find(w.origin);
        return w.ts + (it == offsetOf.end() ? 0 : it->second);
    };
    // docs/script-language.md's order on (skewed ts, origin, seq).
    const auto skewedLess = [&order, &skewedTs](const Write& a, int64_t aTs, const Write& b) {
        const int64_t bTs = skewedTs(b);
        if (aTs != bTs)
            return aTs < bTs;
        Write x = a, y = b;
        x.ts = y.ts = 0;
        return order.less(x, y);
    };

    ClockSkewReport report;
    std::unordered_map<KeyId, Best> best;
    for (size_t r : stores) {
        const Replica& rep = engine.replica(r);
        for (size_t pos = rep.logBase; pos < rep.logEnd(); ++pos) {
            const OplogEntry& e = rep.entryAt(pos);
            // Each write once, from the store that made it (merged-in copies are the same write).
            if (!e.isWrite() || (e.kind != EntryKind::Seed && e.write.origin != rep.nameId))
                continue;
            ++report.writesCompared;
            const Write& w = e.write;
            auto [it, added] = best.try_emplace(w.key);
            Best& b = it->second;
            if (added || order.less(b.real, w))
                b.real = w;
            const int64_t ts = skewedTs(w);
            if (added || skewedLess(b.skewed, b.skewedTs, w)) {
                b.skewed = w;
                b.skewedTs = ts;
            }
        }
    }

    std::vector<const std::pair<const KeyId, Best>*> flipped;
    for (const auto& entry : best)
        if (!entry.second.real.sameWrite(entry.second.skewed))
            flipped.push_back(&entry);
    report.flips = flipped.size();
    std::sort(flipped.begin(), flipped.end(), [&catalog](const auto* a, const auto* b) {
        return catalog.packedKey(a->first) < catalog.packedKey(b->first);
    });
    const auto side = [&catalog, &skewedTs](const Write& w) {
        ClockSkewFlip::Side s;
        s.origin = std::string(catalog.names().view(w.origin));
        s.deleted = w.isTombstone();
        if (!s.deleted)
            s.value = std::string(catalog.value(w.value));
        s.ts = w.ts;
        s.skewedTs = skewedTs(w);
        return s;
    };
    for (size_t i = 0; i < flipped.size() && i < maxListed; ++i) {
        const KeyId k = flipped[i]->first;
        report.listed.push_back({std::string(catalog.studentId(k)),
                                 std::string(catalog.courseId(k)), side(flipped[i]->second.real),
                                 side(flipped[i]->second.skewed)});
    }
    return report;
}

namespace {
std::string describeSide(const ClockSkewFlip::Side& s, bool skewed) {
    std::string out = s.origin + "'s " + (s.deleted ? "DELETE" : "SET of " + s.value);
    out += " (t=" + std::to_string(s.ts);
    if (skewed && s.skewedTs != s.ts)
        out += ", skewed to " + std::to_string(s.skewedTs);
    return out + ")";
}
} // namespace

std::string describeFlip(const ClockSkewFlip& flip) {
    return spellKey(flip.studentId, flip.courseId) + ": today " + describeSide(flip.real, false) +
           " wins; with the clocks off, " + describeSide(flip.skewed, true) + " would.";
}

} // namespace syncscope

#include "mergeproperties.h"

#include "engine.h"
#include "mergeplanner.h"

#include <algorithm>
#include <array>
#include <random>

namespace syncscope {

namespace {

constexpr std::array<std::string_view, 3> kStores{"A", "B", "C"};
constexpr std::array<std::string_view, 2> kStudents{"SID1", "SID2"};
constexpr std::array<std::string_view, 4> kGrades{"A", "B", "C", "F"};

// A random history of SETs, DELETEs and LWW merges, remembered as script lines.
struct History {
    Catalog catalog;
    Engine engine{catalog};
    std::string text;

    explicit History(std::mt19937_64& rng) {
        for (std::string_view s : kStores)
            engine.addReplica(s);
        const int ops = 3 + static_cast<int>(rng() % 5);
        for (int i = 0; i < ops; ++i) {
            const size_t store = rng() % kStores.size();
            const std::string_view sid = kStudents[rng() % kStudents.size()];
            const KeyId key = catalog.internKey(sid, "C1");
            const int64_t ts = 1 + static_cast<int64_t>(rng() % 9);
            const unsigned what = static_cast<unsigned>(rng() % 6);
            std::string line = std::to_string(ts) + ", " + std::string(kStores[store]);
            if (what < 3) {
                const std::string_view grade = kGrades[rng() % kGrades.size()];
                engine.set(store, key, catalog.internValue(grade), ts);
                line += ".SET((" + std::string(sid) + ",C1)," + std::string(grade) + ")";
            } else if (what == 3) {
                engine.remove(store, key, ts);
                line += ".DELETE((" + std::string(sid) + ",C1))";
            } else {
                const size_t from = (store + 1 + rng() % 2) % kStores.size();
                engine.merge(store, from);
                line = std::string(kStores[store]) + ".MERGE(" + std::string(kStores[from]) + ")";
            }
            text += line + "\n";
        }
    }
};

MergeRequest mergeOf(MergeStrategy strategy, size_t target, size_t source) {
    MergeRequest r;
    r.targets = {target};
    r.sources = {source};
    r.strategy = strategy == MergeStrategy::Manual ? MergeStrategy::LastWriterWins : strategy;
    r.priority = {0, 1, 2};
    return r;
}

void merge(Engine& e, MergeStrategy strategy, size_t target, size_t source) {
    applyWholePlan(e, planMerge(e, mergeOf(strategy, target, source)));
}

// The store's values as a line: "SID1,C1=B SID2,C1=(none)".
std::string valuesOf(const Engine& e, size_t store) {
    std::string out;
    for (std::string_view sid : kStudents) {
        const KeyId k = e.catalog().findKey(sid, "C1");
        const Write& w = k == UINT32_MAX ? Write{} : e.replica(store).state.at(k);
        out += (out.empty() ? "" : " ") + std::string(sid) + ",C1=" +
               (w.isNone() || w.isTombstone() ? std::string("(none)")
                                              : std::string(e.catalog().value(w.value)));
    }
    return out;
}

std::string outcome(std::string_view what, const Engine& e, size_t store) {
    return std::string(what) + " leaves " + std::string(kStores[store]) + " with " +
           valuesOf(e, store);
}

// Each check returns the counter-example, or "" when the property held for this history.
std::string commutative(const History& h, MergeStrategy s) {
    Engine ab = h.engine;
    Engine ba = h.engine;
    merge(ab, s, 0, 1);
    merge(ba, s, 1, 0);
    if (valuesOf(ab, 0) == valuesOf(ba, 1))
        return {};
    return outcome("A.MERGE(B)", ab, 0) + "; " + outcome("B.MERGE(A)", ba, 1);
}

std::string associative(const History& h, MergeStrategy s) {
    Engine left = h.engine;
    merge(left, s, 0, 1);
    merge(left, s, 0, 2);
    Engine right = h.engine;
    merge(right, s, 1, 2);
    merge(right, s, 0, 1);
    if (valuesOf(left, 0) == valuesOf(right, 0))
        return {};
    return outcome("A.MERGE(B) then A.MERGE(C)", left, 0) + "; " +
           outcome("B.MERGE(C) then A.MERGE(B)", right, 0);
}

std::string idempotent(const History& h, MergeStrategy s) {
    Engine e = h.engine;
    merge(e, s, 0, 1);
    const MergePlan again = planMerge(e, mergeOf(s, 0, 1));
    if (again.writes.empty())
        return {};
    const std::string first = valuesOf(e, 0);
    applyWholePlan(e, again);
    return "A.MERGE(B) leaves A with " + first + "; a second A.MERGE(B) still writes " +
           std::to_string(again.writes.size()) + " key(s) and leaves " + valuesOf(e, 0);
}

std::string convergent(const History& h, MergeStrategy s, std::mt19937_64& rng) {
    // Gossip: every ordered pair merges, in a random order, twice over.
    Engine e = h.engine;
    std::vector<std::pair<size_t, size_t>> pairs;
    for (size_t t = 0; t < kStores.size(); ++t)
        for (size_t f = 0; f < kStores.size(); ++f)
            if (t != f)
                pairs.emplace_back(t, f);
    std::shuffle(pairs.begin(), pairs.end(), rng);
    std::string order;
    for (int round = 0; round < 2; ++round)
        for (const auto& [t, f] : pairs) {
            merge(e, s, t, f);
            if (round == 0)
                order += std::string(order.empty() ? "" : ", ") + std::string(kStores[t]) +
                         ".MERGE(" + std::string(kStores[f]) + ")";
        }
    if (valuesOf(e, 0) == valuesOf(e, 1) && valuesOf(e, 1) == valuesOf(e, 2))
        return {};
    return "after two rounds of " + order + ": A holds " + valuesOf(e, 0) + ", B holds " +
           valuesOf(e, 1) + ", C holds " + valuesOf(e, 2);
}

} // namespace

std::string_view mergePropertyName(MergeProperty p) {
    static constexpr std::array<std::string_view, kMergeProperties> kNames{
        "commutative", "associative", "idempotent", "convergent"};
    return kNames[static_cast<size_t>(p)];
}

std::vector<PropertyVerdict> checkMergeProperties(MergeStrategy strategy, size_t trials,
                                                  uint64_t seed) {
    std::vector<PropertyVerdict> verdicts(kMergeProperties);
    for (size_t p = 0; p < kMergeProperties; ++p)
        verdicts[p].property = static_cast<MergeProperty>(p);
    std::mt19937_64 rng(seed);
    for (size_t trial = 0; trial < trials; ++trial) {
        const History h(rng);
        const std::array<std::string, kMergeProperties> found{
            commutative(h, strategy), associative(h, strategy), idempotent(h, strategy),
            convergent(h, strategy, rng)};
        for (size_t p = 0; p < kMergeProperties; ++p) {
            PropertyVerdict& v = verdicts[p];
            if (!v.held)
                continue;
            ++v.trials;
            if (!found[p].empty()) {
                v.held = false;
                v.counterExample = "history:\n" + h.text + found[p];
            }
        }
    }
    return verdicts;
}

} // namespace syncscope

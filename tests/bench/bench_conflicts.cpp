// Conflict classification: 3 stores x 1,000,000 keys with every bucket represented,
// classified and captured into a snapshot for the grid; the history plots' data over the same
// stores (the divergence tracker counted from scratch, as after a load, and a FULL_SYNC folded
// into it; the timeline snapshot the History dock draws). Reference, measured in the same run:
// one pass reading the three stores' writes for every key and comparing them (the memory-
// bandwidth floor any classification must pay). The property lab's copy and run over them
// (no reference: the figure is how long a user waits for 720 orders × 5 strategies).
#include "benchutil.h"
#include "conflictsnapshot.h"
#include "divergence.h"
#include "engine.h"
#include "propertylab.h"
#include "timeline.h"

#include <random>
#include <string>

using namespace syncscope;

int main() {
    const size_t keys = 1000000;
    Catalog catalog;
    catalog.reserveKeys(keys);
    Engine engine(catalog);
    const size_t a = engine.addReplica("SQL"), b = engine.addReplica("HIVE"),
                 c = engine.addReplica("MONGO");
    const ValueId grades[] = {catalog.internValue("A"), catalog.internValue("B"),
                              catalog.internValue("C")};
    std::vector<KeyId> ids;
    ids.reserve(keys);
    for (size_t i = 0; i < keys; ++i)
        ids.push_back(catalog.internKey("SID" + std::to_string(1000 + i / 20),
                                        "CSE" + std::to_string(i % 20)));
    // Everyone shares a seeded baseline; then HIVE writes 10% after seeing it (fast-forward),
    // MONGO writes 5% concurrently with HIVE's, SQL gets 2% of keys nobody else has (missing).
    for (size_t i = 0; i < keys; ++i)
        for (size_t r : {a, b, c})
            engine.seed(r, ids[i], grades[i % 3], i + 1);
    std::mt19937 rng(4);
    for (size_t i = 0; i < keys / 10; ++i)
        engine.set(b, ids[rng() % keys], grades[1], 10);
    for (size_t i = 0; i < keys / 20; ++i)
        engine.set(c, ids[rng() % keys], grades[2], 11);
    for (size_t i = 0; i < keys / 50; ++i)
        engine.set(a, catalog.internKey("NEW" + std::to_string(i), "CSE1"), grades[0], 12);

    std::vector<const StoreState*> states{&engine.replica(a).state, &engine.replica(b).state,
                                          &engine.replica(c).state};
    const size_t keyCount = catalog.keyCount();
    size_t differing = 0;
    const double floor = bench::bestOf(3, [&] {
        differing = 0;
        for (size_t k = 0; k < keyCount; ++k) {
            const Write& w0 = states[0]->at(static_cast<KeyId>(k));
            differing += !(w0.sameWrite(states[1]->at(static_cast<KeyId>(k))) &&
                           w0.sameWrite(states[2]->at(static_cast<KeyId>(k))));
        }
    });
    ConflictReport report;
    const double classify = bench::bestOf(3, [&] {
        report = classifyConflicts(states, keyCount, catalog.contexts(), catalog.order());
    });
    const size_t stores[] = {a, b, c};
    ConflictSnapshot snapshot;
    const double capture =
        bench::bestOf(3, [&] { snapshot = ConflictSnapshot::capture(engine, stores); });

    if (report.keys.size() != differing || snapshot.rowCount() != differing ||
        report.count(ConflictKind::FastForward) == 0 ||
        report.count(ConflictKind::Concurrent) == 0 || report.count(ConflictKind::Missing) == 0) {
        std::fprintf(stderr, "bench_conflicts: wrong classification\n");
        return 1;
    }
    bench::Json("conflicts")
        .str("figure", "classify_3_stores")
        .num("keys", static_cast<double>(keyCount))
        .num("seconds", classify)
        .num("keys_per_s", static_cast<double>(keyCount) / classify)
        .num("compare_floor_seconds", floor)
        .num("ratio_to_floor", classify / floor)
        .num("identical", static_cast<double>(report.count(ConflictKind::Identical)))
        .num("missing", static_cast<double>(report.count(ConflictKind::Missing)))
        .num("fast_forward", static_cast<double>(report.count(ConflictKind::FastForward)))
        .num("concurrent", static_cast<double>(report.count(ConflictKind::Concurrent)))
        .flag("under_1s", classify < 1.0)
        .print();
    bench::Json("conflicts")
        .str("figure", "snapshot_for_grid")
        .num("rows", static_cast<double>(snapshot.rowCount()))
        .num("seconds", capture)
        .print();

    // Every key the three stores do not all agree on differs for at least one pair.
    DivergenceTracker tracker;
    const double rebuild = bench::bestOf(3, [&] { tracker.rebuild(engine, "loaded"); });
    size_t pairsDiffering = 0;
    for (uint32_t v : tracker.differing())
        pairsDiffering += v;
    TimelineSnapshot timeline;
    const double timelineCapture =
        bench::bestOf(3, [&] { timeline = TimelineSnapshot::capture(engine, stores, 20000); });
    // The property lab over the same stores: its copy of the history (the first 1,000 of the
    // keys they disagree on, found by scanning all three) and every order of all six pairwise
    // merges (720) under the five strategies.
    const std::vector<size_t> all{a, b, c};
    std::string labProblem;
    std::unique_ptr<LabHistory> lab;
    const double labExtract =
        bench::seconds([&] { lab = extractLabHistory(engine, all, labProblem); });
    std::vector<LabStep> gossip;
    for (size_t t = 0; t < 3; ++t)
        for (size_t f = 0; f < 3; ++f)
            if (t != f)
                gossip.push_back({false, t, f});
    const std::vector<MergeStrategy> strategies{
        MergeStrategy::LastWriterWins, MergeStrategy::SourceWins, MergeStrategy::TargetWins,
        MergeStrategy::StorePriority, MergeStrategy::HighestGrade};
    PropertyLabReport labReport;
    const double labRun =
        lab ? bench::seconds([&] { labReport = runPropertyLab(*lab, gossip, strategies); }) : 0;
    if (!lab || labReport.orders != 720 || labReport.labKeys != kMaxLabKeys) {
        std::fprintf(stderr, "bench_conflicts: the property lab did not run: %s\n",
                     labProblem.c_str());
        return 1;
    }

    const size_t synced = engine.fullSync(all);
    const double foldSeconds = bench::seconds([&] { tracker.advance(engine, "FULL_SYNC", true); });
    for (uint32_t v : tracker.differing())
        if (v != 0) {
            std::fprintf(stderr, "bench_conflicts: pairs still differ after FULL_SYNC\n");
            return 1;
        }
    if (pairsDiffering < differing || timeline.points(0).size() != 20000) {
        std::fprintf(stderr, "bench_conflicts: wrong divergence or timeline\n");
        return 1;
    }
    bench::Json("conflicts")
        .str("figure", "divergence_rebuild_3_stores")
        .num("keys", static_cast<double>(keyCount))
        .num("seconds", rebuild)
        .num("ratio_to_floor", rebuild / floor)
        .print();
    bench::Json("conflicts")
        .str("figure", "divergence_fold_full_sync")
        .num("entries", static_cast<double>(synced))
        .num("seconds", foldSeconds)
        .print();
    bench::Json("conflicts")
        .str("figure", "property_lab_extract")
        .num("keys", static_cast<double>(keyCount))
        .num("differing", static_cast<double>(labReport.differingKeys))
        .num("seconds", labExtract)
        .print();
    bench::Json("conflicts")
        .str("figure", "property_lab_720_orders_5_strategies")
        .num("lab_keys", static_cast<double>(labReport.labKeys))
        .num("seconds", labRun)
        .print();
    bench::Json("conflicts")
        .str("figure", "timeline_capture")
        .num("points", static_cast<double>(timeline.points(0).size() * 3))
        .num("seconds", timelineCapture)
        .print();
    return 0;
}

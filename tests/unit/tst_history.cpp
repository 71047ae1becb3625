// What the history plots draw: the divergence tracker's counts against a brute-force recount
// on random histories, the bounded history, pair numbering, and the timeline snapshot of
// hand-made oplogs (lanes, kinds, merged-in origins, writes LWW discards, the newest kept).
#include "divergence.h"
#include "engine.h"
#include "timeline.h"

#include <QTest>

#include <random>
#include <set>

using namespace syncscope;

namespace {

// Differing keys per pair, counted the slow way from the replicas' states.
std::vector<uint32_t> recount(const Engine& e) {
    const size_t n = e.replicaCount();
    std::vector<uint32_t> out(pairCount(n), 0);
    for (KeyId k = 0; k < e.catalog().keyCount(); ++k)
        for (size_t a = 0; a < n; ++a)
            for (size_t b = a + 1; b < n; ++b)
                if (!e.replica(a).state.at(k).sameWrite(e.replica(b).state.at(k)))
                    ++out[pairIndex(a, b, n)];
    return out;
}

} // namespace

class TestHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pairsAreNumberedOnceEach();
    void trackerMatchesRecountOnRandomHistories();
    void fullSyncBringsEveryPairToZero();
    void historyStaysBoundedAndKeepsItsEnds();
    void moreStoresThanTrackedIsReported();
    void timelineLanesKindsAndOrigins();
    void timelineKeepsTheNewestEntries();
};

void TestHistory::pairsAreNumberedOnceEach() {
    for (size_t n = 2; n <= kMaxDivergenceStores; ++n) {
        std::set<size_t> seen;
        for (size_t a = 0; a < n; ++a)
            for (size_t b = a + 1; b < n; ++b) {
                const size_t p = pairIndex(a, b, n);
                QVERIFY(p < pairCount(n));
                QVERIFY(seen.insert(p).second);
            }
        QCOMPARE(seen.size(), pairCount(n));
    }
    QCOMPARE(pairIndex(0, 1, 3), size_t(0));
    QCOMPARE(pairIndex(1, 2, 3), size_t(2));
}

void TestHistory::trackerMatchesRecountOnRandomHistories() {
    std::mt19937_64 rng(4411);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    size_t nonZero = 0;
    for (int h = 0; h < 300; ++h) {
        Catalog c;
        Engine e(c);
        const size_t stores = static_cast<size_t>(pick(2, 5));
        for (size_t s = 0; s < stores; ++s)
            e.addReplica("S" + std::to_string(s));
        // Some history before the tracker starts, as when stores are loaded.
        for (int i = 0; i < pick(0, 5); ++i)
            e.set(static_cast<size_t>(pick(0, static_cast<int>(stores) - 1)),
                  c.internKey("SID" + std::to_string(pick(0, 6)), "C1"),
                  c.internValue(std::string(1, char('A' + pick(0, 4)))), pick(1, 30));
        DivergenceTracker t;
        t.rebuild(e, "loaded");
        QCOMPARE(t.differing(), recount(e));
        for (int op = 0; op < 40; ++op) {
            const size_t s = static_cast<size_t>(pick(0, static_cast<int>(stores) - 1));
            const KeyId k = c.internKey("SID" + std::to_string(pick(0, 9)), "C1");
            switch (pick(0, 5)) {
            case 0:
            case 1:
                e.set(s, k, c.internValue(std::string(1, char('A' + pick(0, 4)))), pick(1, 60));
                break;
            case 2:
                e.remove(s, k, pick(1, 60));
                break;
            case 3:
                e.get(s, k, pick(1, 60));
                break;
            case 4:
                e.merge(s, static_cast<size_t>(pick(0, static_cast<int>(stores) - 1)));
                break;
            default: {
                std::vector<size_t> all;
                for (size_t r = 0; r < stores; ++r)
                    if (pick(0, 1) || r == s)
                        all.push_back(r);
                e.fullSync(all);
            }
            }
            // Sometimes two operations before one look, as a merge and its batches.
            if (pick(0, 3) == 0)
                continue;
            const auto before = t.history().samples().size();
            t.advance(e, "op " + std::to_string(op), true);
            QCOMPARE(t.history().samples().size(), before + 1);
            QCOMPARE(t.differing(), recount(e));
            QCOMPARE(t.history().samples().back().differing, t.differing());
            for (uint32_t v : t.differing())
                nonZero += v > 0 ? 1 : 0;
        }
        t.advance(e, "end", false);
        QCOMPARE(t.differing(), recount(e));
    }
    QVERIFY(nonZero > 1000); // the histories do diverge, so the comparison means something
}

void TestHistory::fullSyncBringsEveryPairToZero() {
    Catalog c;
    Engine e(c);
    for (const char* n : {"SQL", "MONGO", "HIVE"})
        e.addReplica(n);
    DivergenceTracker t;
    t.rebuild(e, "loaded");
    const KeyId k1 = c.internKey("SID1", "C1"), k2 = c.internKey("SID2", "C1");
    e.set(0, k1, c.internValue("A"), 1);
    t.advance(e, "SQL.SET", true);
    // SQL differs from both others on k1; MONGO and HIVE agree (neither has it).
    QCOMPARE(t.differing(), (std::vector<uint32_t>{1, 1, 0}));
    e.set(2, k2, c.internValue("B"), 2);
    e.get(1, k1, 3); // a GET changes nothing
    t.advance(e, "HIVE.SET", true);
    QCOMPARE(t.differing(), (std::vector<uint32_t>{1, 2, 1}));
    const std::vector<size_t> all{0, 1, 2};
    e.fullSync(all);
    t.advance(e, "FULL_SYNC", true);
    QCOMPARE(t.differing(), (std::vector<uint32_t>{0, 0, 0}));
    const auto& samples = t.history().samples();
    QCOMPARE(samples.size(), size_t(4));
    QCOMPARE(samples.front().label, std::string("loaded"));
    QCOMPARE(samples.back().label, std::string("FULL_SYNC"));
    QCOMPARE(samples.back().tick, uint64_t(3));
    // Nothing new and not asked to: no sample.
    t.advance(e, "idle", false);
    QCOMPARE(t.history().samples().size(), size_t(4));
}

void TestHistory::historyStaysBoundedAndKeepsItsEnds() {
    DivergenceHistory h(64);
    for (uint64_t i = 0; i < 10000; ++i)
        h.add({i, "s" + std::to_string(i), {static_cast<uint32_t>(i)}});
    QVERIFY(h.samples().size() <= 64);
    QVERIFY(h.samples().size() >= 32);
    QCOMPARE(h.samples().front().tick, uint64_t(0));
    QCOMPARE(h.samples().back().tick, uint64_t(9999));
    for (size_t i = 1; i < h.samples().size(); ++i)
        QVERIFY(h.samples()[i - 1].tick < h.samples()[i].tick);
}

void TestHistory::moreStoresThanTrackedIsReported() {
    Catalog c;
    Engine e(c);
    for (size_t s = 0; s <= kMaxDivergenceStores; ++s)
        e.addReplica("S" + std::to_string(s));
    DivergenceTracker t;
    t.rebuild(e, "loaded");
    QVERIFY(!t.enabled());
    e.set(0, c.internKey("SID1", "C1"), c.internValue("A"), 1);
    t.advance(e, "x", true);
    QVERIFY(t.history().samples().empty());
}

void TestHistory::timelineLanesKindsAndOrigins() {
    Catalog c;
    Engine e(c);
    const size_t sql = e.addReplica("SQL"), hive = e.addReplica("HIVE"),
                 mongo = e.addReplica("MONGO");
    const KeyId k1 = c.internKey("SID1", "C1"), k2 = c.internKey("SID2", "C1");
    e.set(sql, k1, c.internValue("B"), 3);
    e.set(hive, k1, c.internValue("A"), 5); // concurrent with SQL's: SQL's B is discarded
    e.set(mongo, k2, c.internValue("C"), 1);
    e.merge(sql, mongo); // SQL receives MONGO's C
    e.get(hive, k1, 6);
    e.remove(mongo, k2, 7);
    const std::vector<size_t> lanes{sql, hive, mongo};
    const TimelineSnapshot t = TimelineSnapshot::capture(e, lanes, 100);
    QCOMPARE(t.laneCount(), size_t(3));
    QCOMPARE(t.laneName(1), std::string("HIVE"));
    QCOMPARE(t.omitted(0), size_t(0));

    const auto sqlPoints = t.points(0);
    QCOMPARE(sqlPoints.size(), size_t(2));
    // Sorted by timestamp: the merged-in write (t=1) before SQL's own (t=3).
    QCOMPARE(sqlPoints[0].ts, int64_t(1));
    QVERIFY(sqlPoints[0].mergedIn);
    QCOMPARE(sqlPoints[0].originLane, int16_t(2));
    QCOMPARE(t.origin(sqlPoints[0]), std::string_view("MONGO"));
    QCOMPARE(t.value(sqlPoints[0]), std::string_view("C"));
    QVERIFY(!sqlPoints[0].discarded);
    QCOMPARE(sqlPoints[1].ts, int64_t(3));
    QVERIFY(!sqlPoints[1].mergedIn);
    QVERIFY(sqlPoints[1].discarded);
    QCOMPARE(sqlPoints[1].position, uint64_t(0));
    QCOMPARE(t.studentId(sqlPoints[1].keyRow), std::string("SID1"));

    const auto hivePoints = t.points(1);
    QCOMPARE(hivePoints.size(), size_t(2));
    QVERIFY(!hivePoints[0].discarded); // the winner
    QCOMPARE(hivePoints[1].kind, EntryKind::Get);
    QCOMPARE(t.value(hivePoints[1]), std::string_view("A"));
    const auto mongoPoints = t.points(2);
    QCOMPARE(mongoPoints[1].kind, EntryKind::Delete);
    QCOMPARE(t.value(mongoPoints[1]), std::string_view("NULL"));

    QCOMPARE(t.keyRowOf("SID2", "C1"), int64_t(sqlPoints[0].keyRow));
    QCOMPARE(t.keyRowOf("SID9", "C1"), int64_t(-1));
    QCOMPARE(t.describe(0, sqlPoints[0]),
             std::string("SQL #2: SET (SID2,C1) = C at t=1, merged in from MONGO"));
    QVERIFY(t.describe(0, sqlPoints[1]).find("discards it") != std::string::npos);
    QCOMPARE(t.describe(1, hivePoints[1]), std::string("HIVE #2: GET (SID1,C1) returned A at t=6"));
    QCOMPARE(t.describe(2, mongoPoints[1]), std::string("MONGO #2: DELETE (SID2,C1) at t=7"));

    // Compared without HIVE, SQL's write is no longer discarded by anyone shown.
    const std::vector<size_t> two{sql, mongo};
    const TimelineSnapshot without = TimelineSnapshot::capture(e, two, 100);
    QVERIFY(!without.points(0)[1].discarded);
    QCOMPARE(without.points(0)[0].originLane, int16_t(1));
}

void TestHistory::timelineKeepsTheNewestEntries() {
    Catalog c;
    Engine e(c);
    const size_t s = e.addReplica("SQL");
    for (int i = 0; i < 10; ++i)
        e.set(s, c.internKey("SID" + std::to_string(i), "C1"), c.internValue("A"), 100 - i);
    const std::vector<size_t> lanes{s};
    const TimelineSnapshot t = TimelineSnapshot::capture(e, lanes, 4);
    QCOMPARE(t.omitted(0), size_t(6));
    QCOMPARE(t.points(0).size(), size_t(4));
    // The last four entries written (t=94..91), drawn in timestamp order.
    QCOMPARE(t.points(0)[0].ts, int64_t(91));
    QCOMPARE(t.points(0)[3].ts, int64_t(94));
    QCOMPARE(t.points(0)[0].position, uint64_t(9));
    QCOMPARE(t.keyCount(), size_t(4)); // only the keys of the points are copied
}

QTEST_APPLESS_MAIN(TestHistory)
#include "tst_history.moc"

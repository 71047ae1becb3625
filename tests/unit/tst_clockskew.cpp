// The clock-skew what-if: hand-made flips (ahead, behind, ties broken by origin), and random
// histories against an oracle that replays the same operations with skewed timestamps in a
// second engine and compares what a FULL_SYNC leaves.
#include "clockskew.h"
#include "engine.h"

#include <QTest>

#include <random>
#include <set>

using namespace syncscope;

class TestClockSkew : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aheadBehindAndTies();
    void randomHistoriesAgainstSkewedReplay();
};

void TestClockSkew::aheadBehindAndTies() {
    Catalog c;
    Engine e(c);
    const size_t sql = e.addReplica("SQL"), hive = e.addReplica("HIVE");
    const KeyId k = c.internKey("SID1", "CSE1"), other = c.internKey("SID2", "CSE1");
    e.set(sql, k, c.internValue("B"), 3);
    e.set(hive, k, c.internValue("A"), 5);
    e.set(sql, other, c.internValue("C"), 1); // nobody competes: never flips
    const std::vector<size_t> both{sql, hive};
    e.fullSync(both); // merged copies must not count twice

    const auto flips = [&](int64_t sqlOffset, int64_t hiveOffset) {
        const std::vector<int64_t> offsets{sqlOffset, hiveOffset};
        return whatIfClocksSkewed(e, both, offsets, 100);
    };
    QCOMPARE(flips(0, 0).flips, size_t(0));
    QCOMPARE(flips(0, 0).writesCompared, size_t(3));
    QCOMPARE(flips(1, 0).flips, size_t(0)); // 4 < 5
    const ClockSkewReport ahead = flips(5, 0);
    QCOMPARE(ahead.flips, size_t(1));
    const ClockSkewFlip& f = ahead.listed.at(0);
    QCOMPARE(f.studentId, std::string("SID1"));
    QCOMPARE(f.real.origin, std::string("HIVE"));
    QCOMPARE(f.real.value, std::string("A"));
    QCOMPARE(f.skewed.origin, std::string("SQL"));
    QCOMPARE(f.skewed.skewedTs, int64_t(8));
    QCOMPARE(describeFlip(f), std::string("(SID1,CSE1): today HIVE's SET of A (t=5) wins; with "
                                          "the clocks off, SQL's SET of B (t=3, skewed to 8) "
                                          "would."));
    // A tie at t=5 goes to the greater origin byte-wise: SQL > HIVE.
    QCOMPARE(flips(2, 0).flips, size_t(1));
    // HIVE's clock behind by 3 puts its write at t=2, before SQL's.
    QCOMPARE(flips(0, -3).flips, size_t(1));
    // Both off by the same amount: nothing changes.
    QCOMPARE(flips(7, 7).flips, size_t(0));
    // A DELETE wins or loses like any write.
    e.remove(sql, k, 4);
    const ClockSkewReport deleted = flips(2, 0);
    QCOMPARE(deleted.flips, size_t(1));
    QVERIFY(deleted.listed.at(0).skewed.deleted);
    QVERIFY(describeFlip(deleted.listed.at(0)).find("SQL's DELETE (t=4, skewed to 6)") !=
            std::string::npos);
}

void TestClockSkew::randomHistoriesAgainstSkewedReplay() {
    std::mt19937_64 rng(9917);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    size_t flipsSeen = 0;
    for (int h = 0; h < 400; ++h) {
        Catalog realCatalog, skewCatalog;
        Engine real(realCatalog), skewed(skewCatalog);
        const size_t stores = static_cast<size_t>(pick(2, 4));
        std::vector<int64_t> offsets;
        for (size_t s = 0; s < stores; ++s) {
            real.addReplica("S" + std::to_string(s));
            skewed.addReplica("S" + std::to_string(s));
            offsets.push_back(pick(-6, 6));
        }
        for (int op = 0; op < 30; ++op) {
            const size_t s = static_cast<size_t>(pick(0, static_cast<int>(stores) - 1));
            const std::string sid = "SID" + std::to_string(pick(0, 5));
            const std::string value(1, char('A' + pick(0, 3)));
            const int64_t ts = pick(1, 20);
            switch (pick(0, 3)) {
            case 0:
            case 1:
                real.set(s, realCatalog.internKey(sid, "C"), realCatalog.internValue(value), ts);
                skewed.set(s, skewCatalog.internKey(sid, "C"), skewCatalog.internValue(value),
                           ts + offsets[s]);
                break;
            case 2:
                real.remove(s, realCatalog.internKey(sid, "C"), ts);
                skewed.remove(s, skewCatalog.internKey(sid, "C"), ts + offsets[s]);
                break;
            default: {
                const size_t from = static_cast<size_t>(pick(0, static_cast<int>(stores) - 1));
                real.merge(s, from);
                skewed.merge(s, from);
            }
            }
        }
        std::vector<size_t> all(stores);
        for (size_t s = 0; s < stores; ++s)
            all[s] = s;
        real.fullSync(all);
        skewed.fullSync(all);
        // Oracle: keys whose converged write (origin, seq) differs between the two replays.
        std::set<std::string> expected;
        for (KeyId k = 0; k < realCatalog.keyCount(); ++k) {
            const Write& a = real.replica(0).state.at(k);
            const KeyId sk = skewCatalog.findKey(realCatalog.studentId(k), realCatalog.courseId(k));
            const Write& b = skewed.replica(0).state.at(sk);
            if (realCatalog.names().view(a.origin) != skewCatalog.names().view(b.origin) ||
                a.seq != b.seq)
                expected.insert(std::string(realCatalog.studentId(k)));
        }
        const ClockSkewReport report = whatIfClocksSkewed(real, all, offsets, 1000);
        std::set<std::string> got;
        for (const ClockSkewFlip& f : report.listed)
            got.insert(f.studentId);
        QCOMPARE(report.flips, expected.size());
        QCOMPARE(got, expected);
        flipsSeen += got.size();
    }
    QVERIFY(flipsSeen > 200); // the generator does make winners flip
}

QTEST_APPLESS_MAIN(TestClockSkew)
#include "tst_clockskew.moc"

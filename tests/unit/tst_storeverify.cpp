// Store verification: VerifyCheck finds exactly the damage planted at random in
// otherwise equal stores, and verifyStores merges the stores' key-ordered pages correctly
// whatever the page size.
#include "logrecords.h"
#include "storefactory.h"
#include "storeverify.h"
#include "storeworker.h"
#include "verifystores.h"

#include <QTest>

#include <atomic>

#include <random>
#include <set>
#include <tuple>

using namespace syncscope;

class TestStoreVerify : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void plantedDamageIsFoundExactly();
    void clashingCopiesAreNotWrittenBack();
    void pagesMergeAcrossStores_data();
    void pagesMergeAcrossStores();
};

namespace {

using Finding = std::tuple<std::string, std::string, std::string>; // kind, store, student

std::set<Finding> findingsOf(const VerifyReport& r) {
    std::set<Finding> out;
    for (const VerifyFinding& f : r.findings)
        out.insert({verifyKindName(f.kind), f.store, f.studentId});
    return out;
}

GradeRecord rowOf(const LogRecord& w) {
    return {w.studentId, w.courseId, w.value, !w.hasValue, w.ts, w.origin, w.seq, {}};
}

} // namespace

void TestStoreVerify::plantedDamageIsFoundExactly() {
    const std::vector<std::string> stores = {"SQL", "HIVE", "MONGO"};
    std::mt19937 rng(11);
    for (int round = 0; round < 50; ++round) {
        // 120 keys, each written once by one of the stores and held by every store.
        std::vector<LogRecord> log;
        for (int k = 0; k < 120; ++k) {
            char sid[16];
            std::snprintf(sid, sizeof sid, "SID%03d", k);
            log.push_back(setRecord(sid, "C", std::string(1, char('A' + k % 5)), k + 1,
                                    stores[static_cast<size_t>(k) % 3],
                                    static_cast<uint64_t>(k + 1)));
        }
        std::vector<std::vector<LogRecord>> logs(3, log);
        std::vector<std::vector<std::vector<GradeRecord>>> rows(
            120, std::vector<std::vector<GradeRecord>>(3));
        for (int k = 0; k < 120; ++k)
            for (size_t s = 0; s < 3; ++s)
                rows[static_cast<size_t>(k)][s].push_back(rowOf(log[static_cast<size_t>(k)]));

        // Damage on distinct keys, each with what it must be reported as.
        std::set<Finding> expected;
        std::set<std::pair<size_t, uint64_t>> missingFromOrigin; // (origin, seq)
        std::vector<int> keys(120);
        std::iota(keys.begin(), keys.end(), 0);
        std::shuffle(keys.begin(), keys.end(), rng);
        const int plants = static_cast<int>(rng() % 8);
        for (int p = 0; p < plants; ++p) {
            const size_t k = static_cast<size_t>(keys[static_cast<size_t>(p)]);
            const size_t s = rng() % 3;
            const std::string& sid = log[k].studentId;
            GradeRecord& row = rows[k][s].front();
            switch (rng() % 6) {
            case 0: // the row is lost; the oplog still has its write
                rows[k][s].clear();
                expected.insert({"missing", "", sid});
                expected.insert({"oplog", stores[s], sid});
                break;
            case 1: // the row is edited behind the oplog's back
                row.value = "Z";
                expected.insert({"oplog", stores[s], sid});
                expected.insert({"differs", "", sid});
                break;
            case 2: // a grade with a control character, logged as such
                row.value = "B\x01";
                logs[s][k].value = "B\x01";
                expected.insert({"corrupted", stores[s], sid});
                expected.insert({"differs", "", sid});
                // Its identity now names two writes: reported by each store read after the
                // first holder (stores are read in order).
                if (s == 0) {
                    expected.insert({"identity-reused", stores[1], sid});
                    expected.insert({"identity-reused", stores[2], sid});
                } else {
                    expected.insert({"identity-reused", stores[s], sid});
                }
                break;
            case 3: // a second row for the key
                rows[k][s].push_back(row);
                expected.insert({"duplicate", stores[s], sid});
                break;
            case 4: // the key's write applied twice: logged again at the end
                logs[s].push_back(logs[s][k]);
                expected.insert({"logged-twice", stores[s], sid});
                break;
            default: { // the write's origin lost it (a crash before origin first): its copies
                       // are ahead of it, whether their store is read before the origin or after
                const size_t origin = k % 3;
                logs[origin][k].kind = EntryKind::Get; // an entry, but not the write
                rows[k][origin].clear();
                expected.insert({"missing", "", sid});
                for (size_t holder = 0; holder < 3; ++holder)
                    if (holder != origin)
                        expected.insert({"ahead-of-origin", stores[holder], sid});
                missingFromOrigin.insert({origin, log[k].seq});
            }
            }
        }
        VerifyCheck check(stores);
        for (size_t s = 0; s < 3; ++s)
            check.setOplog(s, logs[s]);
        for (const size_t s : check.storesToReadAgain())
            check.resolveAheadOfOrigin(s, logs[s]);
        for (size_t k = 0; k < 120; ++k) {
            std::vector<std::vector<const GradeRecord*>> views(3);
            for (size_t s = 0; s < 3; ++s)
                for (const GradeRecord& r : rows[k][s])
                    views[s].push_back(&r);
            check.compareKey(views);
        }
        const VerifyReport report = check.finish();
        QCOMPARE(findingsOf(report), expected);
        QCOMPARE(report.findingCount, static_cast<int64_t>(expected.size()));
        QCOMPARE(report.clean(), expected.empty());
        // What verify --repair writes back: each lost write once, to its origin.
        std::set<std::pair<size_t, uint64_t>> toWriteBack;
        for (const VerifyReport::MissingFromOrigin& m : report.missingFromOrigin)
            QVERIFY(toWriteBack.insert({m.origin, m.write.seq}).second);
        QCOMPARE(toWriteBack, missingFromOrigin);
    }
}

// A's write A:3 is gone from A, and B and C hold two different writes under it: both are
// ahead of their origin, but which one A made is a person's choice, so repair writes back
// neither and says how many it left.
void TestStoreVerify::clashingCopiesAreNotWrittenBack() {
    VerifyCheck check({"A", "B", "C"});
    check.setOplog(0,
                   {setRecord("S1", "C1", "A", 1, "A", 1), setRecord("S2", "C1", "B", 2, "A", 2)});
    check.setOplog(1,
                   {setRecord("S2", "C1", "B", 2, "A", 2), setRecord("S3", "C1", "X", 3, "A", 3)});
    check.setOplog(2, {setRecord("S3", "C1", "D", 3, "A", 3)});
    QVERIFY(check.storesToReadAgain().empty()); // A came first: every copy was checked at once
    const VerifyReport report = check.finish();
    const std::set<Finding> found = findingsOf(report);
    QVERIFY(found.count({"identity-reused", "C", "S3"}) == 1);
    QVERIFY(found.count({"ahead-of-origin", "B", "S3"}) == 1);
    QVERIFY(report.missingFromOrigin.empty());
    QCOMPARE(report.heldBackFromRepair, int64_t{1});
}

void TestStoreVerify::pagesMergeAcrossStores_data() {
    QTest::addColumn<int>("pageRows");
    QTest::newRow("1 row a page") << 1;
    QTest::newRow("7 rows a page") << 7;
    QTest::newRow("all in one page") << 10000;
}

// A holds keys 0..99, B keys 50..149 (both hold 50..99, with a different grade at 60): the
// keys only one of them holds are missing from the other, and 60 differs; nothing else.
void TestStoreVerify::pagesMergeAcrossStores() {
    QFETCH(int, pageRows);
    std::vector<std::unique_ptr<StoreWorker>> owned;
    for (const char* name : {"A", "B"}) {
        auto store =
            StoreFactory::create(QString::fromLatin1(name), QStringLiteral("sqlite::memory:"));
        QVERIFY(store);
        owned.push_back(std::make_unique<StoreWorker>(std::move(store.value())));
        QVERIFY(owned.back()->open().result());
    }
    for (int s = 0; s < 2; ++s) {
        std::vector<LogRecord> writes;
        for (int k = s * 50; k < s * 50 + 100; ++k) {
            char sid[16];
            std::snprintf(sid, sizeof sid, "SID%03d", k);
            writes.push_back(setRecord(sid, "C", k == 60 && s == 1 ? "F" : "A", k + 1,
                                       s == 0 ? "A" : "B", static_cast<uint64_t>(k + 1)));
        }
        QVERIFY(owned[static_cast<size_t>(s)]->append(writes).result());
    }
    VerifyControl run;
    run.pageRows = static_cast<size_t>(pageRows);
    const Result<VerifyReport> report = verifyStores({owned[0].get(), owned[1].get()}, run);
    QVERIFY(report);
    std::set<Finding> expected;
    for (int k = 0; k < 150; ++k) {
        char sid[16];
        std::snprintf(sid, sizeof sid, "SID%03d", k);
        if (k < 50 || k >= 100)
            expected.insert({"missing", "", sid});
    }
    expected.insert({"differs", "", "SID060"});
    QCOMPARE(findingsOf(report.value()), expected);
    QCOMPARE(report.value().stores[0].rows, 100);
    QCOMPARE(report.value().stores[1].live, 100);
    QCOMPARE(report.value().stores[1].oplogEntries, 100);

    // By checksums: the differing ranges' rows go through the same key-by-key comparison and
    // give the same findings. A canceled run of either stops and says so.
    const Result<VerifyReport> bySums = verifyByChecksums({owned[0].get(), owned[1].get()}, run);
    QVERIFY(bySums);
    QCOMPARE(findingsOf(bySums.value()), expected);
    std::atomic<bool> canceled{true};
    run.canceled = &canceled;
    for (const Result<VerifyReport>& stopped :
         {verifyStores({owned[0].get(), owned[1].get()}, run),
          verifyByChecksums({owned[0].get(), owned[1].get()}, run)}) {
        QVERIFY(!stopped);
        QCOMPARE(stopped.error().message, QStringLiteral("canceled"));
    }
}

QTEST_MAIN(TestStoreVerify)
#include "tst_storeverify.moc"

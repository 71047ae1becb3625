// Origin first (docs/crash-safety.md) as OriginFirst plans it, on random histories of the real
// engine: stores write, merge and FULL_SYNC while their records are sent at random moments. Each
// plan is checked against what the rule means, not against how the planner works:
//  - every record handed out is the next one of its store, and every record goes out once;
//  - a batch holding a copy of a write waits for a batch of the write's origin handed out
//    before it, and that batch holds the write (so the copy can never commit first);
//  - a batch waits only for batches handed out before it (so no two workers wait on each other);
//  - a store that ends with the process (SQLite in memory) neither waits nor is waited for.
#include "catalog.h"
#include "engine.h"
#include "originfirst.h"
#include "recordconversion.h"

#include <QTest>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

using namespace syncscope;

namespace {

class Queues : public UnsentRecords {
public:
    explicit Queues(size_t stores)
        : q_(stores) {}
    size_t size(size_t s) const override { return q_[s].size() - front_[s]; }
    const LogRecord& at(size_t s, size_t i) const override { return q_[s][front_[s] + i]; }
    void push(size_t s, LogRecord r) { q_[s].push_back(std::move(r)); }
    // The next n records of store s, as handed out.
    std::vector<LogRecord> take(size_t s, size_t n) {
        std::vector<LogRecord> out(q_[s].begin() + static_cast<std::ptrdiff_t>(front_[s]),
                                   q_[s].begin() + static_cast<std::ptrdiff_t>(front_[s] + n));
        front_[s] += n;
        return out;
    }

private:
    std::vector<std::vector<LogRecord>> q_;
    std::vector<size_t> front_ = std::vector<size_t>(q_.size(), 0);
};

// What was handed out so far: per store, the batches in order, each with the greatest own seq
// it holds and its place in the global hand-out order.
struct Handed {
    struct Batch {
        size_t order = 0;
        uint64_t firstOwn = 0, lastOwn = 0; // 0: no own write
    };
    std::vector<std::vector<Batch>> batches;
    size_t count = 0;
    std::vector<char> endsWithProcess; // per store
};

class TestOriginFirst : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void randomHistoriesAreSentOriginFirst();
    void mutualMergesAreCutNotDeadlocked();
    void heldWritesWaitForNothing();
    void storesEndingWithTheProcessAreNotOrdered();
};

// Checks one plan's cuts as they are handed out, against the records they carry.
void checkCuts(const std::vector<OriginFirst::Cut>& cuts, Queues& queues, const OriginFirst& order,
               const std::vector<std::string>& names, std::vector<uint64_t>& held, Handed& handed) {
    for (const OriginFirst::Cut& cut : cuts) {
        QVERIFY(cut.count > 0);
        QVERIFY(cut.count <= queues.size(cut.store));
        const std::vector<LogRecord> records = queues.take(cut.store, cut.count);
        Handed::Batch batch{handed.count++, 0, 0};
        if (handed.endsWithProcess[cut.store])
            QVERIFY2(cut.waitsFor.empty(), "a store that ends with the process waits");
        for (const LogRecord& r : records) {
            if (!r.isWrite())
                continue;
            const size_t o = order.storeOf(r.origin);
            if (o == cut.store) {
                if (batch.firstOwn == 0)
                    batch.firstOwn = r.seq;
                batch.lastOwn = r.seq;
                continue;
            }
            if (o == static_cast<size_t>(-1) || r.seq <= held[o] ||
                handed.endsWithProcess[cut.store] || handed.endsWithProcess[o])
                continue;
            // The origin's batch holding r.seq, handed out before this one.
            const auto& theirs = handed.batches[o];
            const auto holder = std::find_if(theirs.begin(), theirs.end(), [&](const auto& b) {
                return b.firstOwn != 0 && b.firstOwn <= r.seq && r.seq <= b.lastOwn;
            });
            QVERIFY2(holder != theirs.end(),
                     qPrintable(QStringLiteral("%1 is sent a copy of %2:%3 before %2 is")
                                    .arg(QString::fromStdString(names[cut.store]),
                                         QString::fromStdString(r.origin))
                                    .arg(r.seq)));
            const auto wait = std::find_if(cut.waitsFor.begin(), cut.waitsFor.end(),
                                           [&](const auto& w) { return w.first == o; });
            QVERIFY2(wait != cut.waitsFor.end() && wait->second >= r.seq,
                     qPrintable(QStringLiteral("%1's batch does not wait for %2:%3")
                                    .arg(QString::fromStdString(names[cut.store]),
                                         QString::fromStdString(r.origin))
                                    .arg(r.seq)));
        }
        // Every wait names a write already handed out to its origin.
        for (const auto& [o, seq] : cut.waitsFor) {
            QVERIFY(o != cut.store);
            QVERIFY2(!handed.endsWithProcess[o], "a batch waits for a store that ends with us");
            const bool sent =
                seq <= held[o] || std::any_of(handed.batches[o].begin(), handed.batches[o].end(),
                                              [&](const auto& b) { return b.lastOwn >= seq; });
            QVERIFY2(sent, "a batch waits for one handed out after it");
        }
        handed.batches[cut.store].push_back(batch);
    }
}

void TestOriginFirst::randomHistoriesAreSentOriginFirst() {
    std::mt19937_64 rng(20261206);
    for (int history = 0; history < 200; ++history) {
        const size_t n = 2 + rng() % 4;
        Catalog catalog;
        Engine engine(catalog);
        std::vector<std::string> names;
        for (size_t s = 0; s < n; ++s) {
            names.push_back("S" + std::to_string(s));
            engine.addReplica(names.back());
        }
        OriginFirst order(names);
        Queues queues(n);
        std::vector<size_t> shipped(n, 0);
        std::vector<uint64_t> held(n, 0);
        Handed handed;
        handed.batches.resize(n);
        handed.endsWithProcess.assign(n, 0);
        // One history in four has an in-memory store among file and server ones.
        if (rng() % 4 == 0) {
            const size_t v = rng() % n;
            handed.endsWithProcess[v] = 1;
            order.markVolatile(v);
        }
        const auto collect = [&] {
            for (size_t s = 0; s < n; ++s)
                for (; shipped[s] < engine.replica(s).logEnd(); ++shipped[s])
                    queues.push(s, toRecord(engine.replica(s).entryAt(shipped[s]), catalog));
        };
        int64_t ts = 0;
        const int steps = 50 + static_cast<int>(rng() % 300);
        for (int step = 0; step < steps; ++step) {
            const size_t a = rng() % n, b = rng() % n;
            const KeyId k = catalog.internKey("SID" + std::to_string(rng() % 8), "C1");
            switch (rng() % 10) {
            case 0:
            case 1:
            case 2:
            case 3:
                engine.set(a, k, catalog.internValue(std::string(1, char('A' + rng() % 5))), ++ts);
                break;
            case 4:
                engine.remove(a, k, ++ts);
                break;
            case 5:
                engine.get(a, k, ++ts);
                break;
            case 6:
            case 7:
                engine.merge(a, b);
                break;
            case 8: {
                std::vector<size_t> all(n);
                std::iota(all.begin(), all.end(), size_t{0});
                engine.fullSync(all);
                break;
            }
            default:
                break;
            }
            collect();
            if (rng() % 4 == 0) {
                const size_t s = rng() % n;
                checkCuts(order.plan(s, queues), queues, order, names, held, handed);
                if (QTest::currentTestFailed())
                    return;
                QCOMPARE(queues.size(s), size_t{0});
            }
        }
        for (size_t s = 0; s < n; ++s) {
            checkCuts(order.plan(s, queues), queues, order, names, held, handed);
            if (QTest::currentTestFailed())
                return;
        }
        for (size_t s = 0; s < n; ++s)
            QCOMPARE(queues.size(s), size_t{0});
    }
}

// A and B write and copy each other's writes before either is sent; their records, unsent.
void queueMutualMerges(Queues& queues) {
    Catalog catalog;
    Engine engine(catalog);
    engine.addReplica("A");
    engine.addReplica("B");
    const KeyId k1 = catalog.internKey("S1", "C1"), k2 = catalog.internKey("S2", "C1");
    engine.set(0, k1, catalog.internValue("A"), 1);
    engine.merge(1, 0); // B copies A:1
    engine.set(1, k2, catalog.internValue("B"), 2);
    engine.merge(0, 1); // A copies B:1
    for (size_t s = 0; s < 2; ++s)
        for (size_t i = 0; i < engine.replica(s).logEnd(); ++i)
            queues.push(s, toRecord(engine.replica(s).entryAt(i), catalog));
}

void TestOriginFirst::mutualMergesAreCutNotDeadlocked() {
    // Neither store's whole queue can go first, so both are cut at the copy.
    OriginFirst order({"A", "B"});
    Queues queues(2);
    queueMutualMerges(queues);
    const std::vector<OriginFirst::Cut> cuts = order.plan(0, queues);
    QCOMPARE(cuts.size(), size_t{3});
    QCOMPARE(cuts[0].store, size_t{0}); // A's own write
    QVERIFY(cuts[0].waitsFor.empty());
    QCOMPARE(cuts[1].store, size_t{1}); // B: the copy of A:1 and its own write
    QCOMPARE(cuts[1].waitsFor, (std::vector<std::pair<size_t, uint64_t>>{{0, 1}}));
    QCOMPARE(cuts[2].store, size_t{0}); // A: the copy of B:1
    QCOMPARE(cuts[2].waitsFor, (std::vector<std::pair<size_t, uint64_t>>{{1, 1}}));
}

void TestOriginFirst::heldWritesWaitForNothing() {
    // B holds copies of A's writes 1..5, which A already holds: they go alone and wait for no one.
    OriginFirst order({"A", "B"});
    order.markHeld(0, 5);
    Queues queues(2);
    for (uint64_t seq = 1; seq <= 5; ++seq) {
        LogRecord r;
        r.studentId = "S" + std::to_string(seq);
        r.courseId = "C";
        r.value = "A";
        r.hasValue = true;
        r.origin = "A";
        r.seq = seq;
        queues.push(1, r);
    }
    const std::vector<OriginFirst::Cut> cuts = order.plan(1, queues);
    QCOMPARE(cuts.size(), size_t{1});
    QCOMPARE(cuts[0].count, size_t{5});
    QVERIFY(cuts[0].waitsFor.empty());
}

void TestOriginFirst::storesEndingWithTheProcessAreNotOrdered() {
    // The mutual merges, with B in memory: a crash leaves B empty, so neither A's copy of B's
    // write nor B's copy of A's needs the other first, and each store goes whole.
    OriginFirst order({"A", "B"});
    order.markVolatile(1);
    Queues queues(2);
    queueMutualMerges(queues);
    const size_t aRecords = queues.size(0), bRecords = queues.size(1);
    std::vector<OriginFirst::Cut> cuts = order.plan(0, queues);
    QCOMPARE(cuts.size(), size_t{1});
    QCOMPARE(cuts[0].store, size_t{0});
    QCOMPARE(cuts[0].count, aRecords);
    QVERIFY(cuts[0].waitsFor.empty());
    queues.take(0, aRecords);
    cuts = order.plan(1, queues);
    QCOMPARE(cuts.size(), size_t{1});
    QCOMPARE(cuts[0].count, bRecords);
    QVERIFY(cuts[0].waitsFor.empty());
}

} // namespace

QTEST_APPLESS_MAIN(TestOriginFirst)
#include "tst_originfirst.moc"

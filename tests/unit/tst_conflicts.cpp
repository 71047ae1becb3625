// Conflict classification (docs/script-language.md) and the causal contexts it rests on: hand-made
// histories for each bucket, then random histories checked against a brute-force oracle that keeps,
// for every write, the explicit set of writes in its causal past.
#include "conflictexplain.h"
#include "conflictmodel.h"
#include "conflicts.h"
#include "engine.h"
#include "recordconversion.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include <map>
#include <random>
#include <set>

using namespace syncscope;

namespace {

// A small script driver: stores by name, keys (SID, CID), values as strings.
struct History {
    Catalog catalog;
    Engine engine{catalog};
    std::map<std::string, size_t> stores;
    KeyId key = catalog.internKey("SID1", "CSE1");

    explicit History(std::initializer_list<const char*> names) {
        for (const char* n : names)
            stores[n] = engine.addReplica(n);
    }
    void set(const char* s, int64_t ts, const char* v) {
        engine.set(stores.at(s), key, catalog.internValue(v), ts);
    }
    void del(const char* s, int64_t ts) { engine.remove(stores.at(s), key, ts); }
    void merge(const char* t, const char* s) { engine.merge(stores.at(t), stores.at(s)); }
    KeyConflict classify(std::initializer_list<const char*> names) const {
        std::vector<const StoreState*> states;
        for (const char* n : names)
            states.push_back(&engine.replica(stores.at(n)).state);
        return classifyKey(key, states, catalog.contexts(), catalog.order());
    }
};

using Dots = std::set<std::pair<NameId, uint64_t>>;

} // namespace

class TestConflicts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void contextTextRoundTrip();
    void contextTextRejectsMalformed_data();
    void contextTextRejectsMalformed();
    void missingInSome();
    void fastForwardAfterMerge();
    void concurrentWritesNameTheDiscardedOne();
    void transitiveMergeIsFastForward();
    void knowledgeBeyondTheStateCounts();
    void tombstones();
    void seedsAreThePastOfLaterWrites();
    void staleReadAfterSupersededWrite();
    void contextsSurviveTheStoreRoundTrip();
    void randomHistoriesAgainstOracle();
    void explainsConcurrentWritesInPlainWords();
    void explainsFastForwardMissingAndTies();
    void explanationsKeepPercentSignsInGrades();
    void explainsStaleReads();
    void gridModelShowsEveryStoreAndFilters();
};

void TestConflicts::contextTextRoundTrip() {
    Catalog c;
    const NameId sql = c.names().intern("SQL"), hive = c.names().intern("HIVE");
    const ContextId ctx = c.contexts().intern({{sql, 3}, {hive, 5}, {sql, 1}});
    QCOMPARE(c.contexts().text(ctx, c.names()), std::string("HIVE:5,SQL:3"));
    QCOMPARE(c.contexts().seqOf(ctx, sql), uint64_t(3));
    QCOMPARE(c.contexts().seqOf(ctx, c.names().intern("MONGO")), uint64_t(0));
    QCOMPARE(c.contexts().intern({{hive, 5}, {sql, 3}}), ctx); // interned: one id per vector
    ContextId parsed = 0;
    QVERIFY(c.contexts().parse("HIVE:5,SQL:3", c.names(), parsed));
    QCOMPARE(parsed, ctx);
    QVERIFY(c.contexts().parse("", c.names(), parsed));
    QCOMPARE(parsed, CausalContexts::kEmpty);
    QCOMPARE(c.contexts().text(CausalContexts::kEmpty, c.names()), std::string());
    // join drops the receiving store's own origin and keeps the greatest seq per origin
    const ContextId joined =
        c.contexts().join(ctx, c.contexts().intern({{sql, 7}}), {c.names().intern("CSV"), 2}, hive);
    QCOMPARE(c.contexts().text(joined, c.names()), std::string("CSV:2,SQL:7"));
}

void TestConflicts::contextTextRejectsMalformed_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem");
    QTest::newRow("zero seq") << "SQL:0"
                              << "malformed";
    QTest::newRow("lower case") << "sql:1"
                                << "malformed";
    QTest::newRow("no colon") << "SQL"
                              << "malformed";
    QTest::newRow("trailing comma") << "SQL:1,"
                                    << "malformed";
    QTest::newRow("sign") << "SQL:-1"
                          << "malformed";
    QTest::newRow("overflow") << "SQL:99999999999999999999"
                              << "malformed";
    QTest::newRow("space") << "SQL:1, HIVE:2"
                           << "malformed";
    QTest::newRow("repeated") << "SQL:1,SQL:2"
                              << "twice";
}

void TestConflicts::contextTextRejectsMalformed() {
    QFETCH(QString, text);
    QFETCH(QString, problem);
    const std::string why = contextTextProblem(text.toStdString());
    QVERIFY2(QString::fromStdString(why).contains(problem), why.c_str());
    Catalog c;
    ContextId ctx = 42;
    QVERIFY(!c.contexts().parse(text.toStdString(), c.names(), ctx));
    QCOMPARE(ctx, ContextId(42));
    // and a store refuses a record carrying it
    LogRecord r{EntryKind::Set, "S1", "C1", "A", true, 1, "SQL", 1, 0, {}, text.toStdString()};
    QVERIFY(!recordProblem(r).empty());
}

void TestConflicts::missingInSome() {
    History h{"SQL", "HIVE", "MONGO"};
    h.set("SQL", 1, "A");
    h.merge("HIVE", "SQL");
    const KeyConflict c = h.classify({"SQL", "HIVE", "MONGO"});
    QCOMPARE(c.kind, ConflictKind::Missing);
    QCOMPARE(c.absent, 0b100u);
    QCOMPARE(c.differs, 0b100u);
    QCOMPARE(c.discarded, 0u);
    QCOMPARE(h.classify({"SQL", "HIVE"}).kind, ConflictKind::Identical);
}

void TestConflicts::fastForwardAfterMerge() {
    History h{"SQL", "HIVE"};
    h.set("SQL", 1, "A");
    h.merge("HIVE", "SQL");
    h.set("HIVE", 2, "B"); // HIVE had SQL's A when it wrote B
    const KeyConflict c = h.classify({"SQL", "HIVE"});
    QCOMPARE(c.kind, ConflictKind::FastForward);
    QCOMPARE(int(c.winner), 1);
    QCOMPARE(c.differs, 0b01u);
    QCOMPARE(c.discarded, 0u);
}

void TestConflicts::concurrentWritesNameTheDiscardedOne() {
    History h{"SQL", "HIVE"};
    h.set("SQL", 3, "B");
    h.set("HIVE", 5, "A");
    const KeyConflict c = h.classify({"SQL", "HIVE"});
    QCOMPARE(c.kind, ConflictKind::Concurrent);
    QCOMPARE(int(c.winner), 1);
    QCOMPARE(c.discarded, 0b01u);
    // Merging does not make them less concurrent for a store that still holds the loser...
    History g{"SQL", "HIVE", "MONGO"};
    g.set("SQL", 3, "B");
    g.merge("MONGO", "SQL");
    g.set("HIVE", 5, "A");
    g.merge("SQL", "HIVE"); // SQL now holds A: it received A after writing B
    QCOMPARE(g.classify({"SQL", "HIVE", "MONGO"}).discarded, 0b100u);
    // ...but a write made after receiving both follows both.
    g.set("SQL", 6, "C");
    const KeyConflict after = g.classify({"SQL", "HIVE", "MONGO"});
    QCOMPARE(after.kind, ConflictKind::FastForward);
    QCOMPARE(int(after.winner), 0);
}

void TestConflicts::transitiveMergeIsFastForward() {
    History h{"SQL", "HIVE", "MONGO"};
    h.set("SQL", 1, "A");
    h.merge("HIVE", "SQL");
    h.merge("MONGO", "HIVE");
    h.set("MONGO", 3, "C"); // MONGO got SQL's A through HIVE
    QCOMPARE(h.classify({"SQL", "MONGO"}).kind, ConflictKind::FastForward);
    QCOMPARE(h.classify({"SQL", "HIVE", "MONGO"}).kind, ConflictKind::FastForward);
}

void TestConflicts::knowledgeBeyondTheStateCounts() {
    // MONGO receives SQL's A, then HIVE's concurrent and greater B: its state is B, but it knows
    // A too, so its next write follows A although B's context does not hold A.
    History h{"SQL", "HIVE", "MONGO"};
    h.set("SQL", 6, "A");
    h.set("HIVE", 7, "B");
    h.merge("MONGO", "SQL");
    h.merge("MONGO", "HIVE");
    h.set("MONGO", 8, "C");
    QCOMPARE(h.classify({"SQL", "MONGO"}).kind, ConflictKind::FastForward);
    QCOMPARE(h.classify({"HIVE", "MONGO"}).kind, ConflictKind::FastForward);
    QCOMPARE(h.classify({"SQL", "HIVE"}).kind, ConflictKind::Concurrent);
}

void TestConflicts::tombstones() {
    History h{"SQL", "HIVE"};
    h.set("SQL", 1, "A");
    h.merge("HIVE", "SQL");
    h.del("HIVE", 2);
    KeyConflict c = h.classify({"SQL", "HIVE"});
    QCOMPARE(c.kind, ConflictKind::FastForward);
    QCOMPARE(c.deleted, 0b10u);
    QCOMPARE(c.absent, 0u); // a deleted key was received: it is not "missing"

    History g{"SQL", "HIVE"};
    g.set("SQL", 2, "A");
    g.del("HIVE", 3); // a delete of a value HIVE never saw
    c = g.classify({"SQL", "HIVE"});
    QCOMPARE(c.kind, ConflictKind::Concurrent);
    QCOMPARE(int(c.winner), 1);
    QCOMPARE(c.discarded, 0b01u);
}

void TestConflicts::seedsAreThePastOfLaterWrites() {
    History h{"SQL", "HIVE"};
    const ValueId a = h.catalog.internValue("A");
    h.engine.seed(0, h.key, a, 7);
    h.engine.seed(1, h.key, a, 7);
    QCOMPARE(h.classify({"SQL", "HIVE"}).kind, ConflictKind::Identical);
    h.set("SQL", 1, "B");
    QCOMPARE(h.classify({"SQL", "HIVE"}).kind, ConflictKind::FastForward);
    QCOMPARE(
        h.catalog.contexts().text(h.engine.replica(0).state.at(h.key).context, h.catalog.names()),
        std::string("CSV:7"));
}

void TestConflicts::staleReadAfterSupersededWrite() {
    History h{"SQL"};
    h.set("SQL", 5, "A");
    h.set("SQL", 3, "B"); // superseded on arrival
    h.engine.get(0, h.key, 6);
    h.set("SQL", 7, "C");
    h.engine.get(0, h.key, 8);
    const auto stale = findStaleReads(h.engine.replica(0).log, 0, h.catalog.order());
    QCOMPARE(stale.size(), size_t(1));
    QCOMPARE(stale[0].position, size_t(2));
    QCOMPARE(h.catalog.value(stale[0].shown.value), std::string_view("A"));
    QCOMPARE(h.catalog.value(stale[0].hidden.value), std::string_view("B"));
    QCOMPARE(stale[0].read.ts, int64_t(6));
}

void TestConflicts::contextsSurviveTheStoreRoundTrip() {
    // A store keeps each entry as a record; an engine rebuilt from the records (another
    // process, new interned ids) must carry on with the same knowledge.
    History h{"SQL", "HIVE", "MONGO"};
    h.set("SQL", 6, "A");
    h.set("HIVE", 7, "B");
    h.merge("MONGO", "SQL");
    h.merge("MONGO", "HIVE");

    Catalog c2;
    c2.names().intern("ZZ"); // shift every id
    Engine rebuilt(c2);
    for (const char* n : {"SQL", "HIVE", "MONGO"}) {
        const size_t r = rebuilt.addReplica(n);
        for (const OplogEntry& e : h.engine.replica(h.stores.at(n)).log) {
            const LogRecord rec = toRecord(e, h.catalog);
            QVERIFY(recordProblem(rec).empty());
            rebuilt.restore(r, fromRecord(rec, c2));
        }
    }
    const KeyId key = c2.findKey("SID1", "CSE1");
    rebuilt.set(2, key, c2.internValue("C"), 8);
    h.set("MONGO", 8, "C");
    QCOMPARE(
        c2.contexts().text(rebuilt.replica(2).state.at(key).context, c2.names()),
        h.catalog.contexts().text(h.engine.replica(2).state.at(h.key).context, h.catalog.names()));
    QCOMPARE(c2.contexts().text(rebuilt.replica(2).state.at(key).context, c2.names()),
             std::string("HIVE:1,SQL:1"));
}

void TestConflicts::randomHistoriesAgainstOracle() {
    std::mt19937_64 rng(7177);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::array<size_t, kConflictKinds> seenKinds{};
    size_t staleSeen = 0;
    for (int h = 0; h < 3000; ++h) {
        Catalog c;
        Engine e(c);
        const int storeCount = pick(2, 4);
        const char* names[] = {"B", "A", "C", "AA"};
        for (int s = 0; s < storeCount; ++s)
            e.addReplica(names[s]);
        const int keyCount = pick(1, 4);
        std::vector<KeyId> keys;
        for (int k = 0; k < keyCount; ++k)
            keys.push_back(c.internKey("S" + std::to_string(k), "C"));
        const ValueId values[] = {c.internValue("A"), c.internValue("B")};

        // The oracle: everything each store has received per key, and each write's full past.
        std::map<std::pair<size_t, KeyId>, Dots> known;
        std::map<std::pair<NameId, uint64_t>, Dots> past;
        auto dotOf = [](const Write& w) { return std::make_pair(w.origin, w.seq); };
        auto receive = [&](size_t r, const Write& w) {
            Dots& k = known[{r, w.key}];
            const Dots& p = past[dotOf(w)];
            k.insert(p.begin(), p.end());
            k.insert(dotOf(w));
        };
        auto appendedSince = [&](size_t r, size_t before) {
            const Oplog& log = e.replica(r).log;
            for (size_t i = before; i < log.size(); ++i)
                receive(r, log[i].write);
        };

        for (int step = 0, steps = pick(4, 30); step < steps; ++step) {
            const size_t r = static_cast<size_t>(pick(0, storeCount - 1));
            const KeyId k = keys[static_cast<size_t>(pick(0, keyCount - 1))];
            const int what = pick(0, 99);
            if (what < 45) {
                const int64_t ts = pick(-2, 8);
                const OplogEntry& made =
                    what < 35 ? e.set(r, k, values[pick(0, 1)], ts) : e.remove(r, k, ts);
                past[dotOf(made.write)] = known[{r, k}];
                known[{r, k}].insert(dotOf(made.write));
            } else if (what < 55) {
                e.get(r, k, pick(-2, 8));
            } else if (what < 60) {
                const size_t before = e.replica(r).log.size();
                // One CSV row per key, as in docs/script-language.md's data set (causalcontext.h:
                // rows of one key are taken as a chain, like any origin's writes).
                if (e.seed(r, k, values[0], k + 1))
                    appendedSince(r, before);
            } else if (what < 90) {
                const size_t src = static_cast<size_t>(pick(0, storeCount - 1));
                const size_t before = e.replica(r).log.size();
                e.merge(r, src);
                appendedSince(r, before);
            } else {
                std::vector<size_t> set;
                std::vector<size_t> before;
                for (size_t s = 0; s < e.replicaCount(); ++s)
                    if (pick(0, 2) > 0)
                        set.push_back(s);
                for (size_t s = 0; s < e.replicaCount(); ++s)
                    before.push_back(e.replica(s).log.size());
                e.fullSync(set);
                for (size_t s = 0; s < e.replicaCount(); ++s)
                    appendedSince(s, before[s]);
            }
        }

        std::vector<const StoreState*> states;
        for (size_t s = 0; s < e.replicaCount(); ++s)
            states.push_back(&e.replica(s).state);
        const ConflictReport report =
            classifyConflicts(states, c.keyCount(), c.contexts(), c.order());
        std::map<KeyId, KeyConflict> listed;
        for (const KeyConflict& kc : report.keys)
            listed[kc.key] = kc;
        for (KeyId k : keys) {
            // Brute force: the greatest write, then who it has in its past.
            const Write* best = nullptr;
            for (const StoreState* st : states)
                if (!st->at(k).isNone() && (best == nullptr || c.order().less(*best, st->at(k))))
                    best = &st->at(k);
            if (best == nullptr) {
                QVERIFY(!listed.count(k));
                continue;
            }
            uint32_t absent = 0, differs = 0, discarded = 0;
            for (size_t s = 0; s < states.size(); ++s) {
                const Write& w = states[s]->at(k);
                if (w.isNone()) {
                    absent |= 1u << s;
                    differs |= 1u << s;
                } else if (!w.sameWrite(*best)) {
                    differs |= 1u << s;
                    // a state write in the winner's past is always smaller
                    // (docs/script-language.md's premise)
                    if (!past[dotOf(*best)].count(dotOf(w)))
                        discarded |= 1u << s;
                }
            }
            const ConflictKind expected = differs == 0        ? ConflictKind::Identical
                                          : differs == absent ? ConflictKind::Missing
                                          : discarded == 0    ? ConflictKind::FastForward
                                                              : ConflictKind::Concurrent;
            ++seenKinds[static_cast<size_t>(expected)];
            if (expected == ConflictKind::Identical) {
                QVERIFY(!listed.count(k));
                continue;
            }
            QVERIFY2(listed.count(k), qPrintable(QStringLiteral("history %1").arg(h)));
            const KeyConflict& got = listed[k];
            QCOMPARE(got.kind, expected);
            QCOMPARE(got.absent, absent);
            QCOMPARE(got.differs, differs);
            QCOMPARE(got.discarded, discarded);
            QVERIFY(states[got.winner]->at(k).sameWrite(*best));
        }

        // Stale reads, by another formulation: a GET is stale when, among the writes its store
        // had logged for the key before it, the greatest is not the last one logged.
        for (size_t s = 0; s < e.replicaCount(); ++s) {
            const Oplog& log = e.replica(s).log;
            std::vector<size_t> expected;
            for (size_t i = 0; i < log.size(); ++i) {
                if (log[i].isWrite())
                    continue;
                const Write* greatest = nullptr;
                const Write* last = nullptr;
                for (size_t j = 0; j < i; ++j) {
                    if (!log[j].isWrite() || log[j].write.key != log[i].write.key)
                        continue;
                    last = &log[j].write;
                    if (greatest == nullptr || c.order().less(*greatest, *last))
                        greatest = last;
                }
                if (last != nullptr && !last->sameWrite(*greatest))
                    expected.push_back(i);
            }
            std::vector<size_t> got;
            for (const StaleRead& sr : findStaleReads(log, 0, c.order()))
                got.push_back(sr.position);
            QCOMPARE(got, expected);
            staleSeen += got.size();
        }
    }
    // The generator must reach every bucket, or the comparison above proves little.
    for (size_t kind = 0; kind < kConflictKinds; ++kind)
        QVERIFY2(seenKinds[kind] > 100, qPrintable(QString::number(kind)));
    QVERIFY(staleSeen > 100);
}

namespace {
ConflictSnapshot snapshotOf(const History& h, std::initializer_list<const char*> names) {
    std::vector<size_t> stores;
    for (const char* n : names)
        stores.push_back(h.stores.at(n));
    return ConflictSnapshot::capture(h.engine, stores);
}
} // namespace

void TestConflicts::explainsConcurrentWritesInPlainWords() {
    History h{"SQL", "HIVE"};
    h.set("SQL", 3, "B");
    h.set("HIVE", 5, "A");
    const ConflictSnapshot s = snapshotOf(h, {"SQL", "HIVE"});
    QCOMPARE(s.rowCount(), size_t(1));
    QCOMPARE(s.count(ConflictKind::Concurrent), size_t(1));
    QCOMPARE(explainConflict(s, 0),
             QStringLiteral("Last-writer-wins keeps HIVE's SET of A at t=5, held by HIVE. It beats "
                            "SQL's SET of B at t=3 (held by SQL): t=5 is later than t=3. They are "
                            "concurrent: HIVE had not received it when it wrote A, so B is "
                            "discarded without anyone having seen it. After the merge every store "
                            "holds A."));
}

void TestConflicts::explainsFastForwardMissingAndTies() {
    History h{"SQL", "HIVE", "MONGO"};
    h.set("SQL", 5, "A");
    h.merge("HIVE", "SQL");
    h.set("HIVE", 7, "B");
    QString why = explainConflict(snapshotOf(h, {"SQL", "HIVE", "MONGO"}), 0);
    QVERIFY2(why.contains(QStringLiteral("It follows SQL's SET of A at t=5 (held by SQL): HIVE had "
                                         "received that write before writing, so SQL "
                                         "fast-forwards")),
             qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("MONGO never received a write for this key: the merge "
                                         "writes the winner into it.")),
             qPrintable(why));

    History m{"SQL", "HIVE"};
    m.set("SQL", 1, "A");
    QCOMPARE(explainConflict(snapshotOf(m, {"SQL", "HIVE"}), 0),
             QStringLiteral("HIVE never received a write for this key. SQL holds SQL's SET of A at "
                            "t=1; merging copies it, and nothing is lost. After the merge every "
                            "store holds A."));

    History t{"SQL", "HIVE"};
    t.set("SQL", 4, "A");
    t.del("HIVE", 4);
    why = explainConflict(snapshotOf(t, {"SQL", "HIVE"}), 0);
    QVERIFY2(why.contains(QStringLiteral("both are at t=4, and the tie breaks on the origin's "
                                         "name: SQL sorts after HIVE")),
             qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("so the DELETE (the key comes back) is discarded")),
             qPrintable(why));
}

void TestConflicts::explanationsKeepPercentSignsInGrades() {
    History h{"SQL", "HIVE"};
    h.set("SQL", 3, "%2%1");
    h.set("HIVE", 5, "%1");
    const QString why = explainConflict(snapshotOf(h, {"SQL", "HIVE"}), 0);
    QVERIFY2(why.contains(QStringLiteral("SQL's SET of %2%1 at t=3")), qPrintable(why));
    QVERIFY2(why.endsWith(QStringLiteral("every store holds %1.")), qPrintable(why));
}

void TestConflicts::explainsStaleReads() {
    History h{"SQL"};
    h.set("SQL", 5, "A");
    h.set("SQL", 3, "B");
    h.engine.get(0, h.key, 6);
    const ConflictSnapshot s = snapshotOf(h, {"SQL"});
    QCOMPARE(s.staleReads().size(), size_t(1));
    QCOMPARE(explainStaleRead(s, s.staleReads()[0]),
             QStringLiteral("SQL's GET(SID1,CSE1) at t=6 returned A although SQL had since "
                            "received SQL's SET of B at t=3: that write arrived later but lost to "
                            "SQL's SET of A at t=5 because t=5 is later than t=3. A client that "
                            "made it does not read its own write."));
}

void TestConflicts::gridModelShowsEveryStoreAndFilters() {
    History h{"SQL", "HIVE", "MONGO"};
    const KeyId k2 = h.catalog.internKey("SID0", "CSE9");
    h.set("SQL", 3, "B");
    h.set("HIVE", 5, "A");                              // SID1: concurrent, MONGO missing
    h.engine.set(0, k2, h.catalog.internValue("C"), 1); // SID0: missing in HIVE and MONGO
    ConflictModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(
        std::make_shared<const ConflictSnapshot>(snapshotOf(h, {"SQL", "HIVE", "MONGO"})));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), ConflictModel::kKeyColumns + 3 + 1);
    QCOMPARE(model.headerData(4, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("HIVE"));
    QCOMPARE(model.headerData(6, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("After merge (LWW)"));
    // key order: SID0 first
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("SID0"));
    QCOMPARE(model.index(1, 2).data().toString(), QStringLiteral("concurrent · missing"));
    QCOMPARE(model.index(1, 3).data().toString(), QStringLiteral("B  t=3"));
    QCOMPARE(model.index(1, 5).data().toString(), QStringLiteral("(missing)"));
    QCOMPARE(model.index(1, 6).data().toString(), QStringLiteral("A  t=5"));
    QCOMPARE(model.index(1, 3).data(ConflictModel::CellStateRole).toInt(),
             int(ConflictModel::CellState::Discarded));
    QCOMPARE(model.index(1, 4).data(ConflictModel::CellStateRole).toInt(),
             int(ConflictModel::CellState::Winner));
    QCOMPARE(model.index(1, 5).data(ConflictModel::CellStateRole).toInt(),
             int(ConflictModel::CellState::Absent));
    QCOMPARE(model.rowOf(QStringLiteral("SID1"), QStringLiteral("CSE1")), 1);
    QCOMPARE(model.rowOf(QStringLiteral("SID1"), QStringLiteral("CSE2")), -1);

    model.setVisibleKinds(1u << unsigned(ConflictKind::Concurrent));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("SID1"));
    QCOMPARE(model.rowOf(QStringLiteral("SID1"), QStringLiteral("CSE1")), 0);
    model.setVisibleKinds(0);
    QCOMPARE(model.rowCount(), 0);
    model.setVisibleKinds(~0u);
    model.setSnapshot(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

QTEST_APPLESS_MAIN(TestConflicts)
#include "tst_conflicts.moc"

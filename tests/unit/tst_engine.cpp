// The merge engine against docs/script-language.md on random histories: each step is checked
// against a naive reference that folds whole oplogs with std::map, and every history ends with the
// properties the docs name (commutative in effect, associative, idempotent, FULL_SYNC converges)
// plus "a merge computed from the oplog equals one computed from state".
#include "engine.h"

#include <QTest>

#include <map>
#include <random>

using namespace syncscope;

namespace {

// The reference: nothing clever, no watermarks, no dense arrays.
struct NaiveStore {
    NameId name = kNoOrigin;
    std::map<KeyId, Write> state;
    std::vector<OplogEntry> log;
    uint64_t seq = 0;
};

struct Naive {
    const Catalog& catalog;
    std::vector<NaiveStore> stores;

    WriteOrder order() const { return catalog.order(); }
    bool applyTo(NaiveStore& s, const Write& w) {
        auto it = s.state.find(w.key);
        if (it != s.state.end() && !order().less(it->second, w))
            return false;
        s.state[w.key] = w;
        return true;
    }
    void local(size_t r, KeyId k, ValueId v, int64_t ts) {
        NaiveStore& s = stores[r];
        Write w{ts, ++s.seq, k, v, s.name, 0};
        const bool changed = applyTo(s, w);
        s.log.push_back({w, v == kTombstone ? EntryKind::Delete : EntryKind::Set, changed});
    }
    void get(size_t r, KeyId k, int64_t ts) {
        NaiveStore& s = stores[r];
        auto it = s.state.find(k);
        Write w{ts, 0, k, it == s.state.end() ? kTombstone : it->second.value, s.name, 0};
        s.log.push_back({w, EntryKind::Get, false});
    }
    std::map<KeyId, Write> foldLog(const NaiveStore& s) const {
        std::map<KeyId, Write> m;
        for (const OplogEntry& e : s.log) {
            if (!e.isWrite())
                continue;
            auto it = m.find(e.write.key);
            if (it == m.end() || order().less(it->second, e.write))
                m[e.write.key] = e.write;
        }
        return m;
    }
    void merge(size_t t, size_t src) {
        if (t == src)
            return;
        std::vector<Write> plan;
        for (auto& [k, w] : foldLog(stores[src])) {
            auto it = stores[t].state.find(k);
            if (it == stores[t].state.end() || order().less(it->second, w))
                plan.push_back(w);
        }
        std::sort(plan.begin(), plan.end(), order());
        for (const Write& w : plan) {
            applyTo(stores[t], w);
            stores[t].log.push_back({w, entryKindOf(w, catalog.seedOrigin()), true});
        }
    }
    void fullSync(const std::vector<size_t>& set) {
        std::map<KeyId, Write> best;
        for (size_t r : set)
            for (auto& [k, w] : stores[r].state) {
                auto it = best.find(k);
                if (it == best.end() || order().less(it->second, w))
                    best[k] = w;
            }
        for (size_t r : set) {
            std::vector<Write> plan;
            for (auto& [k, w] : best) {
                auto it = stores[r].state.find(k);
                if (it == stores[r].state.end() || order().less(it->second, w))
                    plan.push_back(w);
            }
            std::sort(plan.begin(), plan.end(), order());
            for (const Write& w : plan) {
                applyTo(stores[r], w);
                stores[r].log.push_back({w, entryKindOf(w, catalog.seedOrigin()), true});
            }
        }
    }
};

bool sameEntry(const OplogEntry& a, const OplogEntry& b) {
    return a.kind == b.kind && a.changedState == b.changedState && a.write.sameWrite(b.write);
}

bool sameStates(const StoreState& a, const StoreState& b) {
    return a == b;
}

bool matchesNaive(const Engine& e, const Naive& n) {
    for (size_t r = 0; r < e.replicaCount(); ++r) {
        const Replica& rep = e.replica(r);
        const NaiveStore& ns = n.stores[r];
        if (rep.log.size() != ns.log.size())
            return false;
        for (size_t i = 0; i < rep.log.size(); ++i)
            if (!sameEntry(rep.log[i], ns.log[i]))
                return false;
        if (rep.state.keys().size() != ns.state.size())
            return false;
        for (auto& [k, w] : ns.state)
            if (!rep.state.at(k).sameWrite(w))
                return false;
    }
    return true;
}

StoreState foldOf(const Oplog& log, const WriteOrder& order) {
    StoreState s;
    foldOplog(log, 0, s, order);
    return s;
}

} // namespace

class TestEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void specExample();
    void supersededLocalWriteIsLoggedNotApplied();
    void tiesBreakOnOriginThenSeq();
    void mergeOfItselfDoesNothing();
    void deleteWinsAndPropagates();
    void randomHistories();
    void countersStartPastCopiesHeldElsewhere();
};

void TestEngine::specExample() {
    Catalog c;
    Engine e(c);
    const size_t hive = e.addReplica("HIVE"), sql = e.addReplica("SQL");
    const KeyId k = c.internKey("SID1033", "CSE016");
    e.set(hive, k, c.internValue("A"), 1);
    e.set(sql, k, c.internValue("B"), 2);
    QCOMPARE(e.merge(hive, sql), size_t(1));
    QCOMPARE(c.value(e.replica(hive).state.at(k).value), std::string_view("B"));
    // The merged write is SQL's, unchanged.
    const Write& merged = e.replica(hive).log.back().write;
    QCOMPARE(merged.ts, int64_t(2));
    QCOMPARE(c.names().view(merged.origin), std::string_view("SQL"));
    QCOMPARE(merged.seq, uint64_t(1));
    QCOMPARE(e.merge(sql, hive), size_t(0)); // SQL already wins
    QCOMPARE(e.replica(sql).log.size(), size_t(1));
}

void TestEngine::supersededLocalWriteIsLoggedNotApplied() {
    Catalog c;
    Engine e(c);
    const size_t a = e.addReplica("A");
    const KeyId k = c.internKey("s", "c");
    e.set(a, k, c.internValue("new"), 10);
    const OplogEntry late = e.set(a, k, c.internValue("old"), 5);
    QVERIFY(!late.changedState);
    QCOMPARE(e.replica(a).log.size(), size_t(2));
    QCOMPARE(c.value(e.replica(a).state.at(k).value), std::string_view("new"));
    QCOMPARE(e.replica(a).seq, uint64_t(2)); // the counter moves on every local write
}

void TestEngine::tiesBreakOnOriginThenSeq() {
    Catalog c;
    Engine e(c);
    const size_t b = e.addReplica("B"), a = e.addReplica("A"), ab = e.addReplica("AB");
    const KeyId k = c.internKey("s", "c");
    e.set(a, k, c.internValue("fromA"), 7);
    e.set(b, k, c.internValue("fromB"), 7);
    e.set(ab, k, c.internValue("fromAB"), 7);
    const size_t all[] = {a, b, ab};
    e.fullSync(all);
    // Same ts: origin compared byte-wise, "A" < "AB" < "B".
    for (size_t r : all)
        QCOMPARE(c.value(e.replica(r).state.at(k).value), std::string_view("fromB"));
    // Same ts and origin: the higher seq wins.
    e.set(a, k, c.internValue("x1"), 8);
    e.set(a, k, c.internValue("x2"), 8);
    QCOMPARE(c.value(e.replica(a).state.at(k).value), std::string_view("x2"));
}

void TestEngine::mergeOfItselfDoesNothing() {
    Catalog c;
    Engine e(c);
    const size_t a = e.addReplica("A");
    e.set(a, c.internKey("s", "c"), c.internValue("v"), 1);
    QCOMPARE(e.merge(a, a), size_t(0));
    QCOMPARE(e.replica(a).log.size(), size_t(1));
}

void TestEngine::deleteWinsAndPropagates() {
    Catalog c;
    Engine e(c);
    const size_t a = e.addReplica("A"), b = e.addReplica("B");
    const KeyId k = c.internKey("s", "c");
    e.set(a, k, c.internValue("v"), 1);
    e.merge(b, a);
    e.remove(b, k, 2);
    e.merge(a, b);
    QVERIFY(!e.replica(a).state.isLive(k));
    QCOMPARE(e.replica(a).log.back().kind, EntryKind::Delete);
    QCOMPARE(e.get(a, k, 3).write.value, kTombstone);
    QCOMPARE(e.replica(a).state.liveCount(), size_t(0));
}

void TestEngine::randomHistories() {
    const int histories = 10000;
    std::mt19937_64 rng(20261121);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    int merges = 0, syncs = 0, ties = 0;
    size_t trimmedAway = 0;

    for (int h = 0; h < histories; ++h) {
        Catalog c;
        Engine e(c);
        Engine trimmed(c); // the same history, trimmed after every step
        const int storeCount = pick(2, 4);
        const char* names[] = {"B", "A", "C", "AA"};
        for (int s = 0; s < storeCount; ++s) {
            e.addReplica(names[s]);
            trimmed.addReplica(names[s]);
        }
        Naive n{c, {}};
        for (size_t s = 0; s < e.replicaCount(); ++s)
            n.stores.push_back({e.replica(s).nameId, {}, {}, 0});
        const int keyCount = pick(1, 5);
        std::vector<KeyId> keys;
        for (int k = 0; k < keyCount; ++k)
            keys.push_back(c.internKey("S" + std::to_string(k), "C" + std::to_string(k % 2)));
        const ValueId values[] = {c.internValue("A"), c.internValue("B"), c.internValue("C")};

        // docs/script-language.md's implicit timestamps: one more than the greatest used so far (1
        // if none).
        bool haveTs = false;
        int64_t maxTs = 0;
        auto nextTs = [&]() {
            int64_t ts;
            if (pick(0, 9) < 3)
                ts = haveTs ? maxTs + 1 : 1;
            else
                ts = pick(-2, 6);
            if (!haveTs || ts > maxTs)
                maxTs = ts;
            haveTs = true;
            return ts;
        };

        const int steps = pick(5, 40);
        for (int step = 0; step < steps; ++step) {
            const size_t r = static_cast<size_t>(pick(0, storeCount - 1));
            const KeyId k = keys[static_cast<size_t>(pick(0, keyCount - 1))];
            const int what = pick(0, 99);
            if (what < 40) {
                const ValueId v = values[pick(0, 2)];
                const int64_t ts = nextTs();
                e.set(r, k, v, ts);
                trimmed.set(r, k, v, ts);
                n.local(r, k, v, ts);
            } else if (what < 52) {
                const int64_t ts = nextTs();
                e.remove(r, k, ts);
                trimmed.remove(r, k, ts);
                n.local(r, k, kTombstone, ts);
            } else if (what < 62) {
                const int64_t ts = nextTs();
                e.get(r, k, ts);
                trimmed.get(r, k, ts);
                n.get(r, k, ts);
            } else if (what < 92) {
                const size_t src = static_cast<size_t>(pick(0, storeCount - 1));
                // The engine's merge reads an oplog suffix; it must equal the full-log plan.
                const std::vector<Write> fullPlan = [&] {
                    FoldScratch scratch;
                    return planMergeFromOplog(e.replica(src).log, 0, e.replica(r).state, c.order(),
                                              scratch);
                }();
                const size_t before = e.replica(r).log.size();
                e.merge(r, src);
                trimmed.merge(r, src);
                n.merge(r, src);
                QCOMPARE(e.replica(r).log.size() - before, r == src ? size_t(0) : fullPlan.size());
                ++merges;
            } else {
                std::vector<size_t> set;
                for (size_t s = 0; s < e.replicaCount(); ++s)
                    if (pick(0, 3) > 0)
                        set.push_back(s);
                if (set.empty())
                    set.push_back(r);
                e.fullSync(set);
                trimmed.fullSync(set);
                n.fullSync(set);
                for (size_t s : set)
                    QVERIFY(e.replica(s).state == e.replica(set.front()).state);
                ++syncs;
            }
            if (!matchesNaive(e, n))
                QFAIL(qPrintable(QStringLiteral("history %1 step %2 diverged from the reference")
                                     .arg(h)
                                     .arg(step)));
            // Trimming what no merge needs changes nothing: same states, same entries kept.
            std::vector<size_t> everything;
            for (size_t s = 0; s < trimmed.replicaCount(); ++s)
                everything.push_back(trimmed.replica(s).logEnd());
            trimmed.trim(everything, 1);
            for (size_t s = 0; s < e.replicaCount(); ++s) {
                const Replica& full = e.replica(s);
                const Replica& cut = trimmed.replica(s);
                QCOMPARE(cut.logEnd(), full.logEnd());
                QVERIFY(cut.state == full.state);
                for (size_t i = cut.logBase; i < cut.logEnd(); ++i)
                    QVERIFY(sameEntry(cut.entryAt(i), full.entryAt(i)));
                trimmedAway += cut.logBase;
            }
        }

        const WriteOrder order = c.order();
        for (size_t s = 0; s < e.replicaCount(); ++s) {
            // A store's state is exactly the fold of its oplog.
            QVERIFY(foldOf(e.replica(s).log, order) == e.replica(s).state);
            // Every appended merge entry changed the state and came in ascending order.
            for (const OplogEntry& entry : e.replica(s).log)
                if (entry.write.origin != e.replica(s).nameId && entry.isWrite())
                    QVERIFY(entry.changedState);
        }

        const size_t a = static_cast<size_t>(pick(0, storeCount - 1));
        const size_t b = static_cast<size_t>(pick(0, storeCount - 1));
        const size_t third = static_cast<size_t>(pick(0, storeCount - 1));

        // A merge computed from the oplog equals one computed from state.
        {
            FoldScratch scratch;
            const auto fromLog =
                planMergeFromOplog(e.replica(b).log, 0, e.replica(a).state, order, scratch);
            const auto fromState =
                planMergeFromState(e.replica(b).state, e.replica(a).state, order);
            QCOMPARE(fromLog.size(), fromState.size());
            for (size_t i = 0; i < fromLog.size(); ++i)
                QVERIFY(fromLog[i].sameWrite(fromState[i]));
        }
        // Commutative in effect: A.MERGE(B) leaves A as B.MERGE(A) leaves B.
        {
            Engine e1 = e, e2 = e;
            e1.merge(a, b);
            e2.merge(b, a);
            QVERIFY(sameStates(e1.replica(a).state, e2.replica(b).state));
        }
        // Associative: (A ⊔ B) ⊔ C == A ⊔ (B ⊔ C).
        {
            Engine e1 = e, e2 = e;
            e1.merge(a, b);
            e1.merge(a, third);
            e2.merge(b, third);
            e2.merge(a, b);
            QVERIFY(sameStates(e1.replica(a).state, e2.replica(a).state));
        }
        // Idempotent: a second identical merge changes nothing and appends nothing.
        {
            Engine e1 = e;
            e1.merge(a, b);
            const StoreState after = e1.replica(a).state;
            const size_t logSize = e1.replica(a).log.size();
            QCOMPARE(e1.merge(a, b), size_t(0));
            QCOMPARE(e1.replica(a).log.size(), logSize);
            QVERIFY(e1.replica(a).state == after);
        }
        // FULL_SYNC converges to the join of every state, and a second one appends nothing.
        {
            Engine e1 = e;
            StoreState join;
            for (size_t s = 0; s < e1.replicaCount(); ++s)
                for (KeyId k : e1.replica(s).state.keys())
                    join.apply(e1.replica(s).state.at(k), order);
            std::vector<size_t> all;
            for (size_t s = 0; s < e1.replicaCount(); ++s)
                all.push_back(s);
            e1.fullSync(all);
            for (size_t s : all)
                QVERIFY(e1.replica(s).state == join);
            QCOMPARE(e1.fullSync(all), size_t(0));
        }
        for (size_t s = 0; s < e.replicaCount(); ++s)
            for (KeyId k : e.replica(s).state.keys())
                for (size_t o = 0; o < e.replicaCount(); ++o)
                    if (o != s && e.replica(o).state.has(k) &&
                        e.replica(o).state.at(k).ts == e.replica(s).state.at(k).ts &&
                        e.replica(o).state.at(k).origin != e.replica(s).state.at(k).origin)
                        ++ties;
    }
    qInfo("%d histories, %d merges, %d full syncs, %d cross-store timestamp ties", histories,
          merges, syncs, ties);
    QVERIFY(ties > 1000);         // the generator really exercises the origin tie-break
    QVERIFY(trimmedAway > 10000); // and trimming really happened
}

void TestEngine::countersStartPastCopiesHeldElsewhere() {
    // A's oplog ends at A:2, but B holds a copy of A:5 (a crash under an earlier version lost
    // A's own entry): A's next write must not be given seq 3, 4 or 5 (docs/crash-safety.md).
    Catalog catalog;
    Engine engine(catalog);
    engine.addReplica("A");
    engine.addReplica("B");
    const KeyId k = catalog.internKey("SID1", "CSE1");
    const ValueId v = catalog.internValue("A");
    const NameId a = catalog.names().intern("A");
    for (uint64_t seq : {1u, 2u})
        engine.restore(0, OplogEntry{Write{int64_t(seq), seq, k, v, a, 0}, EntryKind::Set, true});
    engine.restore(1, OplogEntry{Write{9, 5, k, v, a, 0}, EntryKind::Set, true});
    QCOMPARE(engine.set(0, k, v, 10).write.seq, uint64_t(6));
    // B's own counter is untouched by copies of A's writes.
    QCOMPARE(engine.set(1, k, v, 11).write.seq, uint64_t(1));
}

QTEST_APPLESS_MAIN(TestEngine)
#include "tst_engine.moc"

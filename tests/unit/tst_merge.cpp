// The merge planner and its strategies: the plan is what gets applied, LWW plans are
// docs/script-language.md's merges entry for entry, decisions become writes that beat everything
// and have seen every write they settle, a canceled apply completes on a second run without
// duplicates, and the property checker finds what each strategy breaks.
#include "auditmodel.h"
#include "conflicts.h"
#include "engine.h"
#include "manualdecisionmodel.h"
#include "mergeplanner.h"
#include "mergepreviewmodel.h"
#include "mergeproperties.h"
#include "mergerequestjson.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include <random>

using namespace syncscope;

namespace {

struct Lab {
    Catalog catalog;
    Engine engine{catalog};
    Lab() {
        for (const char* s : {"HIVE", "MONGO", "SQL"})
            engine.addReplica(s);
    }
    KeyId key(const char* sid) { return catalog.internKey(sid, "CSE016"); }
    void set(size_t r, const char* sid, int64_t ts, const char* v) {
        engine.set(r, key(sid), catalog.internValue(v), ts);
    }
    std::string valueAt(const Engine& e, size_t r, const char* sid) const {
        const Write& w = e.replica(r).state.at(catalog.findKey(sid, "CSE016"));
        return w.isNone() || w.isTombstone() ? std::string("-")
                                             : std::string(catalog.value(w.value));
    }
};

MergeRequest mergeInto(size_t target, std::vector<size_t> sources,
                       MergeStrategy s = MergeStrategy::LastWriterWins) {
    MergeRequest r;
    r.targets = {target};
    r.sources = std::move(sources);
    r.strategy = s;
    return r;
}

// A random history over the lab's three stores and a handful of keys.
void randomHistory(Lab& lab, std::mt19937_64& rng, int ops) {
    static const char* const kSids[] = {"S1", "S2", "S3", "S4", "S5"};
    static const char* const kGrades[] = {"A", "B+", "C", "F", "zz"};
    for (int i = 0; i < ops; ++i) {
        const size_t r = rng() % 3;
        const char* sid = kSids[rng() % 5];
        const int64_t ts = 1 + static_cast<int64_t>(rng() % 20);
        switch (rng() % 5) {
        case 0:
            lab.engine.remove(r, lab.key(sid), ts);
            break;
        case 1:
            lab.engine.merge(r, (r + 1 + rng() % 2) % 3);
            break;
        default:
            lab.set(r, sid, ts, kGrades[rng() % 5]);
        }
    }
}

MergeRequest randomRequest(std::mt19937_64& rng) {
    MergeRequest r;
    r.strategy = static_cast<MergeStrategy>(rng() % kMergeStrategies);
    r.priority = {2, 0, 1};
    if (!strategyNeedsRoles(r.strategy) && rng() % 3 == 0) {
        r.fullSync = true;
        r.targets = {1, 2, 0};
        return r;
    }
    const size_t t = rng() % 3;
    r.targets = {t};
    r.sources = {(t + 1) % 3};
    if (rng() % 2)
        r.sources.push_back((t + 2) % 3);
    else if (rng() % 2)
        r.targets.push_back((t + 2) % 3);
    return r;
}

// Random manual choices for some of the keys the plan leaves undecided or settles.
ManualChoices randomChoices(const Lab& lab, const MergePlan& draft, std::mt19937_64& rng) {
    ManualChoices choices;
    std::vector<KeyId> keys = draft.undecided;
    for (const PlannedWrite& w : draft.writes)
        keys.push_back(w.key);
    for (KeyId k : keys) {
        if (draft.request.strategy != MergeStrategy::Manual && rng() % 3 != 0)
            continue;
        ManualChoice c;
        c.kind = static_cast<ManualChoice::Kind>(rng() % 3);
        c.store = rng() % 3;
        c.value = rng() % 4 == 0 ? kTombstone : const_cast<Catalog&>(lab.catalog).internValue("W");
        c.note = "picked in a test";
        choices[k] = c;
    }
    return choices;
}

} // namespace

class TestMerge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gradesRankLettersFirst();
    void requestsThatMakeNoSenseAreRefused();
    void lwwPlanIsTheEnginesMerge();
    void lwwFullSyncPlanIsTheEnginesFullSync();
    void strategiesPickTheirValue();
    void decisionBeatsEveryWriteAndHasSeenThem();
    void fullSyncDecisionIsOneWriteEverywhere();
    void manualLeavesConcurrentKeysUndecided();
    void planIsWhatGetsAppliedOnRandomHistories();
    void canceledApplyCompletesWithoutDuplicates();
    void staleWritesAreSkipped();
    void propertyCheckerFindsCounterExamples();
    void previewModelsShowThePlan();
    void requestsRoundTripThroughTheAuditRecord();
};

void TestMerge::gradesRankLettersFirst() {
    QVERIFY(compareGrades("A+", "A") > 0);
    QVERIFY(compareGrades("A-", "B+") > 0);
    QVERIFY(compareGrades("D-", "F") > 0);
    QVERIFY(compareGrades("F", "95") > 0); // a letter grade beats any other value
    QVERIFY(compareGrades("b", "B") == 0);
    QVERIFY(compareGrades("95", "87") > 0);
    QVERIFY(compareGrades("AB", "A") < 0); // not a letter grade
    MergeStrategy s{};
    for (size_t i = 0; i < kMergeStrategies; ++i) {
        QVERIFY(parseMergeStrategy(mergeStrategyId(static_cast<MergeStrategy>(i)), s));
        QCOMPARE(static_cast<size_t>(s), i);
    }
    QVERIFY(!parseMergeStrategy("newest", s));
}

void TestMerge::requestsThatMakeNoSenseAreRefused() {
    Lab lab;
    QVERIFY(!planMerge(lab.engine, MergeRequest{}).ok());
    QVERIFY(!planMerge(lab.engine, mergeInto(0, {})).ok());
    const MergePlan self = planMerge(lab.engine, mergeInto(0, {1, 0}));
    QVERIFY(!self.ok());
    QVERIFY(self.problem.find("HIVE") != std::string::npos);
    MergeRequest sync;
    sync.fullSync = true;
    sync.targets = {0, 1};
    sync.strategy = MergeStrategy::SourceWins;
    const MergePlan refused = planMerge(lab.engine, sync);
    QVERIFY(refused.problem.find("FULL_SYNC") != std::string::npos);
    QVERIFY(!applyWholePlan(lab.engine, refused));
}

void TestMerge::lwwPlanIsTheEnginesMerge() {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 300; ++trial) {
        Lab lab;
        randomHistory(lab, rng, 12);
        Engine viaPlan = lab.engine;
        Engine viaMerge = lab.engine;
        QVERIFY(applyWholePlan(viaPlan, planMerge(viaPlan, mergeInto(0, {2}))));
        viaMerge.merge(0, 2);
        QVERIFY(viaPlan.replica(0).state == viaMerge.replica(0).state);
        const Oplog& a = viaPlan.replica(0).log;
        const Oplog& b = viaMerge.replica(0).log;
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY(a[i].write.sameWrite(b[i].write) && a[i].kind == b[i].kind);
        // The finished plan counts as a merge: the next one reads only what is new.
        QVERIFY(planMerge(viaPlan, mergeInto(0, {2})).writes.empty());
    }
}

void TestMerge::lwwFullSyncPlanIsTheEnginesFullSync() {
    std::mt19937_64 rng(8);
    for (int trial = 0; trial < 300; ++trial) {
        Lab lab;
        randomHistory(lab, rng, 12);
        Engine viaPlan = lab.engine;
        Engine viaSync = lab.engine;
        MergeRequest r;
        r.fullSync = true;
        r.targets = {0, 1, 2};
        QVERIFY(applyWholePlan(viaPlan, planMerge(viaPlan, r)));
        const size_t all[] = {0, 1, 2};
        viaSync.fullSync(all);
        for (size_t s = 0; s < 3; ++s) {
            QVERIFY(viaPlan.replica(s).state == viaSync.replica(s).state);
            QCOMPARE(viaPlan.replica(s).log.size(), viaSync.replica(s).log.size());
        }
    }
}

void TestMerge::strategiesPickTheirValue() {
    Lab lab; // HIVE = 0, MONGO = 1, SQL = 2
    lab.set(0, "S1", 5, "B");
    lab.set(2, "S1", 3, "A");
    lab.set(1, "S1", 4, "C");
    const auto outcome = [&](MergeStrategy s) {
        MergeRequest r = mergeInto(0, {2, 1}, s);
        r.priority = {1, 2, 0};
        Engine e = lab.engine;
        const MergePlan plan = planMerge(e, r);
        if (!applyWholePlan(e, plan))
            return std::string("not applied");
        return lab.valueAt(e, 0, "S1");
    };
    QCOMPARE(outcome(MergeStrategy::LastWriterWins), std::string("B"));
    QCOMPARE(outcome(MergeStrategy::TargetWins), std::string("B"));
    QCOMPARE(outcome(MergeStrategy::SourceWins), std::string("C"));    // the greatest source write
    QCOMPARE(outcome(MergeStrategy::StorePriority), std::string("C")); // MONGO first
    QCOMPARE(outcome(MergeStrategy::HighestGrade), std::string("A"));
    QCOMPARE(outcome(MergeStrategy::Manual), std::string("not applied")); // S1 is concurrent

    // A strategy picking what LWW keeps anyway adopts that write: no new write.
    const MergePlan lww = planMerge(lab.engine, mergeInto(2, {0}, MergeStrategy::SourceWins));
    QCOMPARE(lww.writes.size(), size_t(1));
    QVERIFY(!lww.writes[0].decision);
    QCOMPARE(lww.writes[0].after.ts, int64_t(5));
    QCOMPARE(lww.writes[0].kind, ConflictKind::Concurrent);
}

void TestMerge::decisionBeatsEveryWriteAndHasSeenThem() {
    Lab lab;
    lab.set(0, "S1", 5, "B");
    lab.set(2, "S1", 3, "A");
    lab.set(1, "S1", 9, "C"); // not a participant, but its write is still beaten
    const MergePlan plan = planMerge(lab.engine, mergeInto(0, {2}, MergeStrategy::HighestGrade));
    QCOMPARE(plan.writes.size(), size_t(1));
    const PlannedWrite& pw = plan.writes[0];
    QVERIFY(pw.decision);
    QCOMPARE(pw.reason, DecisionReason::HighestGrade);
    QCOMPARE(pw.picked, 2);
    QCOMPARE(pw.after.ts, int64_t(10));
    QCOMPARE(pw.after.origin, lab.engine.replica(0).nameId);
    QVERIFY(applyWholePlan(lab.engine, plan));
    const Write& made = lab.engine.replica(0).state.at(pw.key);
    QCOMPARE(made.seq, uint64_t(2)); // HIVE's second local write
    QCOMPARE(lab.engine.replica(0).log.back().kind, EntryKind::Set);
    // It has seen SQL's write: merging HIVE into SQL is a fast-forward, nothing is discarded.
    const StoreState* states[] = {&lab.engine.replica(0).state, &lab.engine.replica(2).state};
    const KeyConflict c = classifyKey(pw.key, states, lab.catalog.contexts(), lab.catalog.order());
    QCOMPARE(c.kind, ConflictKind::FastForward);
    // Idempotent: planning again writes nothing.
    QVERIFY(planMerge(lab.engine, mergeInto(0, {2}, MergeStrategy::HighestGrade)).writes.empty());
}

void TestMerge::fullSyncDecisionIsOneWriteEverywhere() {
    Lab lab;
    lab.set(0, "S1", 5, "B");
    lab.set(1, "S1", 3, "A");
    lab.set(2, "S1", 4, "C");
    MergeRequest r;
    r.fullSync = true;
    r.targets = {2, 0, 1};
    r.strategy = MergeStrategy::HighestGrade;
    const MergePlan plan = planMerge(lab.engine, r);
    QCOMPARE(plan.writes.size(), size_t(3));
    QVERIFY(plan.batchEnd(0, 1) == 3); // a batch never splits the group
    QVERIFY(applyWholePlan(lab.engine, plan));
    const KeyId k = lab.catalog.findKey("S1", "CSE016");
    const Write& w = lab.engine.replica(2).state.at(k);
    QCOMPARE(lab.catalog.names().view(w.origin), std::string_view("SQL")); // the first target
    for (size_t s = 0; s < 3; ++s)
        QVERIFY(lab.engine.replica(s).state.at(k).sameWrite(w));
    QCOMPARE(lab.valueAt(lab.engine, 1, "S1"), std::string("A"));
}

void TestMerge::manualLeavesConcurrentKeysUndecided() {
    Lab lab;
    lab.set(0, "S1", 5, "B");
    lab.set(2, "S1", 3, "A");
    lab.set(2, "S2", 3, "A"); // missing in HIVE: not a conflict, merged as LWW
    const MergeRequest r = mergeInto(0, {2}, MergeStrategy::Manual);
    const MergePlan draft = planMerge(lab.engine, r);
    QCOMPARE(draft.undecided.size(), size_t(1));
    QCOMPARE(draft.writes.size(), size_t(1));
    QVERIFY(!draft.canApply());

    ManualChoices choices;
    choices[draft.undecided[0]] = ManualChoice{ManualChoice::Kind::TypeValue, 0,
                                               lab.catalog.internValue("A-"), "regrade agreed"};
    const MergePlan decided = planMerge(lab.engine, r, choices);
    QVERIFY(decided.canApply());
    QCOMPARE(decided.writes.size(), size_t(2));
    QVERIFY(applyWholePlan(lab.engine, decided));
    QCOMPARE(lab.valueAt(lab.engine, 0, "S1"), std::string("A-"));
    QCOMPARE(lab.valueAt(lab.engine, 0, "S2"), std::string("A"));

    // Keeping a target that never had the key keeps it absent, durably.
    Lab other;
    other.set(2, "S1", 3, "A");
    ManualChoices keep;
    keep[other.key("S1")] = ManualChoice{ManualChoice::Kind::KeepTarget, 0, kTombstone, ""};
    QVERIFY(applyWholePlan(other.engine, planMerge(other.engine, mergeInto(0, {2}), keep)));
    QCOMPARE(other.valueAt(other.engine, 0, "S1"), std::string("-"));
    QVERIFY(other.engine.replica(0).state.at(other.key("S1")).isTombstone());
    QVERIFY(planMerge(other.engine, mergeInto(0, {2})).writes.empty());
}

void TestMerge::planIsWhatGetsAppliedOnRandomHistories() {
    std::mt19937_64 rng(11);
    int decisions = 0;
    for (int trial = 0; trial < 1500; ++trial) {
        Lab lab;
        randomHistory(lab, rng, 14);
        const MergeRequest r = randomRequest(rng);
        const ManualChoices choices = randomChoices(lab, planMerge(lab.engine, r), rng);
        const MergePlan plan = planMerge(lab.engine, r, choices);
        QVERIFY(plan.ok());
        if (!plan.canApply())
            continue;
        Engine e = lab.engine;
        QVERIFY(applyWholePlan(e, plan));
        // Every planned write is what its target holds now; every other key is untouched.
        std::vector<std::vector<bool>> planned(3, std::vector<bool>(lab.catalog.keyCount()));
        for (const PlannedWrite& pw : plan.writes) {
            const size_t t = r.targets[pw.target];
            planned[t][pw.key] = true;
            const Write& now = e.replica(t).state.at(pw.key);
            QCOMPARE(now.value, pw.after.value);
            QCOMPARE(now.ts, pw.after.ts);
            QCOMPARE(now.origin, pw.after.origin);
            if (!pw.decision)
                QCOMPARE(now.seq, pw.after.seq);
            decisions += pw.decision ? 1 : 0;
        }
        for (size_t s = 0; s < 3; ++s)
            for (KeyId k = 0; k < lab.catalog.keyCount(); ++k)
                if (!planned[s][k])
                    QVERIFY(e.replica(s).state.at(k).sameWrite(lab.engine.replica(s).state.at(k)) ||
                            (e.replica(s).state.at(k).isNone() &&
                             lab.engine.replica(s).state.at(k).isNone()));
        // Idempotent: the same request and choices again plan nothing.
        QVERIFY(planMerge(e, r, choices).writes.empty());
    }
    QVERIFY(decisions > 200); // the random requests really exercise decisions
}

void TestMerge::canceledApplyCompletesWithoutDuplicates() {
    std::mt19937_64 rng(12);
    for (int trial = 0; trial < 300; ++trial) {
        Lab lab;
        randomHistory(lab, rng, 20);
        MergeRequest r = randomRequest(rng);
        if (r.strategy == MergeStrategy::Manual)
            r.strategy = MergeStrategy::HighestGrade;
        const MergePlan plan = planMerge(lab.engine, r);
        Engine whole = lab.engine;
        QVERIFY(applyWholePlan(whole, plan));

        Engine canceled = lab.engine;
        const size_t stop = plan.batchEnd(0, plan.writes.size() / 2);
        QCOMPARE(canceled.applyPlanned(plan, 0, stop).skipped, size_t(0));
        const MergePlan rest = planMerge(canceled, r);
        QCOMPARE(rest.writes.size(), plan.writes.size() - stop);
        QVERIFY(applyWholePlan(canceled, rest));
        for (size_t s = 0; s < 3; ++s) {
            QCOMPARE(canceled.replica(s).log.size(), whole.replica(s).log.size());
            for (KeyId k = 0; k < lab.catalog.keyCount(); ++k) {
                const Write& a = canceled.replica(s).state.at(k);
                const Write& b = whole.replica(s).state.at(k);
                // A decision made on the second run may carry a later timestamp (the first
                // run's decisions raised the key's greatest one); the values are the same.
                QCOMPARE(a.value, b.value);
            }
        }
    }
}

void TestMerge::staleWritesAreSkipped() {
    Lab lab;
    lab.set(0, "S1", 5, "B");
    lab.set(2, "S1", 3, "A");
    const MergePlan plan = planMerge(lab.engine, mergeInto(2, {0}));
    lab.set(2, "S1", 8, "C"); // the target changed after the plan was made
    const Engine::PlanProgress p = lab.engine.applyPlanned(plan, 0, plan.writes.size());
    QCOMPARE(p.skipped, size_t(1));
    QCOMPARE(p.appended, size_t(0));
    QCOMPARE(lab.valueAt(lab.engine, 2, "S1"), std::string("C"));
}

void TestMerge::propertyCheckerFindsCounterExamples() {
    const auto verdicts = [](MergeStrategy s) { return checkMergeProperties(s, 300, 3); };
    for (const PropertyVerdict& v : verdicts(MergeStrategy::LastWriterWins)) {
        QVERIFY2(v.held, v.counterExample.c_str());
        QCOMPARE(v.trials, size_t(300));
    }
    const std::vector<PropertyVerdict> source = verdicts(MergeStrategy::SourceWins);
    QVERIFY(!source[0].held); // not commutative: A takes B's value, B takes A's
    QVERIFY(source[0].counterExample.find("A.MERGE(B) leaves A with") != std::string::npos);
    QVERIFY(source[0].counterExample.find("history:\n") == 0);
    QVERIFY(source[2].held); // a second identical merge writes nothing
    QVERIFY(!verdicts(MergeStrategy::SourceWins)[3].held); // gossip can chase its tail
    for (const PropertyVerdict& v : verdicts(MergeStrategy::HighestGrade))
        QVERIFY2(v.held, v.counterExample.c_str());
}

void TestMerge::previewModelsShowThePlan() {
    Lab lab;
    lab.set(0, "S1", 5, "B");
    lab.set(2, "S1", 3, "A");
    lab.set(2, "S2", 4, "C");
    const MergePlan plan = planMerge(lab.engine, mergeInto(0, {2}, MergeStrategy::HighestGrade));
    auto preview = std::make_shared<const MergePreview>(MergePreview::capture(lab.engine, plan));
    QCOMPARE(preview->totalWrites(), size_t(2));
    QCOMPARE(preview->decisions(), size_t(1));
    QCOMPARE(preview->decisionKeys().size(), size_t(1)); // S1 is concurrent, S2 only missing

    MergePreviewModel model;
    QAbstractItemModelTester previewTester(&model,
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPreview(preview);
    QCOMPARE(model.rowCount(), 2);
    QStringList after;
    for (int r = 0; r < model.rowCount(); ++r)
        after << model.index(r, MergePreviewModel::After).data().toString();
    QVERIFY2(after.contains(QStringLiteral("C @t=4 (SQL)")), qPrintable(after.join(u'|')));
    QVERIFY2(after.contains(QStringLiteral("new write A @t=6 (HIVE)")),
             qPrintable(after.join(u'|')));
    const int decisionRow =
        static_cast<int>(after.indexOf(QStringLiteral("new write A @t=6 (HIVE)")));
    QVERIFY(model.index(decisionRow, 0).data(MergePreviewModel::DecisionRole).toBool());
    QVERIFY(model.index(decisionRow, MergePreviewModel::Why)
                .data()
                .toString()
                .contains(QStringLiteral("LWW alone would keep B @t=5 (HIVE)")));

    ManualDecisionModel decisions;
    QAbstractItemModelTester decisionTester(&decisions,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    decisions.setPreview(preview);
    QCOMPARE(decisions.columnCount(), 2 + 2 + 2);
    QCOMPARE(decisions.headerData(2, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("HIVE"));
    ManualPicks picks;
    picks[{QStringLiteral("S1"), QStringLiteral("CSE016")}] =
        ManualPick{ManualChoice::Kind::TakeStore, 2, {}, QStringLiteral("registrar")};
    decisions.setPicks(picks);
    QCOMPARE(decisions.index(0, 4).data().toString(), QStringLiteral("take SQL's"));
    QCOMPARE(decisions.index(0, 5).data().toString(), QStringLiteral("registrar"));

    AuditModel audit;
    QAbstractItemModelTester auditTester(&audit,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    AuditEntry e;
    e.id = 1;
    e.kind = QStringLiteral("key");
    e.after = QStringLiteral("A");
    audit.setEntries({e});
    QCOMPARE(audit.index(0, AuditModel::Before).data().toString(), QStringLiteral("(absent)"));
    QCOMPARE(audit.index(0, AuditModel::After).data().toString(), QStringLiteral("A"));
}

void TestMerge::requestsRoundTripThroughTheAuditRecord() {
    const QStringList names{QStringLiteral("SQL"), QStringLiteral("HIVE"), QStringLiteral("MONGO")};
    MergeRequest r = mergeInto(0, {2, 1}, MergeStrategy::StorePriority);
    r.priority = {2, 0, 1};
    ManualPicks picks;
    picks[{QStringLiteral("S1"), QStringLiteral("C1")}] =
        ManualPick{ManualChoice::Kind::TypeValue, 0, QString(), QStringLiteral("delete \"it\"")};
    picks[{QStringLiteral("S2"), QStringLiteral("C1")}] =
        ManualPick{ManualChoice::Kind::TakeStore, 1, {}, {}};
    const QString json = mergeRequestToJson(r, picks, names);
    MergeRequest back;
    ManualPicks backPicks;
    QCOMPARE(mergeRequestFromJson(json, names, back, backPicks), QString());
    QCOMPARE(back.targets, r.targets);
    QCOMPARE(back.sources, r.sources);
    QCOMPARE(back.priority, r.priority);
    QCOMPARE(back.strategy, r.strategy);
    QVERIFY(backPicks == picks);
    QVERIFY(backPicks.begin()->second.value.isNull()); // a delete stays a delete
    QVERIFY(mergeRequestFromJson(json, {QStringLiteral("SQL")}, back, backPicks)
                .contains(QStringLiteral("not in this workspace")));
    QVERIFY(!mergeRequestFromJson(QStringLiteral("{"), names, back, backPicks).isEmpty());
}

QTEST_APPLESS_MAIN(TestMerge)
#include "tst_merge.moc"

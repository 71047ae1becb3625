// The property lab: a hand-made conflict under each strategy (which properties hold, the
// counter-examples, the states side by side), the lab's refusals, and random histories where
// every order the lab reports is replayed on the whole engine (not the lab's copy restricted to
// the keys the stores disagree on) and must end in the states the lab shows.
#include "labsteps.h"
#include "mergeplanner.h"
#include "propertylab.h"
#include "propertylabmodels.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include <random>

using namespace syncscope;

namespace {

using State = LabVerdict::State;

const LabVerdict& verdictOf(const LabStrategyResult& r, LabProperty p) {
    return r.verdicts[static_cast<size_t>(p)];
}

PropertyLabReport labOf(const Engine& e, std::vector<size_t> stores, std::vector<LabStep> steps,
                        std::vector<MergeStrategy> strategies) {
    std::string problem;
    auto history = extractLabHistory(e, stores, problem);
    if (!history)
        qFatal("lab refused: %s", problem.c_str());
    return runPropertyLab(*history, steps, strategies);
}

} // namespace

class TestPropertyLab : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void labMergeLinesBindToTheRunsStores();
    void labMergeLinesThatAreNotMergesAreNamed();
    void oneConflictUnderEachStrategy();
    void threeStoresAndAFullSync();
    void refusals();
    void randomHistoriesReplayOnTheWholeEngine();
    void modelsShowVerdictsAndStatesSideBySide();
};

void TestPropertyLab::oneConflictUnderEachStrategy() {
    Catalog c;
    Engine e(c);
    const size_t sql = e.addReplica("SQL"), hive = e.addReplica("HIVE");
    const KeyId agreed = c.internKey("SID0", "C1"), k = c.internKey("SID1", "C1");
    e.set(sql, agreed, c.internValue("C"), 1);
    e.merge(hive, sql); // both hold the same write: not in the lab
    e.set(sql, k, c.internValue("B"), 3);
    e.set(hive, k, c.internValue("A"), 5);

    const std::vector<LabStep> steps{{false, 0, 1}, {false, 1, 0}};
    const PropertyLabReport lab = labOf(e, {sql, hive}, steps,
                                        {MergeStrategy::LastWriterWins, MergeStrategy::SourceWins,
                                         MergeStrategy::TargetWins, MergeStrategy::HighestGrade});
    QVERIFY2(lab.problem.empty(), lab.problem.c_str());
    QCOMPARE(lab.differingKeys, size_t(1));
    QCOMPARE(lab.labKeys, size_t(1));
    QCOMPARE(lab.orders, size_t(2));
    QCOMPARE(lab.steps, (std::vector<std::string>{"SQL.MERGE(HIVE)", "HIVE.MERGE(SQL)"}));
    QCOMPARE(lab.listedKeys.size(), size_t(1));
    QCOMPARE(lab.listedKeys[0].first, std::string("SID1"));

    // LWW: HIVE's t=5 wins in every order; everything holds.
    const LabStrategyResult& lww = lab.strategies[0];
    QCOMPARE(lww.outcomes.size(), size_t(1));
    QCOMPARE(lww.outcomes[0].cells, (std::vector<std::string>{"A", "A"}));
    QCOMPARE(lww.outcomes[0].orders.size(), size_t(2));
    for (size_t p = 0; p < kLabProperties; ++p)
        QVERIFY2(lww.verdicts[p].state == State::Held, lww.verdicts[p].why.c_str());

    // Source wins: each store takes the other's value, so the first merge decides and the
    // order matters; either order still converges.
    const LabStrategyResult& source = lab.strategies[1];
    QCOMPARE(source.outcomes.size(), size_t(2));
    QCOMPARE(source.outcomes[0].cells, (std::vector<std::string>{"A", "A"}));
    QCOMPARE(source.outcomes[1].cells, (std::vector<std::string>{"B", "B"}));
    QCOMPARE(verdictOf(source, LabProperty::Commutative).state, State::Failed);
    QCOMPARE(verdictOf(source, LabProperty::Commutative).why,
             std::string("SQL.MERGE(HIVE) leaves SQL with A for (SID1,C1), but HIVE.MERGE(SQL) "
                         "leaves HIVE with B"));
    QCOMPARE(verdictOf(source, LabProperty::OrderFree).state, State::Failed);
    QCOMPARE(verdictOf(source, LabProperty::OrderFree).why,
             std::string("SQL.MERGE(HIVE), then HIVE.MERGE(SQL) leaves SQL with A for (SID1,C1), "
                         "but HIVE.MERGE(SQL), then SQL.MERGE(HIVE) leaves it with B"));
    QCOMPARE(verdictOf(source, LabProperty::Convergent).state, State::Held);

    // Target wins: each keeps its own; the stores never converge.
    const LabStrategyResult& target = lab.strategies[2];
    QCOMPARE(target.outcomes.size(), size_t(1));
    QCOMPARE(target.outcomes[0].cells, (std::vector<std::string>{"B", "A"}));
    QCOMPARE(verdictOf(target, LabProperty::Convergent).state, State::Failed);
    QVERIFY(verdictOf(target, LabProperty::Convergent)
                .why.find("SQL holds B for (SID1,C1) and "
                          "HIVE holds A") != std::string::npos);

    // Keeping its own value is a decision, a new write that beats the other's; the other then
    // keeps its own the same way, so every round writes again.
    QCOMPARE(verdictOf(target, LabProperty::Idempotent).why,
             std::string("after SQL.MERGE(HIVE), then HIVE.MERGE(SQL), running SQL.MERGE(HIVE) "
                         "again still writes 1 key(s)"));
    QCOMPARE(verdictOf(source, LabProperty::Idempotent).state, State::Held);

    // Highest grade: A beats B whoever wrote last.
    const LabStrategyResult& grade = lab.strategies[3];
    QCOMPARE(grade.outcomes.size(), size_t(1));
    QCOMPARE(grade.outcomes[0].cells, (std::vector<std::string>{"A", "A"}));
    QCOMPARE(verdictOf(grade, LabProperty::Idempotent).state, State::Held);
}

void TestPropertyLab::threeStoresAndAFullSync() {
    Catalog c;
    Engine e(c);
    const size_t sql = e.addReplica("SQL"), hive = e.addReplica("HIVE"),
                 mongo = e.addReplica("MONGO");
    const KeyId k = c.internKey("SID1", "C1"), gone = c.internKey("SID2", "C1");
    e.set(sql, k, c.internValue("B"), 3);
    e.set(hive, k, c.internValue("A"), 5);
    e.set(mongo, gone, c.internValue("C"), 2);
    e.remove(sql, gone, 4);

    // Merging two of three stores leaves the third apart.
    const PropertyLabReport pair =
        labOf(e, {sql, hive, mongo}, {{false, 0, 1}}, {MergeStrategy::LastWriterWins});
    QCOMPARE(pair.differingKeys, size_t(2));
    QCOMPARE(verdictOf(pair.strategies[0], LabProperty::Convergent).state, State::Failed);
    QCOMPARE(pair.strategies[0].outcomes[0].cells,
             (std::vector<std::string>{"A", "A", "", "deleted", "", "C"}));

    // A FULL_SYNC converges under LWW and store priority, and has no roles to swap.
    const std::vector<LabStep> sync{{true, 0, 0}, {false, 2, 0}};
    const PropertyLabReport lab = labOf(
        e, {sql, hive, mongo}, sync,
        {MergeStrategy::LastWriterWins, MergeStrategy::StorePriority, MergeStrategy::SourceWins});
    QCOMPARE(lab.steps, (std::vector<std::string>{"FULL_SYNC", "MONGO.MERGE(SQL)"}));
    for (size_t s = 0; s < 2; ++s) {
        QCOMPARE(verdictOf(lab.strategies[s], LabProperty::Convergent).state, State::Held);
        QCOMPARE(verdictOf(lab.strategies[s], LabProperty::Idempotent).state, State::Held);
    }
    QCOMPARE(lab.strategies[0].outcomes[0].cells,
             (std::vector<std::string>{"A", "A", "A", "deleted", "deleted", "deleted"}));
    // Store priority trusts SQL first: its B and its delete win everywhere.
    QCOMPARE(lab.strategies[1].outcomes[0].cells,
             (std::vector<std::string>{"B", "B", "B", "deleted", "deleted", "deleted"}));
    const LabStrategyResult& source = lab.strategies[2];
    QVERIFY(!source.problem.empty());
    QVERIFY(source.outcomes.empty());
    QCOMPARE(verdictOf(source, LabProperty::OrderFree).state, State::NotTested);
}

void TestPropertyLab::refusals() {
    Catalog c;
    Engine e(c);
    const size_t sql = e.addReplica("SQL"), hive = e.addReplica("HIVE");
    e.set(sql, c.internKey("SID1", "C1"), c.internValue("A"), 1);
    e.set(hive, c.internKey("SID2", "C1"), c.internValue("B"), 1);
    std::string problem;
    const std::vector<size_t> one{sql};
    QVERIFY(!extractLabHistory(e, one, problem));
    QCOMPARE(problem, std::string("choose at least two stores"));

    // At most maxKeys keys, the first in key order; the count says how many there were.
    const std::vector<size_t> both{sql, hive};
    auto history = extractLabHistory(e, both, problem, 1);
    QVERIFY(history);
    QCOMPARE(history->differingKeys, size_t(2));
    QCOMPARE(history->keys.size(), size_t(1));
    QCOMPARE(history->catalog.studentId(history->keys[0]), std::string_view("SID1"));

    const std::vector<LabStep> none;
    QCOMPARE(runPropertyLab(*history, none, {}).problem,
             std::string("choose between 1 and 6 merges"));
    const std::vector<LabStep> self{{false, 1, 1}};
    QCOMPARE(runPropertyLab(*history, self, {}).problem,
             std::string("a merge needs two different stores of the lab"));

    // An engine that trimmed a log cannot be replayed.
    Catalog tc;
    Engine trimmed(tc);
    const size_t a = trimmed.addReplica("A"), b = trimmed.addReplica("B");
    for (int i = 0; i < 8; ++i)
        trimmed.set(a, tc.internKey("SID" + std::to_string(i), "C1"), tc.internValue("A"), i + 1);
    trimmed.merge(b, a);
    const std::vector<size_t> keepFrom{trimmed.replica(a).logEnd(), trimmed.replica(b).logEnd()};
    trimmed.trim(keepFrom, 1);
    QVERIFY(trimmed.replica(a).logBase > 0);
    const std::vector<size_t> ab{a, b};
    QVERIFY(!extractLabHistory(trimmed, ab, problem));
    QCOMPARE(problem, std::string("A's oplog was trimmed: the lab needs its whole history"));
}

void TestPropertyLab::randomHistoriesReplayOnTheWholeEngine() {
    std::mt19937_64 rng(7);
    const std::vector<MergeStrategy> strategies{
        MergeStrategy::LastWriterWins, MergeStrategy::SourceWins, MergeStrategy::TargetWins,
        MergeStrategy::StorePriority, MergeStrategy::HighestGrade};
    const std::vector<std::string> grades{"A", "B", "C", "F"};
    size_t compared = 0;
    for (int trial = 0; trial < 60; ++trial) {
        Catalog c;
        Engine e(c);
        for (const char* name : {"SQL", "HIVE", "MONGO"})
            e.addReplica(name);
        for (int op = 0; op < 25; ++op) {
            const size_t r = rng() % 3;
            const KeyId k = c.internKey("SID" + std::to_string(rng() % 6), "C1");
            const int64_t ts = 1 + static_cast<int64_t>(rng() % 12);
            const unsigned what = static_cast<unsigned>(rng() % 7);
            if (what < 4)
                e.set(r, k, c.internValue(grades[rng() % grades.size()]), ts);
            else if (what == 4)
                e.remove(r, k, ts);
            else
                e.merge(r, (r + 1 + rng() % 2) % 3);
        }
        std::vector<LabStep> steps;
        const size_t count = 1 + rng() % 3;
        for (size_t i = 0; i < count; ++i) {
            if (rng() % 5 == 0) {
                steps.push_back({true, 0, 0});
                continue;
            }
            const size_t t = rng() % 3;
            steps.push_back({false, t, (t + 1 + rng() % 2) % 3});
        }
        const std::vector<size_t> stores{0, 1, 2};
        std::string problem;
        auto history = extractLabHistory(e, stores, problem);
        QVERIFY2(history, problem.c_str());
        const PropertyLabReport lab = runPropertyLab(*history, steps, strategies);
        QVERIFY2(lab.problem.empty(), lab.problem.c_str());

        for (const LabStrategyResult& result : lab.strategies) {
            if (!result.problem.empty())
                continue;
            std::vector<std::string> firstEnd; // every key, every store, after the first order
            bool allConverged = true, orderFree = true;
            for (const LabOutcome& outcome : result.outcomes)
                for (const std::vector<uint8_t>& order : outcome.orders) {
                    Engine whole = e;
                    for (uint8_t i : order) {
                        MergeRequest request;
                        request.strategy = result.strategy;
                        request.fullSync = steps[i].fullSync;
                        request.priority = stores;
                        request.targets =
                            steps[i].fullSync ? stores : std::vector<size_t>{steps[i].target};
                        if (!steps[i].fullSync)
                            request.sources = {steps[i].source};
                        QVERIFY(applyWholePlan(whole, planMerge(whole, request)));
                    }
                    std::vector<std::string> end;
                    for (KeyId k = 0; k < c.keyCount(); ++k)
                        for (size_t s = 0; s < 3; ++s) {
                            const Write& w = whole.replica(s).state.at(k);
                            end.push_back(w.isNone()        ? std::string()
                                          : w.isTombstone() ? std::string("deleted")
                                                            : std::string(c.value(w.value)));
                        }
                    for (size_t row = 0; row < lab.listedKeys.size(); ++row) {
                        const KeyId k =
                            c.findKey(lab.listedKeys[row].first, lab.listedKeys[row].second);
                        for (size_t s = 0; s < 3; ++s)
                            QCOMPARE(outcome.cells[row * 3 + s], end[k * 3 + s]);
                        ++compared;
                    }
                    // Convergence is asked of the stores some step merges (a store no step
                    // names keeps its own values under any strategy).
                    std::vector<size_t> merged;
                    for (size_t s = 0; s < 3; ++s)
                        if (std::any_of(steps.begin(), steps.end(), [s](const LabStep& st) {
                                return st.fullSync || st.target == s || st.source == s;
                            }))
                            merged.push_back(s);
                    for (size_t row = 0; row < end.size(); row += 3)
                        for (size_t s : merged)
                            allConverged = allConverged && end[row + s] == end[row + merged[0]];
                    if (firstEnd.empty())
                        firstEnd = end;
                    orderFree = orderFree && end == firstEnd;
                }
            QCOMPARE(verdictOf(result, LabProperty::Convergent).state == State::Held, allConverged);
            QCOMPARE(verdictOf(result, LabProperty::OrderFree).state == State::Held, orderFree);
        }
    }
    QVERIFY(compared > 1000);
}

void TestPropertyLab::modelsShowVerdictsAndStatesSideBySide() {
    Catalog c;
    Engine e(c);
    const size_t sql = e.addReplica("SQL"), hive = e.addReplica("HIVE");
    const KeyId k = c.internKey("SID1", "C1");
    e.set(sql, k, c.internValue("B"), 3);
    e.set(hive, k, c.internValue("A"), 5);
    e.set(hive, c.internKey("SID2", "C1"), c.internValue("C"), 1);
    const std::vector<LabStep> steps{{false, 0, 1}, {false, 1, 0}};
    auto report = std::make_shared<const PropertyLabReport>(labOf(
        e, {sql, hive}, steps,
        {MergeStrategy::LastWriterWins, MergeStrategy::SourceWins, MergeStrategy::SourceWins}));
    // The last row is a strategy that cannot run: FULL_SYNC has no source.
    auto withProblem = std::make_shared<PropertyLabReport>(*report);
    withProblem->strategies.back().problem = "Source wins needs a MERGE";
    withProblem->strategies.back().outcomes.clear();

    LabSummaryModel summary;
    QAbstractItemModelTester summaryTester(&summary,
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    LabOutcomeModel outcomes;
    QAbstractItemModelTester outcomeTester(&outcomes,
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(summary.rowCount(), 0);
    QCOMPARE(outcomes.columnCount(), 0);
    summary.setReport(withProblem);
    QCOMPARE(summary.rowCount(), 3);
    QCOMPARE(summary.headerData(2, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("commutative"));
    QCOMPARE(summary.index(0, 0).data().toString(), QStringLiteral("Last writer wins"));
    QCOMPARE(summary.index(0, 1).data().toInt(), 1);
    QCOMPARE(summary.index(0, 3).data().toString(), QStringLiteral("held"));
    QCOMPARE(summary.index(1, 1).data().toInt(), 2);
    QCOMPARE(summary.index(1, 3).data().toString(), QStringLiteral("fails"));
    QCOMPARE(summary.index(1, 3).data(LabSummaryModel::VerdictRole).toInt(),
             static_cast<int>(State::Failed));
    QVERIFY(
        summary.index(1, 3)
            .data(Qt::ToolTipRole)
            .toString()
            .startsWith(QStringLiteral("SQL.MERGE(HIVE), then HIVE.MERGE(SQL) leaves SQL with A")));
    QCOMPARE(summary.index(2, 1).data().toString(), QStringLiteral("not run"));

    // Source wins: two end states of two stores, the key column first; only the conflicting
    // key is listed (SID2 ends the same everywhere in every order).
    outcomes.setReport(report, 1);
    QCOMPARE(outcomes.rowCount(), 1);
    QCOMPARE(outcomes.columnCount(), 5);
    QCOMPARE(outcomes.index(0, 0).data().toString(), QStringLiteral("(SID1,C1)"));
    QCOMPARE(outcomes.headerData(3, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("End 2 · SQL"));
    QVERIFY(outcomes.headerData(3, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("HIVE.MERGE(SQL), then SQL.MERGE(HIVE)")));
    QCOMPARE(outcomes.index(0, 1).data().toString(), QStringLiteral("A"));
    QCOMPARE(outcomes.index(0, 3).data().toString(), QStringLiteral("B"));
    QCOMPARE(outcomes.index(0, 1).data(LabOutcomeModel::DiffersRole).toBool(), false);
    QCOMPARE(outcomes.index(0, 3).data(LabOutcomeModel::DiffersRole).toBool(), true);
    // The views' tint tells the two models apart by role: an outcome cell has no verdict.
    QVERIFY(!outcomes.index(0, 3).data(LabSummaryModel::VerdictRole).isValid());
    outcomes.setReport(report, 0);
    QCOMPARE(outcomes.columnCount(), 3);
    outcomes.setReport(nullptr, 0);
    QCOMPARE(outcomes.rowCount(), 0);
}

namespace {

StoreBinding runOf(std::initializer_list<const char*> names) {
    StoreBinding run;
    for (const char* n : names)
        run.stores.push_back({n, {}, {}});
    return run;
}

} // namespace

// The command line's --lab-merge lines: store indexes are the run's, whatever order the lines
// name them in, and aliases resolve as in a script.
void TestPropertyLab::labMergeLinesBindToTheRunsStores() {
    std::vector<std::string> errors;
    const std::vector<LabStep> steps =
        labStepsOf({QStringLiteral("sql.MERGE(HIVE)"), QStringLiteral("FULL_SYNC"),
                    QStringLiteral("HIVE.MERGE(REDIS)")},
                   runOf({"HIVE", "REDIS", "SQL"}), errors);
    QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
    QCOMPARE(steps.size(), size_t(3));
    QVERIFY(!steps[0].fullSync && steps[0].target == 2 && steps[0].source == 0);
    QVERIFY(steps[1].fullSync);
    QVERIFY(!steps[2].fullSync && steps[2].target == 0 && steps[2].source == 1);
}

void TestPropertyLab::labMergeLinesThatAreNotMergesAreNamed() {
    std::vector<std::string> errors;
    QVERIFY(labStepsOf({QStringLiteral("HIVE.MERGE(SQL)"), QStringLiteral("SQL.GET(S1,C1)")},
                       runOf({"HIVE", "SQL"}), errors)
                .empty());
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(QString::fromStdString(errors[0]),
             QStringLiteral("--lab-merge:2:1: not a MERGE or FULL_SYNC"));
    errors.clear();
    labStepsOf({QStringLiteral("FULL_SYNC(HIVE,SQL)")}, runOf({"HIVE", "SQL"}), errors);
    QCOMPARE(errors.size(), size_t(1));
    QVERIFY2(errors[0].find("over every store") != std::string::npos, errors[0].c_str());
    errors.clear();
    labStepsOf({QStringLiteral("HIVE.MERGE(MONGO)")}, runOf({"HIVE", "SQL"}), errors);
    QCOMPARE(errors.size(), size_t(1)); // MONGO is not one of the run's stores
    QVERIFY2(errors[0].rfind("--lab-merge:1:", 0) == 0, errors[0].c_str());
}

QTEST_GUILESS_MAIN(TestPropertyLab)
#include "tst_propertylab.moc"

// What a merge did, without stores or threads: the audit rows of an applied batch name each
// target's value before and after, the final writes and expected rows are the targets' states
// for exactly the keys the plan wrote, and a store's rows are compared with them key by key.
#include "mergeoutcome.h"
#include "mergeplanner.h"

#include <QTest>

using namespace syncscope;

namespace {

GradeRecord row(const char* sid, const char* value, int64_t ts, const char* origin = "SQL") {
    GradeRecord g;
    g.studentId = sid;
    g.courseId = "CSE016";
    g.value = value;
    g.ts = ts;
    g.origin = origin;
    return g;
}

struct Lab {
    Catalog catalog;
    Engine engine{catalog};
    Lab() {
        for (const char* s : {"HIVE", "SQL"})
            engine.addReplica(s);
    }
    void set(size_t r, const char* sid, int64_t ts, const char* v) {
        engine.set(r, catalog.internKey(sid, "CSE016"), catalog.internValue(v), ts);
    }
};

MergePlan hiveTakesSql(const Engine& e) {
    MergeRequest r;
    r.targets = {0};
    r.sources = {1};
    return planMerge(e, r);
}

} // namespace

class TestMergeOutcome : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void storeHoldingThePlanHasNoDifferences();
    void missingAndDifferentRowsAreNamedAndCounted();
    void onlyTwentyLinesButEveryDifferenceCounted();
    void finalWritesAndExpectedRowsAreTheTargetsStates();
    void auditRowsNameBeforeAndAfter();
};

void TestMergeOutcome::storeHoldingThePlanHasNoDifferences() {
    const std::vector<GradeRecord> want = {row("S1", "A", 3), row("S2", "B", 4)};
    // A row the plan did not write (S0) is not a difference.
    const std::vector<GradeRecord> have = {row("S0", "F", 1), row("S1", "A", 3), row("S2", "B", 4)};
    qint64 count = 0;
    QVERIFY(storeDifferences(QStringLiteral("HIVE"), want, have, count).isEmpty());
    QCOMPARE(count, 0);
}

void TestMergeOutcome::missingAndDifferentRowsAreNamedAndCounted() {
    GradeRecord deleted = row("S3", "", 5, "HIVE");
    deleted.deleted = true;
    const std::vector<GradeRecord> want = {row("S1", "A", 3), row("S2", "B", 4), deleted};
    const std::vector<GradeRecord> have = {row("S1", "A", 3), row("S2", "C", 4)};
    qint64 count = 0;
    const QStringList lines = storeDifferences(QStringLiteral("HIVE"), want, have, count);
    QCOMPARE(count, 2);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith(QStringLiteral("HIVE (S2,CSE016)")), qPrintable(lines[0]));
    QCOMPARE(lines[0], QStringLiteral("HIVE (S2,CSE016): the plan put B @t=4 (SQL) there, the "
                                      "store holds C @t=4 (SQL)"));
    QVERIFY2(lines[1].contains(QStringLiteral("deleted @t=5 (HIVE)")) &&
                 lines[1].endsWith(QStringLiteral("no row")),
             qPrintable(lines[1]));
}

void TestMergeOutcome::onlyTwentyLinesButEveryDifferenceCounted() {
    std::vector<GradeRecord> want;
    for (int i = 0; i < 50; ++i)
        want.push_back(row(qPrintable(QStringLiteral("S%1").arg(100 + i)), "A", i + 1));
    qint64 count = 0;
    QCOMPARE(storeDifferences(QStringLiteral("SQL"), want, {}, count).size(), 20);
    QCOMPARE(count, 50);
}

void TestMergeOutcome::finalWritesAndExpectedRowsAreTheTargetsStates() {
    Lab lab;
    lab.set(0, "S2", 1, "F"); // HIVE's own, beaten by SQL's later write
    lab.set(1, "S2", 2, "A");
    lab.set(1, "S1", 3, "B");
    lab.set(0, "S9", 9, "C"); // only HIVE's: the plan does not write it
    const MergePlan plan = hiveTakesSql(lab.engine);
    QVERIFY(plan.canApply());
    QCOMPARE(plan.writes.size(), size_t(2));
    QVERIFY(applyWholePlan(lab.engine, plan));

    const FinalWrites finals = finalWrites(plan, lab.engine);
    QCOMPARE(finals.size(), size_t(1));
    QCOMPARE(finals[0].first, size_t(0));
    QCOMPARE(finals[0].second.size(), size_t(2));
    for (const Write& w : finals[0].second)
        QVERIFY(lab.engine.replica(0).state.at(w.key).sameWrite(w));

    const std::shared_ptr<const ExpectedRows> expected = expectedRows(finals, lab.engine);
    QCOMPARE(expected->size(), size_t(1));
    QCOMPARE(expected->front().first, QStringLiteral("HIVE"));
    const std::vector<GradeRecord>& rows = expected->front().second;
    QCOMPARE(rows.size(), size_t(2));
    QCOMPARE(rows[0].studentId, std::string("S1")); // sorted as a store lists its rows
    QCOMPARE(rows[0].value, std::string("B"));
    QCOMPARE(rows[1].studentId, std::string("S2"));
    QCOMPARE(rows[1].value, std::string("A"));
    QCOMPARE(rows[1].ts, int64_t(2));
    QCOMPARE(rows[1].origin, std::string("SQL"));
}

void TestMergeOutcome::auditRowsNameBeforeAndAfter() {
    Lab lab;
    lab.set(0, "S2", 1, "F");
    lab.set(1, "S2", 2, "A");
    const MergePlan plan = hiveTakesSql(lab.engine);
    QVERIFY(applyWholePlan(lab.engine, plan));
    AuditEntry shared;
    const AuditKeyRows rows = auditRowsFor(plan, 0, plan.writes.size(), lab.engine, shared, {});
    QCOMPARE(rows.size(), size_t(1));
    QCOMPARE(rows.field(0, 1).value_or(""), std::string_view("HIVE")); // store
    QCOMPARE(rows.field(0, 2).value_or(""), std::string_view("S2"));
    QCOMPARE(rows.field(0, 4).value_or(""), std::string_view("F"));   // before
    QCOMPARE(rows.field(0, 5).value_or(""), std::string_view("A"));   // after
    QCOMPARE(rows.field(0, 6).value_or(""), std::string_view("SQL")); // winner
    const std::string detail(rows.field(0, 0).value_or(""));
    QVERIFY2(detail.find("\"before_ts\":1") != std::string::npos &&
                 detail.find("\"after_ts\":2") != std::string::npos &&
                 detail.find("\"after_origin\":\"SQL\"") != std::string::npos,
             detail.c_str());
    QVERIFY(!rows.field(0, 8).has_value()); // no note without a manual pick
}

QTEST_GUILESS_MAIN(TestMergeOutcome)
#include "tst_mergeoutcome.moc"

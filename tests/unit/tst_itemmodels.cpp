// Every item model passes QAbstractItemModelTester, through resets and updates.
#include "deadlettermodel.h"
#include "gradefiltermodel.h"
#include "gradetablemodel.h"
#include "logrecords.h"
#include "oplogmodel.h"
#include "storesummarymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <random>

using namespace syncscope;

class TestItemModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void storeSummaryModel();
    void deadLetterModelListsEveryTargetsWrites();
    void gradeTableLoadsInPages();
    void gradeTableDropsStalePagesAndAdjustsToTheStore();
    void gradeTableAppliesWrites();
    void gradeTableLoadsAMillionRows();
    void gradeTableAppliesBatchesLikeSingleWrites();
    void gradeTableAsksForRoomAheadOfGrowth();
    void gradeFilterFollowsItsTable();
    void gradeFilterMatchesAnOracleOnRandomChanges_data();
    void gradeFilterMatchesAnOracleOnRandomChanges();
    void oplogFetchesMoreAndAppendsLive();
    void oplogMarksWritesThatLostOnArrival();
};

namespace {
GradeRecord grade(std::string sid, std::string cid, std::string value, int64_t ts = 1) {
    GradeRecord g;
    g.studentId = std::move(sid);
    g.courseId = std::move(cid);
    g.value = std::move(value);
    g.ts = ts;
    g.origin = "SQL";
    g.seq = static_cast<uint64_t>(ts);
    return g;
}

std::vector<GradeRecord> pageOf(int from, int to) {
    std::vector<GradeRecord> out;
    for (int i = from; i < to; ++i) {
        char sid[16];
        std::snprintf(sid, sizeof sid, "SID%04d", i);
        out.push_back(grade(sid, "CSE001", "A", i));
    }
    return out;
}

LogRecord entry(int64_t position, EntryKind kind = EntryKind::Set) {
    LogRecord r;
    r.kind = kind;
    r.studentId = "S" + std::to_string(position);
    r.courseId = "C";
    r.hasValue = kind != EntryKind::Delete;
    r.value = r.hasValue ? "B" : "";
    r.ts = position;
    r.origin = "HIVE";
    r.seq = static_cast<uint64_t>(position);
    r.position = position;
    r.wallMs = 1700000000000 + position;
    return r;
}
} // namespace

// The Follow dock's set-aside writes: each target's list replaced whole, the others kept, the
// write spelled out with its control characters escaped.
void TestItemModels::deadLetterModelListsEveryTargetsWrites() {
    DeadLetterModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    DeadLetter bad;
    bad.write = setRecord("S2", "C1", std::string("B\x01"), 4, "SQL", 7);
    bad.reason = QStringLiteral("value contains a control character at key (S2,C1)");
    DeadLetter worse = bad;
    worse.write.studentId = "SID BAD";
    worse.write.seq = 8;
    model.setLetters(QStringLiteral("REDIS"), {bad});
    model.setLetters(QStringLiteral("PG"), {bad, worse});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, DeadLetterModel::Target).data().toString(), QStringLiteral("PG"));
    QCOMPARE(model.index(2, DeadLetterModel::Target).data().toString(), QStringLiteral("REDIS"));
    const QString write = model.index(2, DeadLetterModel::Write).data().toString();
    QVERIFY2(write.startsWith(QStringLiteral("SQL:7 SET (S2,C1)")) && !write.contains(QChar(1)),
             qPrintable(write));
    QCOMPARE(model.index(2, DeadLetterModel::Reason).data().toString(), bad.reason);
    model.setLetters(QStringLiteral("PG"), {});
    QCOMPARE(model.rowCount(), 1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestItemModels::gradeTableLoadsInPages() {
    GradeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 gen = model.beginLoad(250);
    QCOMPARE(model.rowCount(), 250); // the whole table at once, as placeholders
    QCOMPARE(model.index(10, 0).data().toString(), QStringLiteral("loading…"));
    QCOMPARE(model.index(10, 0).data(GradeTableModel::PlaceholderRole).toBool(), true);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.appendPage(gen, pageOf(0, 100)));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.rowCount(), 250);
    QCOMPARE(model.index(99, GradeTableModel::Student).data().toString(),
             QStringLiteral("SID0099"));
    QCOMPARE(model.index(100, 0).data().toString(), QStringLiteral("loading…"));
    QVERIFY(model.appendPage(gen, pageOf(100, 200)));
    QVERIFY(model.appendPage(gen, pageOf(200, 250)));
    model.endLoad(gen);
    QVERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 250);
    QCOMPARE(model.index(249, GradeTableModel::Timestamp).data().toLongLong(), 249);
    QCOMPARE(model.rowOf("SID0123", "CSE001"), 123);
}

void TestItemModels::gradeTableDropsStalePagesAndAdjustsToTheStore() {
    GradeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 old = model.beginLoad(100);
    const quint64 gen = model.beginLoad(50); // a reload supersedes the first load
    QVERIFY(!model.appendPage(old, pageOf(0, 100)));
    QCOMPARE(model.rowCount(), 50);
    // The store grew after it was counted: extra rows are inserted, not lost.
    QVERIFY(model.appendPage(gen, pageOf(0, 60)));
    QCOMPARE(model.rowCount(), 60);
    model.endLoad(gen);
    QCOMPARE(model.rowCount(), 60);
    // It shrank: leftover placeholders go when the load ends; tombstones never show.
    const quint64 third = model.beginLoad(40);
    auto page = pageOf(0, 30);
    page[3].deleted = true;
    QVERIFY(model.appendPage(third, page));
    model.endLoad(third);
    QCOMPARE(model.rowCount(), 29);
    QCOMPARE(model.rowOf("SID0003", "CSE001"), -1);
}

void TestItemModels::gradeTableAppliesWrites() {
    GradeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 gen = model.beginLoad(10);
    QVERIFY(model.appendPage(gen, pageOf(0, 5)));
    // While loading: a key inside the loaded part lands at once, one past it waits for its page.
    QCOMPARE(model.applyWrite(grade("SID0002", "CSE000", "B")), 2);
    QCOMPARE(model.applyWrite(grade("SID0009", "CSE001", "B")), -1);
    QCOMPARE(model.rowCount(), 11);
    QVERIFY(model.appendPage(gen, pageOf(5, 10)));
    model.endLoad(gen);
    QCOMPARE(model.rowCount(), 11);
    QCOMPARE(model.applyWrite(grade("SID0004", "CSE001", "F", 99)), 5);
    QCOMPARE(model.index(5, GradeTableModel::Grade).data().toString(), QStringLiteral("F"));
    GradeRecord tombstone = grade("SID0004", "CSE001", "", 100);
    tombstone.deleted = true;
    QCOMPARE(model.applyWrite(tombstone), -1);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.rowOf("SID0004", "CSE001"), -1);
    QCOMPARE(model.applyWrite(grade("A", "B", "C")), 0); // sorts first
    QCOMPARE(model.headerData(GradeTableModel::Grade, Qt::Horizontal).toString(),
             QStringLiteral("Grade"));
}

// A million rows in pages of 50,000 reach the table whole. (Memory per row, capped at 80
// bytes, is measured by bench_gui: 39.5 bytes.)
void TestItemModels::gradeTableLoadsAMillionRows() {
    GradeTableModel model;
    const quint64 gen = model.beginLoad(1000000);
    for (int from = 0; from < 1000000; from += 50000)
        QVERIFY(model.appendPage(gen, pageOf(from, from + 50000)));
    model.endLoad(gen);
    QCOMPARE(model.rowCount(), 1000000);
    QCOMPARE(model.index(999999, 0).data().toString(), QStringLiteral("SID999999"));
}

// Keys SID000000… in order, `count` of them from `from`: six digits keep byte order numeric.
std::vector<GradeRecord> keysFrom(int from, int count) {
    std::vector<GradeRecord> out;
    for (int i = from; i < from + count; ++i) {
        char sid[16];
        std::snprintf(sid, sizeof sid, "SID%06d", i);
        out.push_back(grade(sid, "CSE001", "B", i));
    }
    return out;
}

// A table nearly out of room asks once for a bigger vector, for twice its rows or 32 more
// batches like the one that asked; the room
// adopted changes no row and hands back the storage given up; a room no bigger than the vector
// is handed back untouched. A lone SET on a freshly loaded table asks for nothing.
void TestItemModels::gradeTableAsksForRoomAheadOfGrowth() {
    GradeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy wanted(&model, &GradeTableModel::roomWanted);
    const quint64 gen = model.beginLoad(100000);
    for (int from = 0; from < 100000; from += 20000)
        QVERIFY(model.appendPage(gen, keysFrom(2 * from, 20000)));
    model.endLoad(gen);
    QCOMPARE(model.rowCount(), 100000);
    model.applyWrite(keysFrom(30000, 1).front()); // a new key between the loaded pages
    QCOMPARE(wanted.count(), 0);

    int next = 300000;
    model.applyWrites(keysFrom(next, 2000));
    next += 2000;
    QCOMPARE(wanted.count(), 1);
    QCOMPARE(wanted[0][0].toLongLong(), qint64(2 * 102001));
    model.applyWrites(keysFrom(next, 2000)); // still unanswered: not asked again
    next += 2000;
    QCOMPARE(wanted.count(), 1);

    const auto rows = [&model] {
        const GradeRowsView v = model.rowsView();
        return std::vector<GradeRow>(v.rows, v.rows + v.count);
    };
    const std::vector<GradeRow> before = rows();
    const std::vector<GradeRow> given = model.adoptRoom(GradeTableModel::makeRoom(2 * 104001));
    QCOMPARE(given.size(), size_t(104001)); // the old storage, rows and all
    const std::vector<GradeRow> after = rows();
    QVERIFY(std::equal(
        before.begin(), before.end(), after.begin(), after.end(),
        [](const GradeRow& a, const GradeRow& b) { return std::memcmp(&a, &b, sizeof a) == 0; }));
    QCOMPARE(model.adoptRoom(GradeTableModel::makeRoom(150000)).size(), size_t(150000));
    QCOMPARE(model.rowCount(), 104001);

    // With room for 208,002 the next ask comes when sixteen more batches would not fit.
    while (wanted.count() == 1 && next < 600000) {
        model.applyWrites(keysFrom(next, 10000));
        next += 10000;
    }
    QCOMPARE(wanted.count(), 2);
    QCOMPARE(model.rowCount(), 104001 + (next - 304000));
    QVERIFY(208002 - model.rowCount() < 160000);
    QCOMPARE(model.index(model.rowCount() - 1, 0).data().toString(),
             QStringLiteral("SID%1").arg(next - 1, 6, 10, QLatin1Char('0')));
}

// A batch gives exactly what the same writes one by one give, keeps persistent indexes on
// their keys, and leaves keys past a loading table to their pages.
void TestItemModels::gradeTableAppliesBatchesLikeSingleWrites() {
    std::mt19937 rng(3);
    for (int round = 0; round < 200; ++round) {
        GradeTableModel batched, single;
        QAbstractItemModelTester tester(&batched,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const bool loading = round % 3 == 0;
        for (GradeTableModel* m : {&batched, &single}) {
            const quint64 gen = m->beginLoad(loading ? 80 : 40);
            m->appendPage(gen, pageOf(0, 40));
            if (!loading)
                m->endLoad(gen);
        }
        const QPersistentModelIndex tracked = batched.index(static_cast<int>(rng() % 40), 1);
        const QString trackedKey = tracked.sibling(tracked.row(), 0).data().toString();
        std::vector<GradeRecord> writes;
        for (int i = 0; i < 30; ++i) {
            char sid[16];
            std::snprintf(sid, sizeof sid, "SID%04d", static_cast<int>(rng() % 60));
            GradeRecord g = grade(sid, rng() % 4 ? "CSE001" : "CSE000",
                                  std::string(1, char('A' + rng() % 5)), 100 + i);
            g.deleted = rng() % 4 == 0;
            writes.push_back(g);
        }
        batched.applyWrites(writes);
        for (const GradeRecord& w : writes)
            single.applyWrite(w);
        QCOMPARE(batched.rowCount(), single.rowCount());
        for (int r = 0; r < batched.rowCount(); ++r)
            for (int c = 0; c < GradeTableModel::ColumnCount; ++c)
                QCOMPARE(batched.index(r, c).data(), single.index(r, c).data());
        if (tracked.isValid())
            QCOMPARE(tracked.sibling(tracked.row(), 0).data().toString(), trackedKey);
        else
            QCOMPARE(batched.rowOf(trackedKey.toStdString(), "CSE001"), -1);
    }
}

// The search proxy under the tester while its table loads, changes and reloads.
void TestItemModels::gradeFilterFollowsItsTable() {
    GradeTableModel grades;
    GradeFilterModel filter(&grades);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSearch(QStringLiteral("sid001"));
    const quint64 gen = grades.beginLoad(40);
    grades.appendPage(gen, pageOf(0, 20));
    QCOMPARE(filter.rowCount(), 10); // SID0010..SID0019 (placeholders never match)
    grades.appendPage(gen, pageOf(20, 40));
    grades.endLoad(gen);
    QCOMPARE(filter.rowCount(), 10);
    std::vector<GradeRecord> writes;
    for (int i = 0; i < 12; ++i)
        writes.push_back(grade("SID001" + std::to_string(i % 10), "CSE009", "F", 50 + i));
    grades.applyWrites(writes);
    QCOMPARE(filter.rowCount(), 20);
    filter.setSearch(QStringLiteral("F"));
    QCOMPARE(filter.rowCount(), 10); // the grade matches exactly; no id contains an f
    filter.sort(GradeTableModel::Timestamp, Qt::DescendingOrder);
    QCOMPARE(filter.index(0, GradeTableModel::Timestamp).data().toLongLong(), 61);
    grades.beginLoad(0);
    QCOMPARE(filter.rowCount(), 0);
}

namespace {
// What the filter must show, worked out the slow way from the table's displayed text: the rows
// matching the search, stably sorted by the column (ties in key order).
std::vector<int> oracleOrder(const GradeTableModel& grades, const QString& needle, int column,
                             Qt::SortOrder order) {
    std::vector<int> rows;
    for (int r = 0; r < grades.loadedRows(); ++r) {
        const auto cell = [&](int c) { return grades.index(r, c).data().toString(); };
        if (needle.isEmpty() ||
            cell(GradeTableModel::Student).contains(needle, Qt::CaseInsensitive) ||
            cell(GradeTableModel::Course).contains(needle, Qt::CaseInsensitive) ||
            cell(GradeTableModel::Grade) == needle)
            rows.push_back(r);
    }
    if (column < 0)
        return rows;
    const bool numeric = column == GradeTableModel::Timestamp || column == GradeTableModel::Seq;
    std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
        const QVariant va = grades.index(a, column).data(), vb = grades.index(b, column).data();
        const bool less =
            numeric ? va.toLongLong() < vb.toLongLong() : va.toString() < vb.toString();
        const bool more =
            numeric ? va.toLongLong() > vb.toLongLong() : va.toString() > vb.toString();
        return order == Qt::AscendingOrder ? less : more;
    });
    return rows;
}

std::vector<int> shownOrder(const GradeFilterModel& filter) {
    std::vector<int> rows;
    for (int r = 0; r < filter.rowCount(); ++r)
        rows.push_back(filter.mapToSource(filter.index(r, 0)).row());
    return rows;
}
} // namespace

void TestItemModels::gradeFilterMatchesAnOracleOnRandomChanges_data() {
    QTest::addColumn<bool>("background");
    QTest::newRow("on the UI thread") << false;
    QTest::newRow("on a worker, the table changing meanwhile") << true;
}

// Random writes, batches, reloads and searches/orders: after each, the filter shows exactly
// the oracle's rows in its order, its persistent indexes stay on their keys, and the tester
// sees every signal. On a worker, the table changes while the order is computed.
void TestItemModels::gradeFilterMatchesAnOracleOnRandomChanges() {
    QFETCH(bool, background);
    std::mt19937 rng(background ? 11 : 7);
    const auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const auto randomWrite = [&](int64_t ts) {
        GradeRecord g =
            grade("SID" + std::to_string(10 + pick(50)), "CSE" + std::to_string(100 + pick(6)),
                  std::string(1, static_cast<char>('A' + pick(6))), ts);
        g.seq = static_cast<uint64_t>(pick(1000));
        g.deleted = pick(4) == 0;
        return g;
    };
    GradeTableModel grades;
    GradeFilterModel filter(&grades);
    filter.setBackgroundThreshold(background ? 0 : 1 << 30);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    static const char* const needles[] = {"", "sid1", "cse10", "B", "SID2", "nothing"};
    int64_t ts = 1;
    for (int step = 0; step < 400; ++step) {
        const int action = pick(10);
        if (action == 0) { // a reload in pages, writes landing between them
            std::vector<GradeRecord> rows;
            for (int i = 0; i < 40 + pick(80); ++i)
                rows.push_back(randomWrite(ts++));
            std::sort(rows.begin(), rows.end(), [](const GradeRecord& a, const GradeRecord& b) {
                return std::tie(a.studentId, a.courseId) < std::tie(b.studentId, b.courseId);
            });
            rows.erase(std::unique(rows.begin(), rows.end(),
                                   [](const GradeRecord& a, const GradeRecord& b) {
                                       return a.studentId == b.studentId &&
                                              a.courseId == b.courseId;
                                   }),
                       rows.end());
            const quint64 gen = grades.beginLoad(static_cast<qint64>(rows.size()));
            for (size_t at = 0; at < rows.size(); at += 25) {
                grades.appendPage(gen, {rows.begin() + static_cast<std::ptrdiff_t>(at),
                                        rows.begin() + static_cast<std::ptrdiff_t>(
                                                           std::min(rows.size(), at + 25))});
                grades.applyWrite(randomWrite(ts++));
            }
            grades.endLoad(gen);
        } else if (action <= 3) { // a new search or order
            filter.setSearchAndOrder(QString::fromLatin1(needles[pick(6)]), pick(7) - 1,
                                     pick(2) ? Qt::AscendingOrder : Qt::DescendingOrder);
        } else if (action <= 6) {
            grades.applyWrite(randomWrite(ts++));
        } else {
            std::vector<GradeRecord> batch;
            for (int i = 0; i < 1 + pick(40); ++i)
                batch.push_back(randomWrite(ts++));
            grades.applyWrites(batch);
        }
        QPersistentModelIndex tracked;
        QString trackedKey;
        if (filter.rowCount() > 0) {
            tracked = filter.index(pick(filter.rowCount()), GradeTableModel::Student);
            trackedKey = tracked.data().toString() +
                         tracked.sibling(tracked.row(), GradeTableModel::Course).data().toString();
        }
        if (background && pick(2) == 0) // more changes while the worker sorts
            grades.applyWrite(randomWrite(ts++));
        QTRY_VERIFY(!filter.isOrdering());
        const std::vector<int> expected =
            oracleOrder(grades, filter.search(), filter.sortColumn(), filter.sortOrder());
        if (shownOrder(filter) != expected)
            QFAIL(qPrintable(
                QStringLiteral("step %1: the filter's %2 rows differ from the oracle's %3")
                    .arg(step)
                    .arg(filter.rowCount())
                    .arg(expected.size())));
        if (tracked.isValid())
            QCOMPARE(tracked.data().toString() +
                         tracked.sibling(tracked.row(), GradeTableModel::Course).data().toString(),
                     trackedKey);
    }
}

void TestItemModels::oplogFetchesMoreAndAppendsLive() {
    OplogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy asked(&model, &OplogModel::fetchRequested);
    const quint64 gen = model.reset();
    // The tester itself fetches when it checks the model; either way one request is out.
    if (model.canFetchMore({}))
        model.fetchMore({});
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked[0][1].toLongLong(), 0);
    QVERIFY(!model.canFetchMore({})); // one request at a time
    std::vector<LogRecord> page;
    for (int64_t p = 1; p <= 3; ++p)
        page.push_back(entry(p));
    page.push_back(entry(4, EntryKind::Delete));
    QVERIFY(model.appendPage(gen, page, true));
    QCOMPARE(model.rowCount(), 4);
    model.appendLive(entry(9)); // not at the end yet: ignored, a page brings it
    QCOMPARE(model.rowCount(), 4);
    if (model.canFetchMore({}))
        model.fetchMore({});
    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked.last()[1].toLongLong(), 4);
    QVERIFY(!model.appendPage(gen + 7, {entry(5)}, false)); // stale
    QVERIFY(model.appendPage(gen, {entry(5)}, false));
    QVERIFY(!model.canFetchMore({}));
    model.appendLive(entry(6));
    model.appendLive(entry(6)); // already there
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.index(3, OplogModel::Op).data().toString(), QStringLiteral("DELETE"));
    QCOMPARE(model.index(3, OplogModel::Value).data().toString(), QString());
    QCOMPARE(model.index(5, OplogModel::Position).data().toLongLong(), 6);
    // Columns as a seed-format line reads: ts, then op, key and value; origin and seq after.
    QStringList headers;
    for (int c = 0; c < model.columnCount(); ++c)
        headers << model.headerData(c, Qt::Horizontal).toString();
    QCOMPARE(headers, (QStringList{QStringLiteral("#"), QStringLiteral("ts"), QStringLiteral("Op"),
                                   QStringLiteral("Student"), QStringLiteral("Course"),
                                   QStringLiteral("Value"), QStringLiteral("Origin"),
                                   QStringLiteral("Seq"), QStringLiteral("Logged at")}));
    LogRecord nullGet = entry(7, EntryKind::Get);
    nullGet.hasValue = false;
    model.appendLive(nullGet);
    QCOMPARE(model.index(6, OplogModel::Value).data().toString(), QStringLiteral("NULL"));
    // The store appended entries: a model at the log's end asks for what follows, once.
    const int before = static_cast<int>(asked.size());
    model.requestTail();
    model.requestTail();
    QCOMPARE(static_cast<int>(asked.size()), before + 1);
    QCOMPARE(asked.last()[1].toLongLong(), 7);
    QVERIFY(model.appendPage(gen, {entry(8), entry(9)}, false));
    QCOMPARE(model.rowCount(), 9);
    model.reset();
    QCOMPARE(model.rowCount(), 0);
}

// A write older than what the log already holds for its key (docs/script-language.md's order: ts,
// then origin name, then seq) is marked as lost on arrival, with the newest write in its tooltip;
// GETs, other keys and newer writes are not; a reload judges again from the start.
void TestItemModels::oplogMarksWritesThatLostOnArrival() {
    OplogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 gen = model.reset();
    const auto write = [](int64_t position, const char* sid, int64_t ts, const char* origin,
                          EntryKind kind = EntryKind::Set) {
        LogRecord r = entry(position, kind);
        r.studentId = sid;
        r.ts = ts;
        r.origin = origin;
        return r;
    };
    QVERIFY(model.appendPage(
        gen,
        {write(1, "S1", 20, "SQL"), write(2, "S1", 10, "SQL"), write(3, "S2", 10, "SQL"),
         write(4, "S1", 20, "HIVE"), write(5, "S1", 20, "SQLITE"),
         write(6, "S1", 5, "SQL", EntryKind::Get), write(7, "S1", 21, "HIVE", EntryKind::Delete)},
        false));
    const auto lost = [&model](int row) {
        return model.index(row, OplogModel::Value).data(OplogModel::LostOnArrivalRole).toBool();
    };
    QVERIFY(!lost(0));
    QVERIFY(lost(1));  // ts 10 after ts 20
    QVERIFY(!lost(2)); // another key
    QVERIFY(lost(3));  // ts tie: HIVE < SQL by name
    QVERIFY(!lost(4)); // ts tie: SQLITE > SQL
    QVERIFY(!lost(5)); // a GET is no write
    QVERIFY(!lost(6)); // a newer DELETE wins
    QVERIFY2(model.index(1, OplogModel::Op)
                 .data(Qt::ToolTipRole)
                 .toString()
                 .contains(QStringLiteral("ts 21 by HIVE (#7)")),
             qPrintable(model.index(1, OplogModel::Op).data(Qt::ToolTipRole).toString()));
    model.appendLive(write(8, "S2", 9, "SQL"));
    QVERIFY(lost(7));
    const quint64 again = model.reset();
    QVERIFY(model.appendPage(again, {write(2, "S1", 10, "SQL")}, false));
    QVERIFY(!lost(0)); // judged from what is loaded: nothing before it now
}

void TestItemModels::storeSummaryModel() {
    StoreSummaryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setStores(
        {{QStringLiteral("SQL"), QStringLiteral("SQLite"), QStringLiteral("/tmp/sql.db"), true},
         {QStringLiteral("HIVE"), QStringLiteral("SQLite"), QStringLiteral("in memory"), true}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(StoreSummaryModel::ColumnCount));
    QCOMPARE(model.data(model.index(0, StoreSummaryModel::Kind)).toString(),
             QStringLiteral("SQLite (embedded)"));
    QCOMPARE(model.data(model.index(1, StoreSummaryModel::Keys)).toString(), QStringLiteral("…"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setCounts(1, 42, 100);
    model.setState(0, QStringLiteral("connected"));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(model.data(model.index(1, StoreSummaryModel::Keys)).toLongLong(), 42);
    QCOMPARE(model.data(model.index(0, StoreSummaryModel::State)).toString(),
             QStringLiteral("connected"));
    model.setCounts(7, 1, 1); // out of range: ignored
    QCOMPARE(model.headerData(StoreSummaryModel::OplogEntries, Qt::Horizontal).toString(),
             QStringLiteral("Oplog entries"));
    model.setStores({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestItemModels)
#include "tst_itemmodels.moc"

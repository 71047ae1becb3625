// A store panel over a real SQLite store: the loader fills the grade table in pages and the
// oplog view fetches as it needs, through the store's worker, with the UI thread never waiting.
#include "gradefiltermodel.h"
#include "gradetablemodel.h"
#include "mainwindow.h"
#include "oplogmodel.h"
#include "storefactory.h"
#include "storeloader.h"
#include "storepanel.h"
#include "storesummarymodel.h"
#include "storeworker.h"

#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace syncscope;

namespace {
std::vector<LogRecord> writes(int n) {
    std::vector<LogRecord> out;
    for (int i = 0; i < n; ++i) {
        LogRecord r;
        r.kind = EntryKind::Set;
        r.studentId = "SID" + std::to_string(100000 + i);
        r.courseId = "CSE001";
        r.value = "B";
        r.hasValue = true;
        r.ts = i + 1;
        r.origin = "SQL";
        r.seq = static_cast<uint64_t>(i + 1);
        out.push_back(std::move(r));
    }
    return out;
}

// n grade rows from origin SQL, each filled in by `fill`.
template <class Fill>
std::vector<GradeRecord> gradeRows(int n, Fill fill) {
    std::vector<GradeRecord> rows(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        rows[static_cast<size_t>(i)].origin = "SQL";
        fill(i, rows[static_cast<size_t>(i)]);
    }
    return rows;
}
} // namespace

class TestStorePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsARealStoreInPages();
    void windowArrangesOneDockPerStore();
    void copiesTheSelectionAsCsv();
    void committedWritesShowAndFlashWhileFollowing();
    void searchFiltersAndSorts();
    void headerClicksCycleTheOrder();
};

void TestStorePanel::loadsARealStoreInPages() {
    QTemporaryDir dir;
    auto store = StoreFactory::create(
        QStringLiteral("SQL"), QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("s.db")));
    StoreWorker worker(std::move(store.value()));
    QVERIFY(worker.open().result().ok());
    const int rows = 2 * int(StoreLoader::kGradePage) + 123; // three pages
    QVERIFY(worker.append(writes(rows)).result().ok());

    GradeTableModel grades;
    OplogModel oplog;
    StoreLoader loader(&worker, &grades, &oplog);
    StorePanel panel(worker.description(), &grades, &oplog);
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy counted(&loader, &StoreLoader::countsKnown);
    QSignalSpy loaded(&loader, &StoreLoader::gradesLoaded);
    loader.reload();
    QTRY_COMPARE(counted.size(), 1);
    QCOMPARE(grades.rowCount(), rows); // the whole table at once, rows still coming
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 30000);
    QCOMPARE(grades.loadedRows(), rows);
    QCOMPARE(
        panel.gradeView()->model()->index(rows - 1, GradeTableModel::Student).data().toString(),
        QStringLiteral("SID%1").arg(100000 + rows - 1));
    // The oplog view follows the log's end by itself: it pages on to the newest entries.
    QTRY_COMPARE_WITH_TIMEOUT(oplog.rowCount(), rows, 30000);
    // Scrolled up by the user, a reload loads the first page only, and more when scrolled to
    // the end.
    panel.oplogView()->scrollToTop();
    loader.reload();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 30000);
    QTRY_COMPARE(oplog.rowCount(), int(OplogModel::kPageSize));
    panel.oplogView()->scrollToBottom();
    QTRY_VERIFY(oplog.rowCount() > int(OplogModel::kPageSize));
    QVERIFY(
        !panel.gradeView()->model()->index(5, 0).data(GradeTableModel::PlaceholderRole).toBool());
}

void TestStorePanel::windowArrangesOneDockPerStore() {
    StoreSummaryModel summary;
    MainWindow window(&summary, QStringLiteral("test"));
    std::vector<std::unique_ptr<GradeTableModel>> grades;
    std::vector<std::unique_ptr<OplogModel>> oplogs;
    for (const char* name : {"SQL", "MONGO", "HIVE", "REDIS", "SQLITE"}) {
        grades.push_back(std::make_unique<GradeTableModel>());
        oplogs.push_back(std::make_unique<OplogModel>());
        const StoreDescription d{QString::fromLatin1(name), QStringLiteral("SQLite"), {}, true};
        window.addStorePanel(new StorePanel(d, grades.back().get(), oplogs.back().get()));
    }
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QList<QDockWidget*> docks = window.findChildren<QDockWidget*>();
    std::map<int, int> rows; // y → docks in that row
    int storeDocks = 0;
    for (QDockWidget* d : docks) {
        if (!d->objectName().startsWith(QStringLiteral("dock-store-")))
            continue;
        ++storeDocks;
        QVERIFY(d->isVisible());
        // Both rows above the console, so the console keeps the window's whole width.
        QCOMPARE(window.dockWidgetArea(d), Qt::TopDockWidgetArea);
        ++rows[d->geometry().y()];
    }
    QCOMPARE(storeDocks, 5);
    QCOMPARE(rows.size(), size_t(2)); // five stores: three in the first row, two below
    QCOMPARE(rows.begin()->second, 3);
    QCOMPARE(rows.rbegin()->second, 2);
    QVERIFY(window.storePanels()[0]->findChild<QTableView*>(QStringLiteral("grades")));
}

void TestStorePanel::copiesTheSelectionAsCsv() {
    GradeTableModel grades;
    OplogModel oplog;
    const quint64 gen = grades.beginLoad(4);
    std::vector<GradeRecord> rows(3);
    const char* values[] = {"A", "B, with comma", "say \"hi\""};
    for (int i = 0; i < 3; ++i) {
        rows[size_t(i)].studentId = "S" + std::to_string(i);
        rows[size_t(i)].courseId = "C";
        rows[size_t(i)].value = values[i];
        rows[size_t(i)].ts = i;
        rows[size_t(i)].origin = "SQL";
    }
    grades.appendPage(gen, rows); // the fourth row is still a placeholder
    StorePanel panel({QStringLiteral("SQL"), QStringLiteral("SQLite"), {}, true}, &grades, &oplog);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTableView* view = panel.gradeView();
    view->setFocus();
    view->selectAll();
    QTest::keySequence(view, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(),
             QStringLiteral("Student,Course,Grade,ts,Origin,Seq\n"
                            "S0,C,A,0,SQL,0\n"
                            "S1,C,\"B, with comma\",1,SQL,0\n"
                            "S2,C,\"say \"\"hi\"\"\",2,SQL,0\n"));
}

// What a commit does to the panel: the table takes the states; a step (following) scrolls to
// its last row and flashes it; a Run (not following) is not scrolled to, and a batch of more
// than a step's few keys does not flash.
void TestStorePanel::committedWritesShowAndFlashWhileFollowing() {
    GradeTableModel grades;
    OplogModel oplog;
    const quint64 gen = grades.beginLoad(200);
    const std::vector<GradeRecord> rows = gradeRows(200, [](int i, GradeRecord& g) {
        g.studentId = "SID" + std::to_string(1000 + i);
        g.courseId = "CSE001";
        g.value = "A";
        g.ts = 1;
    });
    grades.appendPage(gen, rows);
    grades.endLoad(gen);
    StorePanel panel({QStringLiteral("SQL"), QStringLiteral("SQLite"), {}, true}, &grades, &oplog);
    panel.resize(500, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    GradeRecord step = rows[190];
    step.value = "B";
    step.ts = 2;
    panel.showCommittedWrites({step}, true);
    const int row = grades.rowOf("SID1190", "CSE001");
    QCOMPARE(grades.index(row, GradeTableModel::Grade).data().toString(), QStringLiteral("B"));
    QVERIFY(panel.isFlashing(row)); // no search or order: view rows are model rows
    QTRY_VERIFY(panel.gradeView()
                    ->visualRect(panel.gradeView()->model()->index(row, 0))
                    .intersects(panel.gradeView()->viewport()->rect()));

    panel.gradeView()->scrollToTop();
    GradeRecord run = rows[195];
    run.value = "C";
    run.ts = 3;
    std::vector<GradeRecord> many(100, run); // a Run's batch: more than a step's few rows
    panel.showCommittedWrites(many, false);
    const int runRow = grades.rowOf("SID1195", "CSE001");
    QCOMPARE(grades.index(runRow, GradeTableModel::Grade).data().toString(), QStringLiteral("C"));
    QVERIFY(!panel.isFlashing(runRow));
    QCOMPARE(panel.gradeView()->verticalScrollBar()->value(), 0); // not chased
}

void TestStorePanel::searchFiltersAndSorts() {
    GradeTableModel grades;
    OplogModel oplog;
    const quint64 gen = grades.beginLoad(300);
    const std::vector<GradeRecord> rows = gradeRows(300, [](int i, GradeRecord& g) {
        g.studentId = "SID" + std::to_string(1000 + i / 3);
        g.courseId = "CSE00" + std::to_string(1 + i % 3);
        g.value = std::string(1, static_cast<char>('A' + i % 5));
        g.ts = 300 - i;
    });
    grades.appendPage(gen, rows);
    grades.endLoad(gen);
    StorePanel panel({QStringLiteral("SQL"), QStringLiteral("SQLite"), {}, true}, &grades, &oplog);
    panel.show();
    QTest::keyClicks(panel.searchBox(), QStringLiteral("sid105"));
    QAbstractItemModel* shown = panel.gradeView()->model();
    QCOMPARE(shown->rowCount(), 30); // SID1050..SID1059, three courses each
    QCOMPARE(shown->index(0, GradeTableModel::Student).data().toString(),
             QStringLiteral("SID1050"));
    // A header click orders by that column: ts ascending puts the last rows first.
    panel.gradeView()->sortByColumn(GradeTableModel::Timestamp, Qt::AscendingOrder);
    QCOMPARE(shown->index(0, GradeTableModel::Student).data().toString(),
             QStringLiteral("SID1059"));
    // GET/commit scrolling maps through the search; a hidden row says so.
    QVERIFY(panel.showGradeRow(grades.rowOf("SID1051", "CSE002"), true));
    QVERIFY(!panel.showGradeRow(grades.rowOf("SID1000", "CSE001"), true));
    // Rows a step changed flash for a moment, through the search too.
    const int changed = grades.rowOf("SID1051", "CSE002");
    panel.flashGradeRows({changed});
    const int shownRow =
        static_cast<GradeFilterModel*>(shown)->mapFromSource(grades.index(changed, 0)).row();
    QVERIFY(panel.isFlashing(shownRow));
    QTRY_VERIFY(!panel.isFlashing(shownRow));
    // A grade matches exactly ("B" is in no student or course id here).
    panel.setSearch(QStringLiteral("B"));
    QCOMPARE(panel.gradeView()->model()->rowCount(), 60);
    // Without a search the order stays; without both, the plain table is back in the view.
    panel.setSearch(QString());
    QCOMPARE(panel.gradeView()->model()->rowCount(), 300);
    QCOMPARE(panel.gradeView()->model()->index(0, GradeTableModel::Student).data().toString(),
             QStringLiteral("SID1099"));
    panel.setSortOrder(-1, Qt::AscendingOrder);
    QCOMPARE(panel.gradeView()->model(), static_cast<QAbstractItemModel*>(&grades));
}

// Clicking a column's header orders the whole table by it, search or not: ascending, then
// descending, then back to key order (and the plain table).
void TestStorePanel::headerClicksCycleTheOrder() {
    GradeTableModel grades;
    OplogModel oplog;
    const quint64 gen = grades.beginLoad(3);
    std::vector<GradeRecord> rows(3);
    const char* const values[] = {"B", "C", "A"};
    for (int i = 0; i < 3; ++i) {
        rows[static_cast<size_t>(i)].studentId = "SID" + std::to_string(i);
        rows[static_cast<size_t>(i)].courseId = "CSE001";
        rows[static_cast<size_t>(i)].value = values[i];
        rows[static_cast<size_t>(i)].origin = "SQL";
    }
    grades.appendPage(gen, rows);
    grades.endLoad(gen);
    StorePanel panel({QStringLiteral("SQL"), QStringLiteral("SQLite"), {}, true}, &grades, &oplog);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QHeaderView* header = panel.gradeView()->horizontalHeader();
    const auto clickGrade = [header] {
        const int x = header->sectionViewportPosition(GradeTableModel::Grade) +
                      header->sectionSize(GradeTableModel::Grade) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    };
    const auto gradesShown = [&panel] {
        QString out;
        const QAbstractItemModel* shown = panel.gradeView()->model();
        for (int r = 0; r < shown->rowCount(); ++r)
            out += shown->index(r, GradeTableModel::Grade).data().toString();
        return out;
    };
    QCOMPARE(gradesShown(), QStringLiteral("BCA"));
    clickGrade();
    QCOMPARE(gradesShown(), QStringLiteral("ABC"));
    clickGrade();
    QCOMPARE(gradesShown(), QStringLiteral("CBA"));
    clickGrade();
    QCOMPARE(gradesShown(), QStringLiteral("BCA"));
    QCOMPARE(panel.gradeView()->model(), static_cast<QAbstractItemModel*>(&grades));
}

QTEST_MAIN(TestStorePanel)
#include "tst_storepanel.moc"

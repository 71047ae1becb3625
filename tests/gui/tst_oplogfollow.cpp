// The oplog view on a long log (200,000 entries, far more than the first page the view loads):
// after a step it fetches up to the log's real end and shows the step's entry there, and
// Ctrl+End goes to the real end, not to the end of what happens to be loaded. A reload (or a
// window rebuilt for a workspace change) keeps the view at the newest entries, or where the user
// scrolled up to.
#include "commandsession.h"
#include "dataactions.h"
#include "guiapp.h"
#include "guidriver.h"
#include "guihost.h"
#include "mainwindow.h"
#include "oplogmodel.h"
#include "scriptactions.h"
#include "scriptrunner.h"
#include "storeloader.h"
#include "storepanel.h"
#include "workspaceactions.h"
#include "workspacesession.h"

#include <QFile>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestOplogFollow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stepAndCtrlEndReachTheRealEnd();
    void anImportLeavesOneOplogRowSelected();
    void aResetLeavesAtMostOneOplogRowSelected();
    void aReloadKeepsTheNewestEntriesInView();

private:
    QTemporaryDir dir_;
};

void TestOplogFollow::stepAndCtrlEndReachTheRealEnd() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeOplogFollowTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("hive.db")).toStdString()}};
    GuiApp app(stores, QStringLiteral("oplog"));
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 10000);
    QSignalSpy imported(app.data(), &DataActions::dataImported);
    app.data()->importSample(400, 500, {QStringLiteral("SQL")});
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 120000);
    QCOMPARE(imported.first().first().toInt(), 200000);

    // Loaded again from the store, the user having scrolled to the top: only the first page is
    // in the view.
    OplogModel* oplog = app.session()->oplog(0);
    StorePanel* panel = app.window()->storePanels()[0];
    QTableView* view = panel->oplogView();
    QTRY_VERIFY(oplog->rowCount() > 0);
    view->scrollToTop();
    QSignalSpy loaded(app.session()->loader(0), &StoreLoader::gradesLoaded);
    app.session()->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 60000);
    QTRY_VERIFY(oplog->rowCount() > 0);
    QVERIFY(!oplog->reachedEnd());
    QVERIFY(oplog->rowCount() < 200000);

    lab::typeLine(app, QStringLiteral("SQL.SET((SIDLAST,CSE001),A)"));
    QTRY_VERIFY_WITH_TIMEOUT(oplog->reachedEnd(), 60000);
    QTRY_COMPARE(view->currentIndex().row(), oplog->rowCount() - 1);
    QCOMPARE(oplog->rowCount(), 200001);
    QCOMPARE(oplog->index(oplog->rowCount() - 1, OplogModel::Student).data().toString(),
             QStringLiteral("SIDLAST"));

    // Ctrl+End after a reload (scrolled to the top again): the real end again.
    view->scrollToTop();
    app.session()->refresh();
    QTRY_VERIFY(oplog->rowCount() > 0 && oplog->rowCount() < 200001);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_End, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(oplog->reachedEnd(), 60000);
    QTRY_COMPARE(view->currentIndex().row(), 200000);
    QCOMPARE(view->currentIndex().siblingAtColumn(OplogModel::Student).data().toString(),
             QStringLiteral("SIDLAST"));
}

// A step's few entries are selected in the oplog (what it wrote); an import's hundreds are not,
// nor is a log read again after a Reset: the last entry is current, the rest plain. Every row
// stayed highlighted after an import.
void TestOplogFollow::anImportLeavesOneOplogRowSelected() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeOplogFollowTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("sel-sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("sel-hive.db")).toStdString()}};
    GuiApp app(stores, QStringLiteral("selection"));
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 10000);
    StorePanel* panel = app.window()->storePanels()[0];
    QTableView* view = panel->oplogView();
    OplogModel* oplog = app.session()->oplog(0);
    lab::typeLine(app, QStringLiteral("SQL.SET((SID1,CSE001),A)"));
    QTRY_COMPARE_WITH_TIMEOUT(oplog->rowCount(), 1, 10000);
    QTRY_COMPARE(view->selectionModel()->selectedRows().size(), 1); // the step's entry

    QSignalSpy imported(app.data(), &DataActions::dataImported);
    app.data()->importSample(20, 10, {QStringLiteral("SQL")});
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(oplog->rowCount(), 201, 10000);
    QTest::qWait(200);
    QVERIFY2(view->selectionModel()->selectedRows().size() <= 1,
             qPrintable(QStringLiteral("%1 oplog rows selected after the import")
                            .arg(view->selectionModel()->selectedRows().size())));
}

// Script > Reset reads the stores again: the oplogs are not left highlighted whole.
void TestOplogFollow::aResetLeavesAtMostOneOplogRowSelected() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeOplogFollowTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("reset-sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("reset-hive.db")).toStdString()}};
    GuiApp app(stores, QStringLiteral("reset"));
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 10000);
    QSignalSpy imported(app.data(), &DataActions::dataImported);
    app.data()->importSample(5, 4, {QStringLiteral("SQL")});
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 60000);
    const QString script = dir_.filePath(QStringLiteral("reset.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 10; ++i)
        file.write(QStringLiteral("SQL.SET((SIDR%1,C1),A)\n").arg(i).toUtf8());
    file.close();
    QSignalSpy pointReady(app.scriptRunner(), &ScriptRunner::resetPointReady);
    app.scripts()->open(script);
    QTRY_COMPARE_WITH_TIMEOUT(pointReady.count(), 1, 10000);
    app.scripts()->run();
    QTRY_COMPARE_WITH_TIMEOUT(app.scriptRunner()->done(), 10, 10000);
    OplogModel* oplog = app.session()->oplog(0);
    QTRY_COMPARE_WITH_TIMEOUT(oplog->rowCount(), 30, 10000);
    QSignalSpy reset(app.scriptRunner(), &ScriptRunner::resetDone);
    app.scripts()->reset();
    QTRY_COMPARE_WITH_TIMEOUT(reset.count(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(oplog->rowCount(), 20, 10000);
    QTest::qWait(300);
    QTableView* view = app.window()->storePanels()[0]->oplogView();
    QVERIFY2(view->selectionModel()->selectedRows().size() <= 1,
             qPrintable(QStringLiteral("%1 oplog rows selected after Reset")
                            .arg(view->selectionModel()->selectedRows().size())));
}

// An oplog of several pages, at its newest entries as at first open: a reload (View > Refresh, a
// store's log rewritten) and a window rebuilt for another store showed its first entries
// instead. Scrolled up by the user, a reload keeps their place.
void TestOplogFollow::aReloadKeepsTheNewestEntriesInView() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeOplogFollowTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    GuiHost host;
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.open(lab::sqliteStores(dir_, QStringLiteral("newest"),
                                {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
              QStringLiteral("newest"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 10000);
    host.app()->window()->resize(1000, 700);
    QSignalSpy imported(host.app()->data(), &DataActions::dataImported);
    host.app()->data()->importSample(500, 5, {QStringLiteral("SQL")});
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 60000);
    const auto atNewest = [&host] {
        OplogModel* oplog = host.app()->session()->oplog(0);
        QTableView* view = host.app()->window()->storePanels()[0]->oplogView();
        const QScrollBar* bar = view->verticalScrollBar();
        return oplog->rowCount() == 2500 && oplog->reachedEnd() && bar->maximum() > 0 &&
               bar->value() == bar->maximum();
    };
    const auto where = [&host] {
        QTableView* view = host.app()->window()->storePanels()[0]->oplogView();
        return QStringLiteral("%1 rows, top row %2, scroll %3 of %4")
            .arg(host.app()->session()->oplog(0)->rowCount())
            .arg(view->rowAt(0))
            .arg(view->verticalScrollBar()->value())
            .arg(view->verticalScrollBar()->maximum());
    };
    host.app()->window()->storePanels()[0]->showOplogEnd();
    QTRY_VERIFY2_WITH_TIMEOUT(atNewest(), qPrintable(where()), 20000);

    host.app()->session()->refresh();
    QTest::qWait(200);
    QTRY_VERIFY2_WITH_TIMEOUT(atNewest(), qPrintable(where()), 20000);

    // Scrolled up to read: a reload keeps the place.
    QTableView* view = host.app()->window()->storePanels()[0]->oplogView();
    view->scrollTo(view->model()->index(1200, 0), QAbstractItemView::PositionAtTop);
    QCOMPARE(view->rowAt(0), 1200);
    host.app()->session()->refresh();
    QTest::qWait(200);
    QTRY_VERIFY2_WITH_TIMEOUT(view->rowAt(0) == 1200, qPrintable(where()), 20000);

    // A store added: the window is built again, its SQL oplog at the newest entries.
    host.app()->workspace()->addStore(
        {"REDIS",
         {},
         "sqlite://" + dir_.filePath(QStringLiteral("newest-REDIS.db")).toStdString()});
    QTRY_COMPARE(changed.size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    QTRY_VERIFY2_WITH_TIMEOUT(atNewest(), qPrintable(where()), 20000);
}

QTEST_MAIN(TestOplogFollow)
#include "tst_oplogfollow.moc"

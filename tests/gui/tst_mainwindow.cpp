// The minimal main window shows the workspace's stores from its model and keeps up with it.
#include "mainwindow.h"
#include "storesummarymodel.h"

#include <QAction>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace syncscope;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsStoresAndRefreshes();
};

void TestMainWindow::showsStoresAndRefreshes() {
    StoreSummaryModel model;
    model.setStores(
        {{QStringLiteral("SQL"), QStringLiteral("SQLite"), QStringLiteral("/d/sql.db"), true},
         {QStringLiteral("HIVE"), QStringLiteral("SQLite"), QStringLiteral("/d/hive.db"), true}});
    MainWindow window(&model, QStringLiteral("test workspace"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.windowTitle().contains(QStringLiteral("test workspace")));
    QTableView* table = window.storeTable();
    QCOMPARE(table->model()->rowCount(), 2);
    model.setCounts(0, 1000, 2500);
    QCOMPARE(table->model()->index(0, StoreSummaryModel::Keys).data().toLongLong(), 1000);

    QSignalSpy refresh(&window, &MainWindow::refreshRequested);
    QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier); // File > Reload stores (F5 is Run)
    QCOMPARE(refresh.size(), 1);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

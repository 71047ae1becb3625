// The desktop program driven like a user: commands typed in the command bar reach the stores
// through their workers, and the panels and console show the result; a bad line runs nothing.
#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "mainwindow.h"
#include "oplogmodel.h"
#include "storepanel.h"
#include "workspacesession.h"

#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiApp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandsTypedInTheBarReachTheStores();

private:
    void type(const QString& line);
    QString cell(int store, const char* sid, const char* cid, int column);
    QTemporaryDir dir_;
    std::unique_ptr<GuiApp> app_;
};

void TestGuiApp::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    std::vector<StoreSpec> stores;
    for (const char* name : {"SQL", "HIVE", "MONGO"})
        stores.push_back(
            {name,
             {},
             "sqlite://" +
                 dir_.filePath(QString::fromLatin1(name) + QStringLiteral(".db")).toStdString()});
    stores[0].aliases = {"MYSQL"};
    app_ = std::make_unique<GuiApp>(stores, QStringLiteral("test"));
    app_->start();
    QVERIFY(QTest::qWaitForWindowExposed(app_->window()));
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
    QVERIFY(app_->commandBar()->lineEdit()->isEnabled());
}

void TestGuiApp::type(const QString& line) {
    QLineEdit* edit = app_->commandBar()->lineEdit();
    edit->clear();
    QTest::keyClicks(edit, line);
    QTest::keyClick(edit, Qt::Key_Return);
}

QString TestGuiApp::cell(int store, const char* sid, const char* cid, int column) {
    GradeTableModel* grades = app_->session()->grades(store);
    const int row = grades->rowOf(sid, cid);
    return row < 0 ? QStringLiteral("<none>") : grades->index(row, column).data().toString();
}

void TestGuiApp::commandsTypedInTheBarReachTheStores() {
    type(QStringLiteral("SQL.SET((SID1033,CSE016),A)"));
    QTRY_COMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("A"));
    QCOMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Timestamp), QStringLiteral("1"));
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), 1);
    QCOMPARE(app_->session()->oplog(0)->index(0, OplogModel::Op).data().toString(),
             QStringLiteral("SET"));
    QVERIFY(app_->commandBar()->lineEdit()->text().isEmpty()); // accepted: cleared

    type(QStringLiteral("5, mysql.GET(SID1033,CSE016)"));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(QStringLiteral("5, SQL.GET(SID1033,CSE016) = A")));
    QTableView* view = app_->window()->storePanels()[0]->gradeView();
    QCOMPARE(view->selectionModel()->selectedRows().value(0).row(),
             app_->session()->grades(0)->rowOf("SID1033", "CSE016"));

    // The GET is logged too, once its batch is committed.
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), 2);
    QCOMPARE(app_->session()->oplog(0)->index(1, OplogModel::Op).data().toString(),
             QStringLiteral("GET"));

    // A bad line: the error at its column, nothing runs, the text stays for fixing.
    const int oplogRows = app_->session()->oplog(0)->rowCount();
    type(QStringLiteral("SQL.SET((SID1033 CSE016),B)"));
    QCOMPARE(app_->commandBar()->errorText(),
             QStringLiteral("column 18: expected ',' after student id"));
    QCOMPARE(app_->commandBar()->lineEdit()->text(), QStringLiteral("SQL.SET((SID1033 CSE016),B)"));
    type(QStringLiteral("REDIS.GET(a,b)"));
    QVERIFY(app_->commandBar()->errorText().contains(QStringLiteral("unknown store 'REDIS'")));
    QTest::qWait(100);
    QCOMPARE(app_->session()->oplog(0)->rowCount(), oplogRows);

    // Merges and deletes travel like in syncscope-cli; timestamps continue the session's clock.
    type(QStringLiteral("HIVE.SET((SID1033,CSE016),B)")); // ts 6
    type(QStringLiteral("SQL.MERGE(HIVE)"));
    QTRY_COMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("B"));
    QCOMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Origin), QStringLiteral("HIVE"));
    type(QStringLiteral("MONGO.DELETE(SID1033,CSE016)")); // ts 7
    type(QStringLiteral("FULL_SYNC"));
    QTRY_COMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("<none>"));
    QTRY_COMPARE(cell(1, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("<none>"));
    QTRY_COMPARE(app_->session()->oplog(1)->rowCount(), 2); // HIVE: its SET, then the delete

    // Up walks back through the history.
    QTest::keyClick(app_->commandBar()->lineEdit(), Qt::Key_Up);
    QCOMPARE(app_->commandBar()->lineEdit()->text(), QStringLiteral("FULL_SYNC"));
}

QTEST_MAIN(TestGuiApp)
#include "tst_guiapp.moc"

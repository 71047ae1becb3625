// The window on a MongoDB store (the wire-protocol peer) beside an embedded one: commands reach
// MongoDB, a merge writes back into it, and a write another MongoDB client makes (as mongosh
// would) is found by the comparison, logged once, shown in the panel and named in the console,
// with the comparison's lag in the status bar.
#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "guidriver.h"
#include "mongopeer.h"
#include "mongoraw.h"
#include "oplogmodel.h"
#include "workspacesession.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiMongo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandsAndMergesReachMongo();
    void outsideWritesShowInThePanel();
    void cleanupTestCase() { app_.reset(); }

private:
    void type(const QString& line);
    QString grade(int store, const char* sid, const char* cid);
    QTemporaryDir dir_;
    lab::MongoPeer peer_;
    QString uri_;
    std::unique_ptr<GuiApp> app_;
    std::unique_ptr<QSignalSpy> notices_;
};

void TestGuiMongo::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    QVERIFY2(peer_.start(problem), qPrintable(problem));
    uri_ = lab::mongoFreshDatabase(peer_.uri());
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    app_ = std::make_unique<GuiApp>(
        std::vector<StoreSpec>{{"MONGO", {}, uri_.toStdString()}, {"SQL", {}, "sqlite::memory:"}},
        QStringLiteral("mongo"));
    notices_ = std::make_unique<QSignalSpy>(app_->session(), &WorkspaceSession::storeFailed);
    app_->start();
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
}

void TestGuiMongo::type(const QString& line) {
    lab::typeLine(*app_, line);
}

QString TestGuiMongo::grade(int store, const char* sid, const char* cid) {
    return lab::panelGrade(*app_, store, sid, cid);
}

void TestGuiMongo::commandsAndMergesReachMongo() {
    QCOMPARE(app_->session()->description(0).kind, QStringLiteral("MongoDB"));
    type(QStringLiteral("MONGO.SET((SID1,CSE1),A)"));
    QTRY_COMPARE(grade(0, "SID1", "CSE1"), QStringLiteral("A"));
    type(QStringLiteral("SQL.SET((SID2,CSE1),B)"));
    QTRY_COMPARE(grade(1, "SID2", "CSE1"), QStringLiteral("B"));
    type(QStringLiteral("MONGO.MERGE(SQL)"));
    QTRY_COMPARE_WITH_TIMEOUT(grade(0, "SID2", "CSE1"), QStringLiteral("B"), 10000);
    // In MongoDB itself, as another client sees it.
    lab::RawDatabase raw(uri_);
    QTRY_VERIFY(raw.command(R"({"count": "grades", "query": {"grade": "B"}})")
                    .contains(QLatin1String("\"n\" : 1")));
    QTRY_VERIFY(raw.command(R"({"count": "oplog", "query": {"o": "SQL"}})")
                    .contains(QLatin1String("\"n\" : 1")));
    // The panel's oplog: the SET and the merged write.
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), 2);
}

void TestGuiMongo::outsideWritesShowInThePanel() {
    const int oplogRows = app_->session()->oplog(0)->rowCount();
    lab::RawDatabase raw(uri_);
    QString error;
    raw.command(R"({"update": "grades", "updates": [{"q": {"_id": {"s": "SID1", "c": "CSE1"}},
        "u": {"$set": {"grade": "Z"}}}]})",
                &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The comparison runs every second or so on a store this small.
    QTRY_COMPARE_WITH_TIMEOUT(grade(0, "SID1", "CSE1"), QStringLiteral("Z"), 5000);
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(QStringLiteral("MONGO.SET((SID1,CSE1),Z)")));
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), oplogRows + 1);
    // The engine has it: a GET answers it.
    type(QStringLiteral("MONGO.GET(SID1,CSE1)"));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(QStringLiteral("MONGO.GET(SID1,CSE1) = Z")));
    // The user was told how far behind the comparison runs.
    bool told = false;
    for (const QList<QVariant>& notice : *notices_)
        told = told || notice.at(0).toString().contains(QLatin1String("comparing every grade row"));
    QVERIFY(told);
    // Logged once: later comparisons find nothing new (the GET is the only entry since).
    QTest::qWait(2500);
    QCOMPARE(app_->session()->oplog(0)->rowCount(), oplogRows + 2);
}

QTEST_MAIN(TestGuiMongo)
#include "tst_guimongo.moc"

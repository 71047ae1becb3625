// Data > Follow in the window: SQL followed into MONGO and HIVE through the stores'
// own workers. Writes typed into SQL reach both targets; the Follow dock's table counts them
// (its model under QAbstractItemModelTester) and its plot gains a point a second; Pause (F8)
// lets the batch out land, then the targets' panels show the replicated rows; Stop saves the
// positions next to the workspace, and a second follow resumes there without writing anything
// twice.
#include "commandsession.h"
#include "consoleview.h"
#include "followactions.h"
#include "followpanel.h"
#include "followplot.h"
#include "followstatefile.h"
#include "guiapp.h"
#include "guidriver.h"
#include "mainwindow.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiReplicate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void followPauseStopResume();
    void cleanupTestCase() { app_.reset(); }

private:
    qlonglong cell(int row, int column) const;
    QTemporaryDir dir_;
    QString workspace_;
    std::unique_ptr<GuiApp> app_;
};

qlonglong TestGuiReplicate::cell(int row, int column) const {
    FollowProgressModel* m = app_->follower()->panel()->model();
    return m->data(m->index(row, column)).toLongLong();
}

void TestGuiReplicate::initTestCase() {
    QVERIFY(dir_.isValid());
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    qputenv("SYNCSCOPE_DATA_DIR", dir_.path().toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    workspace_ = dir_.filePath(QStringLiteral("ws.json"));
    QFile ws(workspace_);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    ws.write("{}");
    ws.close();
    std::vector<StoreSpec> stores;
    for (const char* name : {"SQL", "MONGO", "HIVE"})
        stores.push_back({name,
                          {},
                          "sqlite://" + dir_.filePath(QString::fromLatin1(name).toLower() +
                                                      QStringLiteral(".db"))
                                            .toStdString()});
    app_ = std::make_unique<GuiApp>(stores, workspace_);
    app_->start();
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
}

void TestGuiReplicate::followPauseStopResume() {
    FollowActions* follow = app_->follower();
    FollowPanel* panel = follow->panel();
    QAbstractItemModelTester tester(panel->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    lab::typeLine(*app_, QStringLiteral("SQL.SET((SID1,CSE1),A)"));
    lab::typeLine(*app_, QStringLiteral("SQL.SET((SID2,CSE1),B)"));
    lab::typeLine(*app_, QStringLiteral("SQL.GET((SID1,CSE1))"));

    QSignalSpy started(follow, &FollowActions::followStarted);
    follow->follow(QStringLiteral("SQL"), {QStringLiteral("MONGO"), QStringLiteral("HIVE")});
    QVERIFY(started.wait(10000));
    QCOMPARE(panel->title(), QStringLiteral("Following SQL → MONGO, HIVE"));
    QCOMPARE(panel->model()->rowCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(cell(0, FollowProgressModel::Applied), 2LL, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, FollowProgressModel::Applied), 2LL, 10000);

    // Live: a write typed now follows within moments.
    lab::typeLine(*app_, QStringLiteral("SQL.DELETE((SID2,CSE1))"));
    lab::typeLine(*app_, QStringLiteral("SQL.SET((SID3,CSE2),C)"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(0, FollowProgressModel::Applied), 4LL, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, FollowProgressModel::Applied), 4LL, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(panel->plot()->sampleCount(1) >= 2, 5000);
    // The targets' panels show the replicated writes while the follow runs, deletes included,
    // and the engine has them (a GET answers from it).
    for (int target : {1, 2}) {
        QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(*app_, target, "SID3", "CSE2"),
                                  QStringLiteral("C"), 10000);
        QCOMPARE(lab::panelGrade(*app_, target, "SID1", "CSE1"), QStringLiteral("A"));
        QCOMPARE(lab::panelGrade(*app_, target, "SID2", "CSE1"), QStringLiteral("<none>"));
    }
    QCOMPARE(panel->model()->progress(0).state, FollowProgress::State::Following);
    lab::typeLine(*app_, QStringLiteral("MONGO.GET((SID3,CSE2))"));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(QStringLiteral("MONGO.GET(SID3,CSE2) = C")));

    // Pause: once settled the targets' panels read their stores again.
    QSignalSpy refreshed(follow, &FollowActions::viewsRefreshed);
    panel->pauseButton()->click();
    QVERIFY(!refreshed.isEmpty() || refreshed.wait(10000)); // at once when nothing was out
    QCOMPARE(panel->model()->progress(0).state, FollowProgress::State::Paused);
    QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(*app_, 1, "SID3", "CSE2"), QStringLiteral("C"),
                              10000);
    QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(*app_, 2, "SID1", "CSE1"), QStringLiteral("A"),
                              10000);
    // While paused nothing moves on.
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 10000);
    lab::typeLine(*app_, QStringLiteral("SQL.SET((SID4,CSE2),D)"));
    QTest::qWait(500);
    QCOMPARE(cell(0, FollowProgressModel::Applied), 4LL);
    panel->pauseButton()->click(); // resume
    QTRY_COMPARE_WITH_TIMEOUT(cell(0, FollowProgressModel::Applied), 5LL, 10000);

    // Stop: the positions are kept next to the workspace.
    QSignalSpy stopped(follow, &FollowActions::followStopped);
    QTRY_VERIFY_WITH_TIMEOUT(
        panel->model()->progress(1).caughtUp && cell(1, FollowProgressModel::Applied) == 5, 10000);
    const qlonglong stoppedAt = cell(1, FollowProgressModel::Position);
    panel->stopButton()->click();
    QVERIFY(!stopped.isEmpty() || stopped.wait(10000));
    QVERIFY(!follow->isFollowing());
    QVERIFY(!panel->stopButton()->isEnabled());
    const QString statePath = dir_.filePath(QStringLiteral("ws.follow-SQL.json"));
    QCOMPARE(follow->statePath(QStringLiteral("SQL")), statePath);
    QString error;
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(statePath), 5000);
    std::optional<FollowState> saved;
    QTRY_VERIFY_WITH_TIMEOUT((saved = readFollowState(statePath, error)) &&
                                 saved->targets[QStringLiteral("HIVE")].position == stoppedAt,
                             5000);

    // Again: it resumes where it stopped, and finds nothing to write.
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 10000);
    follow->follow(QStringLiteral("SQL"), {QStringLiteral("MONGO"), QStringLiteral("HIVE")});
    QVERIFY(started.wait(10000));
    QCOMPARE(panel->model()->rowCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(panel->model()->progress(1).caughtUp, 10000);
    QTest::qWait(1100); // a sample
    QCOMPARE(cell(0, FollowProgressModel::Applied), 0LL);
    QCOMPARE(cell(1, FollowProgressModel::Applied), 0LL);
    QCOMPARE(cell(0, FollowProgressModel::Position),
             saved->targets[QStringLiteral("MONGO")].position);
    follow->stop();
    QVERIFY(stopped.size() == 2 || stopped.wait(10000));
}

QTEST_MAIN(TestGuiReplicate)
#include "tst_guireplicate.moc"

// Data > Follow in the window: SQL followed into MONGO and HIVE through the stores'
// own workers. Writes typed into SQL reach both targets; the Follow dock's table counts them
// (its model under QAbstractItemModelTester) and its plot gains a point a second; Pause (F8)
// lets the batch out land, then the targets' panels show the replicated rows; Stop saves the
// positions next to the workspace, and a second follow resumes there without writing anything
// twice.
#include "awaitfuture.h"
#include "commandsession.h"
#include "consoleview.h"
#include "followactions.h"
#include "followpanel.h"
#include "followplot.h"
#include "followstatefile.h"
#include "guiapp.h"
#include "guidriver.h"
#include "logrecords.h"
#include "mainwindow.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QProcess>
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
    void aWriteNoTargetTakesIsSetAsideInTheDock();
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

// A write in the source's oplog that no target can take (a control character in its grade,
// logged by an outside program before the data rules were checked) is set aside: the dock lists
// it with its reason, the follow goes on to the valid write after it, the state file keeps it,
// and Retry Set-Aside offers it again (still refused, still listed, nothing written twice).
void TestGuiReplicate::aWriteNoTargetTakesIsSetAsideInTheDock() {
    const QString src = dir_.filePath(QStringLiteral("src.db"));
    {
        auto made = StoreFactory::create(QStringLiteral("SRC"), QStringLiteral("sqlite://") + src);
        QVERIFY(made);
        StoreWorker worker(std::move(made.value()));
        QVERIFY(await(worker.open()).ok());
        QVERIFY(await(worker.append({setRecord("S1", "C1", "A", 1, "SRC", 1)})).ok());
    }
    // Planted by the sqlite3 client, as another program would have logged it.
    QProcess plant;
    plant.start(QStringLiteral("sqlite3"),
                {src, QStringLiteral("INSERT INTO oplog(op, student_id, course_id, grade, ts, "
                                     "origin, seq, wall_ms) VALUES ('SET', 'S2', 'C1', "
                                     "'B' || char(1), 2, 'SRC', 2, 0)")});
    QVERIFY(plant.waitForFinished(10000));
    QCOMPARE(plant.exitCode(), 0);
    {
        auto made = StoreFactory::create(QStringLiteral("SRC"), QStringLiteral("sqlite://") + src);
        StoreWorker worker(std::move(made.value()));
        QVERIFY(await(worker.open()).ok());
        QVERIFY(await(worker.append({setRecord("S3", "C1", "C", 3, "SRC", 3)})).ok());
    }
    const QString workspace = dir_.filePath(QStringLiteral("dead.json"));
    QFile ws(workspace);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    ws.write("{}");
    ws.close();
    GuiApp app({{"SRC", {}, "sqlite://" + src.toStdString()},
                {"LITE", {}, "sqlite://" + dir_.filePath(QStringLiteral("lite.db")).toStdString()}},
               workspace);
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    FollowActions* follow = app.follower();
    FollowPanel* panel = follow->panel();
    QAbstractItemModelTester tester(panel->deadLetters(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy started(follow, &FollowActions::followStarted);
    follow->follow(QStringLiteral("SRC"), {QStringLiteral("LITE")});
    QVERIFY(started.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(panel->deadLetters()->rowCount(), 1, 10000);
    const auto letter = [&](int column) {
        return panel->deadLetters()->index(0, column).data().toString();
    };
    QCOMPARE(letter(DeadLetterModel::Target), QStringLiteral("LITE"));
    QVERIFY2(letter(DeadLetterModel::Write).contains(QStringLiteral("(S2,C1)")),
             qPrintable(letter(DeadLetterModel::Write)));
    QVERIFY2(letter(DeadLetterModel::Reason).contains(QStringLiteral("control character")),
             qPrintable(letter(DeadLetterModel::Reason)));
    QVERIFY(panel->retryButton()->isVisibleTo(panel));
    // The follow went on: the valid write after it arrived.
    QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(app, 1, "S3", "C1"), QStringLiteral("C"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(
        panel->model()->data(panel->model()->index(0, FollowProgressModel::SetAside)).toInt(), 1,
        10000);

    // Retry: still refused, so still listed once; nothing else written.
    panel->retryButton()->click();
    QTest::qWait(1500);
    QCOMPARE(panel->deadLetters()->rowCount(), 1);
    QCOMPARE(lab::panelGrade(app, 1, "S2", "C1"), QStringLiteral("<none>"));

    // Stop: the state file keeps the write set aside.
    QSignalSpy stopped(follow, &FollowActions::followStopped);
    follow->stop();
    QVERIFY(!stopped.isEmpty() || stopped.wait(10000));
    QString error;
    std::optional<FollowState> saved;
    QTRY_VERIFY_WITH_TIMEOUT(
        (saved = readFollowState(follow->statePath(QStringLiteral("SRC")), error)) &&
            saved->targets[QStringLiteral("LITE")].deadLetters.size() == 1,
        5000);
}

QTEST_MAIN(TestGuiReplicate)
#include "tst_guireplicate.moc"

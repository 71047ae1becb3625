// The window follows writes made outside Syncscope on real servers: a row another client
// writes into PostgreSQL (LISTEN/NOTIFY), MariaDB (the polled oplog tail) or Redis (redis-cli
// HSET/HDEL, seen through keyspace notifications) shows in the store's panel within a second,
// enters the command engine (a GET sees it, a SET typed afterwards beats it), and is named in the
// console. Two sessions writing the same store at once, as two Syncscope processes would, lose
// nothing: the one whose write took a seq already taken is refused whole, reads the store again,
// and its command runs again cleanly.
#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "followactions.h"
#include "followpanel.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "guidriver.h"
#include "labservers.h"
#include "oplogmodel.h"
#include "storefactory.h"
#include "storeworker.h"
#include "workspacesession.h"

#include <QElapsedTimer>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiFollow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void outsideWritesShowWithinASecond_data();
    void outsideWritesShowWithinASecond();
    void twoSessionsWritingAtOnceLoseNothing();
    void followDockShowsTheSourceCapture();
    void cleanupTestCase() { app_.reset(); }

private:
    void type(const QString& line);
    QString grade(int store, const char* sid, const char* cid);
    // What another client does: SQL through a connection of its own, redis-cli for Redis.
    void outsideSet(int store, const QString& grade, bool insert);
    void outsideDelete(int store);
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
    QString uris_[5]; // PG, MARIA, REDIS, PGLOG and MARIALOG (capture=log)
    std::vector<StoreSpec> stores_;
    std::unique_ptr<GuiApp> app_;
};

void TestGuiFollow::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    uris_[0] = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[1] = lab::freshDatabase(servers_->mariadb, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[2] = lab::freshDatabase(servers_->redis, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[3] = lab::freshDatabase(servers_->postgres, servers_->password, problem) +
               QStringLiteral("?capture=log");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[4] = lab::freshDatabase(servers_->mariadb, servers_->password, problem) +
               QStringLiteral("?capture=log");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (const char* name : {"PG", "MARIA", "REDIS", "PGLOG", "MARIALOG"})
        qputenv((QByteArray("SYNCSCOPE_PASSWORD_") + name).constData(),
                servers_->password.toUtf8());
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    stores_ = {{"PG", {}, uris_[0].toStdString()},
               {"MARIA", {}, uris_[1].toStdString()},
               {"REDIS", {}, uris_[2].toStdString()},
               {"PGLOG", {}, uris_[3].toStdString()},
               {"MARIALOG", {}, uris_[4].toStdString()}};
    app_ = std::make_unique<GuiApp>(stores_, QStringLiteral("follow"));
    app_->start();
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
}

void TestGuiFollow::type(const QString& line) {
    lab::typeLine(*app_, line);
}

QString TestGuiFollow::grade(int store, const char* sid, const char* cid) {
    return lab::panelGrade(*app_, store, sid, cid);
}

void TestGuiFollow::outsideSet(int store, const QString& grade, bool insert) {
    if (store != 2) {
        QCOMPARE(lab::run(uris_[store], servers_->password,
                          insert ? QStringLiteral("INSERT INTO grades(student_id, course_id, "
                                                  "grade) VALUES ('SID1', 'CSE1', '%1')")
                                       .arg(grade)
                                 : QStringLiteral("UPDATE grades SET grade = '%1' WHERE "
                                                  "student_id = 'SID1'")
                                       .arg(grade)),
                 QString());
        return;
    }
    QCOMPARE(lab::redisCli(servers_->redis, servers_->password,
                           {QStringLiteral("HSET"), lab::redisKey(uris_[2], "grades"),
                            QStringLiteral("SID1,CSE1"), grade}),
             insert ? QStringLiteral("1") : QStringLiteral("0"));
}

void TestGuiFollow::outsideDelete(int store) {
    if (store != 2) {
        QCOMPARE(lab::run(uris_[store], servers_->password,
                          QStringLiteral("DELETE FROM grades WHERE student_id = 'SID1'")),
                 QString());
        return;
    }
    QCOMPARE(lab::redisCli(servers_->redis, servers_->password,
                           {QStringLiteral("HDEL"), lab::redisKey(uris_[2], "grades"),
                            QStringLiteral("SID1,CSE1")}),
             QStringLiteral("1"));
}

void TestGuiFollow::outsideWritesShowWithinASecond_data() {
    QTest::addColumn<int>("store");
    QTest::newRow("postgresql (notified)") << 0;
    QTest::newRow("mariadb (polled)") << 1;
    QTest::newRow("redis (keyspace notifications)") << 2;
    QTest::newRow("postgresql (logical replication slot)") << 3;
    QTest::newRow("mariadb (binlog)") << 4;
}

void TestGuiFollow::outsideWritesShowWithinASecond() {
    QFETCH(int, store);
    const QString name = QString::fromStdString(stores_[static_cast<size_t>(store)].name);
    const int oplogRows = app_->session()->oplog(store)->rowCount();

    // Timed from the client's commit (the client has returned) to the row on screen.
    outsideSet(store, QStringLiteral("B"), true);
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(grade(store, "SID1", "CSE1"), QStringLiteral("B"), 5000);
    const qint64 shownAfter = clock.elapsed();
    qInfo("%s: an outside write showed in the panel %lld ms after its commit", qPrintable(name),
          shownAfter);
    QVERIFY2(shownAfter < 1000, qPrintable(QStringLiteral("%1 ms").arg(shownAfter)));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(name + QStringLiteral(".SET((SID1,CSE1),B)")));
    QTRY_COMPARE(app_->session()->oplog(store)->rowCount(), oplogRows + 1);

    // The engine has it: a GET answers it, and a SET typed now sorts after it and wins.
    type(name + QStringLiteral(".GET(SID1,CSE1)"));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(name + QStringLiteral(".GET(SID1,CSE1) = B")));
    type(name + QStringLiteral(".SET((SID1,CSE1),A)"));
    QTRY_COMPARE(grade(store, "SID1", "CSE1"), QStringLiteral("A"));

    // An UPDATE and a DELETE from outside follow too; the typed write is not logged twice.
    outsideSet(store, QStringLiteral("C"), false);
    QTRY_COMPARE_WITH_TIMEOUT(grade(store, "SID1", "CSE1"), QStringLiteral("C"), 2000);
    outsideDelete(store);
    // The panel lists live keys only, whether the store keeps a tombstone (PostgreSQL) or not.
    QTRY_COMPARE_WITH_TIMEOUT(grade(store, "SID1", "CSE1"), QStringLiteral("<none>"), 2000);
    // INSERT, GET, SET, UPDATE, DELETE: five entries, each once.
    QTRY_COMPARE(app_->session()->oplog(store)->rowCount(), oplogRows + 5);
    type(name + QStringLiteral(".GET(SID1,CSE1)"));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(name + QStringLiteral(".GET(SID1,CSE1) = NULL")));

    // The panel's header says how outside writes are captured, and where a log capture stands.
    const QString header = lab::panelHeader(*app_, store);
    qInfo("%s's header: %s", qPrintable(name), qPrintable(header));
    if (store == 2)
        QVERIFY2(!header.contains(QStringLiteral("capture")), qPrintable(header));
    else if (store < 2)
        QVERIFY2(header.endsWith(QStringLiteral("capture: triggers")), qPrintable(header));
    else
        QTRY_VERIFY2_WITH_TIMEOUT(
            lab::panelHeader(*app_, store)
                .contains(QRegularExpression(store == 3 ? QStringLiteral("capture: log at LSN "
                                                                         "[0-9A-F]+/[0-9A-F]+, "
                                                                         "lag [0-9]+ ms")
                                                        : QStringLiteral("capture: log at "
                                                                         "[^ ]+:[0-9]+ .*, lag "))),
            qPrintable(lab::panelHeader(*app_, store)), 3000);
}

void TestGuiFollow::twoSessionsWritingAtOnceLoseNothing() {
    // A second session with its own workers and connections: another Syncscope process.
    std::vector<std::unique_ptr<StoreWorker>> owned;
    std::vector<StoreWorker*> workers;
    for (const StoreSpec& s : stores_) {
        auto made = StoreFactory::create(QString::fromStdString(s.name),
                                         QString::fromStdString(s.uri), servers_->password);
        QVERIFY(made.ok());
        owned.push_back(std::make_unique<StoreWorker>(std::move(made.value())));
        QVERIFY(owned.back()->open().result().ok());
        workers.push_back(owned.back().get());
    }
    CommandSession other(stores_, workers);
    other.load();
    QTRY_VERIFY_WITH_TIMEOUT(other.isReady(), 20000);
    QSignalSpy otherFailed(&other, &CommandSession::failed);
    QSignalSpy appFailed(app_->commands(), &CommandSession::failed);

    // Both number their write MARIA's next seq before either reaches the server.
    QVERIFY(!app_->commands()->execute(QStringLiteral("100, MARIA.SET((SID7,CSE1),mine)")));
    QVERIFY(!other.execute(QStringLiteral("100, MARIA.SET((SID8,CSE1),theirs)")));
    QTRY_COMPARE_WITH_TIMEOUT(otherFailed.count() + appFailed.count(), 1, 5000);
    QSignalSpy& loser = otherFailed.count() == 1 ? otherFailed : appFailed;
    CommandSession* refused = otherFailed.count() == 1 ? &other : app_->commands();
    const QString why = loser.at(0).at(0).toString();
    QVERIFY2(why.contains(QStringLiteral("already taken")), qPrintable(why));
    // The refused session read the store again and runs its command again, with a fresh seq.
    QTRY_VERIFY_WITH_TIMEOUT(refused->isReady(), 20000);
    QVERIFY(!refused->execute(refused == &other
                                  ? QStringLiteral("101, MARIA.SET((SID8,CSE1),theirs)")
                                  : QStringLiteral("101, MARIA.SET((SID7,CSE1),mine)")));
    // Both writes in the store once each, and the window shows both.
    QTRY_COMPARE_WITH_TIMEOUT(grade(1, "SID7", "CSE1"), QStringLiteral("mine"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(grade(1, "SID8", "CSE1"), QStringLiteral("theirs"), 5000);
    const auto log = workers[1]->readOplog().result();
    QVERIFY(log.ok());
    std::map<uint64_t, int> seqs;
    int sid7 = 0, sid8 = 0;
    for (const LogRecord& r : log.value()) {
        if (r.isWrite() && r.origin == "MARIA")
            QVERIFY2(++seqs[r.seq] == 1, "two writes with one identity");
        sid7 += r.studentId == "SID7";
        sid8 += r.studentId == "SID8";
    }
    QCOMPARE(sid7, 1);
    QCOMPARE(sid8, 1);
    QCOMPARE(otherFailed.count() + appFailed.count(), 1);
}

QTEST_MAIN(TestGuiFollow)
// Following a store captured from its server's log, the Follow dock's title says where that
// capture stands, as the store's panel does.
void TestGuiFollow::followDockShowsTheSourceCapture() {
    FollowActions* follow = app_->follower();
    QSignalSpy started(follow, &FollowActions::followStarted);
    follow->follow(QStringLiteral("PGLOG"), {QStringLiteral("REDIS")});
    QVERIFY(started.wait(10000));
    outsideSet(3, QStringLiteral("D"), true);
    QTRY_VERIFY2_WITH_TIMEOUT(follow->panel()->title().contains(QRegularExpression(QStringLiteral(
                                  "^Following PGLOG → REDIS  ·  PGLOG's capture: log at LSN "
                                  "[0-9A-F]+/[0-9A-F]+, lag [0-9]+ ms$"))),
                              qPrintable(follow->panel()->title()), 5000);
    follow->stop();
    QTRY_VERIFY_WITH_TIMEOUT(follow->panel()->title().startsWith(QStringLiteral("Stopped")), 10000);
}

#include "tst_guifollow.moc"

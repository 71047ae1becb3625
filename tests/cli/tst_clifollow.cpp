// syncscope-cli follow: MariaDB followed into PostgreSQL and Redis while a writer
// changes it, through Syncscope's own writes and through the mysql client (captured by the
// store's triggers). The Redis target is killed (SIGKILL) and started again mid-stream, then
// the follower itself is killed and started again. At the end `verify` finds no difference,
// every write of the source is in each target's oplog exactly once, and the positions file
// lets a last run find nothing left to do.
//
// The Redis server is the test's own (killed without touching the servers other tests share),
// with an append-only file synced on every write, so what it acknowledged survives the kill.
#include "clirun.h"
#include "freeport.h"
#include "labstore.h"
#include "logrecords.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <set>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace syncscope;

namespace {} // namespace

class TestCliFollow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void followSurvivesKilledTargetAndFollower();
    void badOptionsChangeNothing();

private:
    bool startRedis(QString& problem);
    QProcess* follower();
    QStringList followArgs() const;

    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
    QProcess redis_;
    int redisPort_ = 0;
    QString workspace_, sqlUri_, pgUri_;
    std::unique_ptr<StoreWorker> source_;
};

QStringList TestCliFollow::followArgs() const {
    return {QStringLiteral("follow"),  QStringLiteral("--workspace"), workspace_,
            QStringLiteral("--from"),  QStringLiteral("SQL"),         QStringLiteral("--to"),
            QStringLiteral("PG,REDIS")};
}

// A follower in the background; its output is kept for the checks.
QProcess* TestCliFollow::follower() {
    auto* p = new QProcess(this);
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->start(QStringLiteral(SYNCSCOPE_CLI), followArgs());
    return p;
}

bool TestCliFollow::startRedis(QString& problem) {
    redis_.start(QStringLiteral("redis-server"),
                 {QStringLiteral("--port"), QString::number(redisPort_), QStringLiteral("--bind"),
                  QStringLiteral("127.0.0.1"), QStringLiteral("--dir"), dir_.path(),
                  QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
                  QStringLiteral("yes"), QStringLiteral("--appendfsync"),
                  QStringLiteral("always")});
    if (!redis_.waitForStarted(10000)) {
        problem = QStringLiteral("redis-server did not start: ") + redis_.errorString();
        return false;
    }
    for (int i = 0; i < 100; ++i) {
        QProcess ping;
        ping.start(QStringLiteral("redis-cli"),
                   {QStringLiteral("-p"), QString::number(redisPort_), QStringLiteral("PING")});
        ping.waitForFinished(5000);
        if (ping.readAllStandardOutput().trimmed() == "PONG")
            return true;
        QTest::qWait(100);
    }
    problem = QStringLiteral("redis-server did not answer");
    return false;
}

void TestCliFollow::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    redisPort_ = lab::freePort();
    QVERIFY(redisPort_ > 0);
    QVERIFY2(startRedis(problem), qPrintable(problem));
    source_ = lab::freshStore(QStringLiteral("SQL"), servers_->mariadb, servers_->password, sqlUri_,
                              problem);
    QVERIFY2(source_, qPrintable(problem));
    pgUri_ = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QJsonArray stores;
    stores.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("SQL")},
                              {QStringLiteral("uri"), sqlUri_}});
    stores.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("PG")},
                              {QStringLiteral("uri"), pgUri_}});
    stores.append(QJsonObject{
        {QStringLiteral("name"), QStringLiteral("REDIS")},
        {QStringLiteral("uri"), QStringLiteral("redis://127.0.0.1:%1?prefix=f").arg(redisPort_)}});
    workspace_ = dir_.filePath(QStringLiteral("ws.json"));
    QFile ws(workspace_);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    ws.write(QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson());
    ws.close();
    qputenv("SYNCSCOPE_PASSWORD_SQL", servers_->password.toUtf8());
    qputenv("SYNCSCOPE_PASSWORD_PG", servers_->password.toUtf8());
}

void TestCliFollow::cleanupTestCase() {
    source_.reset();
    redis_.terminate();
    redis_.waitForFinished(10000);
}

void TestCliFollow::followSurvivesKilledTargetAndFollower() {
    QProcess* first = follower();
    QVERIFY(first->waitForStarted(10000));
    QString firstOutput;

    // The writer: 24 batches of 400 writes over 4,000 keys (each key written again and again,
    // so last-writer-wins matters), with writes through the mysql client in between.
    uint64_t seq = 0;
    QProcess* second = nullptr;
    for (int batch = 0; batch < 24; ++batch) {
        std::vector<LogRecord> writes;
        for (int i = 0; i < 400; ++i) {
            ++seq;
            const int key = static_cast<int>(seq * 7919 % 4000);
            writes.push_back(setRecord("SID" + std::to_string(key), "CSE" + std::to_string(key % 7),
                                       std::string(1, static_cast<char>('A' + seq % 5)),
                                       static_cast<int64_t>(seq), "HIVE", seq));
            if (seq % 97 == 0)
                writes.back() = deleteRecord(writes.back().studentId, writes.back().courseId,
                                             static_cast<int64_t>(seq), "HIVE", seq);
        }
        const Status written = await(source_->append(writes));
        QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error().toString()));
        if (batch % 4 == 1) {
            const QString outside =
                lab::run(sqlUri_, servers_->password,
                         QStringLiteral("UPDATE grades SET grade = 'C-' WHERE student_id = 'SID%1'")
                             .arg(batch * 13));
            QVERIFY2(outside.isEmpty(), qPrintable(outside));
        }
        if (batch == 6) { // the Redis target goes down for a while
            redis_.kill();
            QVERIFY(redis_.waitForFinished(10000));
            QTest::qWait(1500);
            QString problem;
            QVERIFY2(startRedis(problem), qPrintable(problem));
        }
        if (batch == 14) { // the follower is killed; another takes over
            first->kill();
            QVERIFY(first->waitForFinished(10000));
            firstOutput = QString::fromUtf8(first->readAll());
            second = follower();
            QVERIFY(second->waitForStarted(10000));
        }
        QTest::qWait(100);
    }
    QVERIFY(second);
    QTest::qWait(1500);
    second->terminate(); // SIGTERM: a clean stop that saves the positions
    QVERIFY(second->waitForFinished(30000));
    const QString secondOutput = QString::fromUtf8(second->readAll());
    QVERIFY2(second->exitStatus() == QProcess::NormalExit && second->exitCode() == 0,
             qPrintable(secondOutput));
    qInfo("first follower:\n%s", qPrintable(firstOutput.right(1500)));
    qInfo("second follower:\n%s", qPrintable(secondOutput.right(1500)));
    // The killed Redis was noticed and named.
    QVERIFY2(firstOutput.contains(QStringLiteral("REDIS")) &&
                 (firstOutput.contains(QStringLiteral("lost the connection")) ||
                  firstOutput.contains(QStringLiteral("retrying"))),
             qPrintable(firstOutput));
    QVERIFY2(secondOutput.contains(QStringLiteral("follow REDIS: resuming after position")),
             qPrintable(secondOutput));

    // Nothing left to do for a last run, which stops once caught up.
    auto [code, out, err] = lab::runCli(followArgs() << QStringLiteral("--until-caught-up"));
    QVERIFY2(code == 0, qPrintable(err));
    QVERIFY2(out.contains(QStringLiteral("follow PG: 0 writes applied")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("follow REDIS: 0 writes applied")), qPrintable(out));

    // The stores agree, row for row and each with its own oplog.
    auto [vcode, vout, verr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_});
    QVERIFY2(vcode == 0, qPrintable(vout + verr));

    // Every write of the source reached each target exactly once.
    const Result<std::vector<LogRecord>> sourceLog = await(source_->readOplog());
    QVERIFY(sourceLog.ok());
    std::set<std::pair<std::string, uint64_t>> sourceWrites;
    for (const LogRecord& r : sourceLog.value())
        if (r.isWrite())
            sourceWrites.emplace(r.origin, r.seq);
    QVERIFY(sourceWrites.size() > 24 * 400); // the writer's, and the mysql client's
    const QString targets[] = {pgUri_,
                               QStringLiteral("redis://127.0.0.1:%1?prefix=f").arg(redisPort_)};
    for (const QString& uri : targets) {
        auto made =
            StoreFactory::create(uri == pgUri_ ? QStringLiteral("PG") : QStringLiteral("REDIS"),
                                 uri, uri == pgUri_ ? servers_->password : QString());
        QVERIFY(made.ok());
        StoreWorker target(std::move(made.value()));
        const Status opened = await(target.open());
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
        std::set<std::pair<std::string, uint64_t>> held;
        const Result<std::vector<LogRecord>> log = await(target.readOplog());
        QVERIFY(log.ok());
        for (const LogRecord& r : log.value())
            if (!held.emplace(r.origin, r.seq).second)
                QFAIL(qPrintable(uri + QStringLiteral(": a write logged twice: ") +
                                 QString::fromStdString(r.origin) + QString::number(r.seq)));
        QVERIFY2(held == sourceWrites, qPrintable(uri));
    }
}

void TestCliFollow::badOptionsChangeNothing() {
    auto [code, out, err] =
        lab::runCli({QStringLiteral("follow"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--from"), QStringLiteral("SQL"), QStringLiteral("--to"),
                     QStringLiteral("NOPE")});
    QCOMPARE(code, 2);
    QVERIFY2(err.contains(QStringLiteral("--to: NOPE is not a store of the workspace")),
             qPrintable(err));
}

QTEST_GUILESS_MAIN(TestCliFollow)
#include "tst_clifollow.moc"

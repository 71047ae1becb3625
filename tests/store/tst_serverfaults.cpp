// A database server (MariaDB, PostgreSQL, Redis) killed (SIGKILL) in the middle of a large apply,
// then started again: the store's worker reports the lost connection with the store's name, waits
// with back-off, writes the interrupted batch again once the server answers, and the apply
// completes. Afterwards the store holds exactly last-writer-wins over everything applied, every
// write is in the oplog, no oplog entry lacks its data and no data lacks its entry.
//
// The test kills servers of its own (scripts/services start/kill/revive in a temporary
// folder), never the ones the other tests share.
#include "awaitfuture.h"
#include "labservers.h"
#include "labstore.h"
#include "logrecords.h"
#include "redisconnection.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QFutureWatcher>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace syncscope;

namespace {
using Key = std::pair<std::string, std::string>;
using Stamp = std::tuple<int64_t, std::string, uint64_t>; // (ts, origin, seq): LWW order
} // namespace

class TestServerFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void refusedNotificationsAreReported();
    void killedMidApplyConverges_data();
    void killedMidApplyConverges();

private:
    bool services(const QStringList& args);
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
};

bool TestServerFaults::services(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(SYNCSCOPE_SERVICES_SCRIPT), args + QStringList{dir_.path()});
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning("services %s: %s", qPrintable(args.join(QLatin1Char(' '))),
                 p.readAllStandardError().constData());
        return false;
    }
    return true;
}

void TestServerFaults::initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY(services({QStringLiteral("start")}));
    qputenv("SYNCSCOPE_SERVICES_ENV", dir_.filePath(QStringLiteral("env")).toUtf8());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
}

void TestServerFaults::cleanupTestCase() {
    services({QStringLiteral("stop")});
}

// A Redis account that may not turn keyspace notifications on (this lab's server starts with
// them off) gets a clear refusal naming the store and what to change, not a store that silently
// misses outside writes.
void TestServerFaults::refusedNotificationsAreReported() {
    const QUrl url(servers_->redis);
    RedisConnection admin;
    QString why;
    QVERIFY2(admin.connect({url.host().toStdString(), url.port(), url.userName().toStdString(),
                            servers_->password.toStdString()},
                           why),
             qPrintable(why));
    RedisArgs a;
    a << "ACL"
      << "SETUSER"
      << "readonlyconfig"
      << "on"
      << ">pw"
      << "~*"
      << "&*"
      << "+@all"
      << "-config|set";
    QCOMPARE(admin.command(a, why).text(), std::string_view("OK"));
    QUrl limited = url;
    limited.setUserName(QStringLiteral("readonlyconfig"));
    limited.setQuery(QStringLiteral("prefix=refused"));
    auto made =
        StoreFactory::create(QStringLiteral("CACHE"), limited.toString(), QStringLiteral("pw"));
    QVERIFY(made.ok());
    StoreWorker worker(std::move(made.value()));
    QVERIFY(await(worker.open()).ok());
    const Result<bool> watching = await(worker.watchChanges());
    QVERIFY(!watching.ok());
    const QString message = watching.error().toString();
    QVERIFY2(message.startsWith(QStringLiteral("CACHE: cannot capture outside writes")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("notify-keyspace-events")), qPrintable(message));
    QVERIFY(await(worker.append({setRecord("S", "C", "A", 1, "CACHE", 1)})).ok()); // still usable
}

void TestServerFaults::killedMidApplyConverges_data() {
    QTest::addColumn<QString>("server");
    QTest::newRow("mariadb") << QStringLiteral("mariadb");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
    QTest::newRow("redis") << QStringLiteral("redis");
}

void TestServerFaults::killedMidApplyConverges() {
    QFETCH(QString, server);
    QString uri, problem;
    const auto opened = lab::freshStore(QStringLiteral("SQL"),
                                        server == QLatin1String("mariadb")      ? servers_->mariadb
                                        : server == QLatin1String("postgresql") ? servers_->postgres
                                                                                : servers_->redis,
                                        servers_->password, uri, problem);
    QVERIFY2(opened, qPrintable(problem));
    StoreWorker& worker = *opened;

    // 240,000 writes from two origins over 80,000 keys: each key is written three times, in
    // ts order, so the last one must win.
    std::vector<LogRecord> records;
    std::map<Key, Stamp> expected;
    for (int i = 0; i < 240000; ++i) {
        const std::string origin = i % 2 ? "HIVE" : "MONGO";
        records.push_back(setRecord("SID" + std::to_string(i % 80000), "CSE1",
                                    "G" + std::to_string(i), i + 1, origin,
                                    static_cast<uint64_t>(i / 2 + 1)));
        expected[{records.back().studentId, "CSE1"}] = {i + 1, origin, i / 2 + 1};
    }

    QSignalSpy notices(&worker, &StoreWorker::notice);
    QFuture<Status> apply = worker.append(records);
    QFutureWatcher<Status> watcher;
    bool killed = false;
    QProcess revive;
    connect(&watcher, &QFutureWatcher<Status>::progressValueChanged, this, [&](int done) {
        if (killed || done <= 0)
            return;
        killed = true; // after the first batch committed, in the middle of the next
        QVERIFY(services({QStringLiteral("kill"), server}));
        revive.start(QStringLiteral("bash"),
                     {QStringLiteral("-c"),
                      QStringLiteral("sleep 1 && '%1' revive '%2'")
                          .arg(QStringLiteral(SYNCSCOPE_SERVICES_SCRIPT), dir_.path())});
    });
    watcher.setFuture(apply);
    QTRY_VERIFY_WITH_TIMEOUT(apply.isFinished(), 180000);
    QVERIFY(killed);
    revive.waitForFinished(60000);
    const Status done = apply.result();
    QVERIFY2(done.ok(), done.ok() ? "" : qPrintable(done.error().toString()));
    QVERIFY(!notices.isEmpty());
    for (const QList<QVariant>& n : notices)
        qInfo("%s", qPrintable(n.first().toString()));
    const QString first = notices.first().first().toString();
    QVERIFY2(first.startsWith(QStringLiteral("SQL: lost the connection")), qPrintable(first));

    // Converged: the grade table is last-writer-wins over everything applied.
    const Result<std::vector<GradeRecord>> grades = await(worker.readGrades());
    QVERIFY(grades.ok());
    QCOMPARE(grades.value().size(), expected.size());
    std::map<Key, Stamp> rows;
    for (const GradeRecord& g : grades.value()) {
        const Stamp stamp{g.ts, g.origin, g.seq};
        const Key key{g.studentId, g.courseId};
        QVERIFY2(expected[key] == stamp, g.studentId.c_str());
        rows[key] = stamp;
    }
    // Every write is in the oplog (a batch written twice logs twice: that is harmless), every
    // entry's key has its data at least as new as the entry, and every row has its entry.
    const Result<std::vector<LogRecord>> log = await(worker.readOplog());
    QVERIFY(log.ok());
    std::set<std::pair<std::string, uint64_t>> dots;
    std::set<std::pair<Key, Stamp>> entries;
    for (const LogRecord& r : log.value()) {
        dots.emplace(r.origin, r.seq);
        const Key key{r.studentId, r.courseId};
        const Stamp stamp{r.ts, r.origin, r.seq};
        entries.emplace(key, stamp);
        const auto row = rows.find(key);
        QVERIFY2(row != rows.end() && row->second >= stamp, "an oplog entry without its data");
    }
    QCOMPARE(dots.size(), records.size());
    // Redis commits a token with each batch, so a batch whose EXEC reply was lost is found
    // written and not written twice.
    if (server == QLatin1String("redis"))
        QCOMPARE(log.value().size(), records.size());
    for (const auto& [key, stamp] : rows)
        QVERIFY2(entries.count({key, stamp}) == 1, "data without its oplog entry");
}

QTEST_GUILESS_MAIN(TestServerFaults)
#include "tst_serverfaults.moc"

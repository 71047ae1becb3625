// What is particular to the Redis store, on the real server CTest starts: its row layout, that
// no value ever becomes part of a command, that a key of the wrong type is refused before
// anything is written, and that writes made with redis-cli reach the oplog exactly once, even
// with two Syncscope processes watching; and that a server still loading its data after a
// restart is waited for. (The store contract and the kill-mid-apply test run
// Redis too: tst_storecontract, tst_serverfaults.)
#include "awaitfuture.h"
#include "labservers.h"
#include "labstore.h"
#include "logrecords.h"
#include "redisconnection.h"
#include "redispacking.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace syncscope;

class TestRedisStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void packedRows();
    void argumentsAreNeverSpliced();
    void hostileValues();
    void keyOfTheWrongTypeIsRefused();
    void outsideWritesAreLoggedOnce();
    void outsideWritesWhileNobodyWatchedAreLoggedAtOpen();
    void pagesStayFullPastRowsLeftOut();
    void missingPasswordIsNamed();
    void serverLoadingAfterARestartIsWaitedFor();

private:
    std::unique_ptr<StoreWorker> fresh(QString& uri);
    RedisConnection::Endpoint endpoint() const;
    // redis-cli, as a user would type it.
    QString cli(const QStringList& args);
    std::optional<lab::Servers> servers_;
};

void TestRedisStore::initTestCase() {
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
}

std::unique_ptr<StoreWorker> TestRedisStore::fresh(QString& uri) {
    QString problem;
    auto w =
        lab::freshStore(QStringLiteral("REDIS"), servers_->redis, servers_->password, uri, problem);
    if (!w)
        qFatal("%s", qPrintable(problem));
    return w;
}

RedisConnection::Endpoint TestRedisStore::endpoint() const {
    const QUrl url(servers_->redis);
    RedisConnection::Endpoint e;
    e.host = url.host().toStdString();
    e.port = url.port();
    e.user = url.userName().toStdString();
    e.password = servers_->password.toStdString();
    return e;
}

QString TestRedisStore::cli(const QStringList& args) {
    return lab::redisCli(servers_->redis, servers_->password, args);
}

void TestRedisStore::packedRows() {
    GradeRecord row{"SID1", "CSE.1-x", "B+", false, -5, "HIVE", 7, "{\"a\":\"x\\u001f,y\"}"};
    const std::string f = redis::field(row.studentId, row.courseId);
    QCOMPARE(f, std::string("SID1,CSE.1-x"));
    const auto back = redis::unpack(f, redis::pack(row));
    QVERIFY(back);
    QCOMPARE(back->value, row.value);
    QCOMPARE(back->ts, row.ts);
    QCOMPARE(back->origin, row.origin);
    QCOMPARE(back->seq, row.seq);
    QCOMPARE(back->attributes, row.attributes);
    QVERIFY(!back->deleted);
    row.deleted = true;
    row.value.clear();
    QVERIFY(redis::unpack(f, redis::pack(row))->deleted);
    // What another client writes is never taken for a packed row.
    QVERIFY(!redis::unpack(f, "B"));
    QVERIFY(!redis::unpack(f, "\x01garbage"));
    QVERIFY(!redis::unpack("no-comma", redis::pack(row)));
    // The field order is the key order, which paging relies on: "A" < "A-B" as students.
    QVERIFY(redis::field("A", "Z") < redis::field("A-B", "A"));
    QVERIFY(redis::field("A", "Z") < redis::field("A.B", "A"));
    QVERIFY(redis::field("A", "Z") < redis::field("A0", "A"));
}

// Bytes that end a command in Redis's protocol and the inline form go to the server as one
// argument and come back byte for byte; the command they spell never runs.
void TestRedisStore::argumentsAreNeverSpliced() {
    RedisConnection c;
    QString why;
    QVERIFY2(c.connect(endpoint(), why), qPrintable(why));
    const std::string key = "tst_redisstore:" + std::to_string(QCoreApplication::applicationPid());
    const std::string sentinel = key + ":sentinel";
    const std::string hostile =
        std::string("v\r\n*1\r\n$8\r\nFLUSHALL\r\nFLUSHALL\n\"quoted\" 'x' ", 40) +
        std::string(1, '\0') + "after-NUL \xff\xfe";
    RedisArgs a;
    a << "SET" << sentinel << "here";
    QVERIFY(c.command(a, why));
    a.clear();
    a << "SET" << key << hostile;
    QCOMPARE(c.command(a, why).text(), std::string_view("OK"));
    a.clear();
    a << "GET" << key;
    const RedisReply back = c.command(a, why);
    QCOMPARE(std::string(back.text()), hostile);
    a.clear();
    a << "GET" << sentinel;
    QCOMPARE(c.command(a, why).text(), std::string_view("here"));
    a.clear();
    a << "DEL" << key << sentinel;
    c.command(a, why);
}

// Through the store: printable values that mean something to Redis, a shell or another store
// are kept verbatim; values docs/script-language.md forbids (control characters: CR, LF, NUL) are
// refused with the key named, and nothing of their batch is written.
void TestRedisStore::hostileValues() {
    QString uri;
    auto w = fresh(uri);
    const std::vector<std::string> kept = {
        "*1 $8 FLUSHALL",   "\"; FLUSHALL; \"",
        "{\"$gt\": \"\"}",  "a b  c",
        "%s%n%x",           "\\r\\n",
        "\u202eevil\u202c", std::string(15, 'x') + "\U0001F600" + std::string(45, 'y')};
    std::vector<LogRecord> batch;
    for (size_t i = 0; i < kept.size(); ++i)
        batch.push_back(setRecord("S" + std::to_string(i), "C", kept[i],
                                  static_cast<int64_t>(i + 1), "REDIS", i + 1));
    QVERIFY(await(w->append(batch)).ok());
    for (size_t i = 0; i < kept.size(); ++i)
        QCOMPARE(await(w->readKey("S" + std::to_string(i), "C")).value()->value, kept[i]);
    const auto log = await(w->readOplog()).value();
    QCOMPARE(log.size(), kept.size());
    for (size_t i = 0; i < kept.size(); ++i)
        QCOMPARE(log[i].value, kept[i]);

    for (const std::string& refused : {std::string("A\r\nFLUSHALL\r\n"), std::string("A\0B", 3),
                                       std::string("tab\there"), std::string(65, 'x')}) {
        const Status s = await(w->append({setRecord("OK1", "C", "A", 50, "REDIS", 50),
                                          setRecord("BAD", "C", refused, 51, "REDIS", 51)}));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(QStringLiteral("BAD")), qPrintable(s.error().message));
        QCOMPARE(s.error().store, QStringLiteral("REDIS"));
    }
    QCOMPARE(await(w->counts()).value().oplogEntries, qint64(kept.size()));
    QVERIFY(!await(w->readKey("OK1", "C")).value().has_value());
}

// Redis runs the rest of a transaction after one of its commands fails, so a grades key that
// another program made a string must stop the batch before MULTI: nothing logged, nothing
// written, and a message that says which key and what to do.
void TestRedisStore::keyOfTheWrongTypeIsRefused() {
    QString uri;
    auto w = fresh(uri);
    QCOMPARE(
        cli({QStringLiteral("SET"), lab::redisKey(uri, "grades"), QStringLiteral("not a hash")}),
        QStringLiteral("OK"));
    const Status s = await(w->append({setRecord("S", "C", "A", 1, "REDIS", 1)}));
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.contains(QStringLiteral("is a string, not a hash")),
             qPrintable(s.error().message));
    QVERIFY2(s.error().message.contains(QStringLiteral("?prefix=")), qPrintable(s.error().message));
    QCOMPARE(cli({QStringLiteral("XLEN"), lab::redisKey(uri, "oplog")}), QStringLiteral("0"));

    // Opening a store whose oplog key is not a stream says so too, before reading it.
    QString problem;
    const QString other = lab::freshDatabase(servers_->redis, servers_->password, problem);
    QCOMPARE(cli({QStringLiteral("SET"), lab::redisKey(other, "oplog"), QStringLiteral("x")}),
             QStringLiteral("OK"));
    auto made = StoreFactory::create(QStringLiteral("REDIS"), other, servers_->password);
    const Status opened = made.value()->open();
    QVERIFY(!opened.ok());
    QVERIFY2(opened.error().message.contains(QStringLiteral("is a string, not a stream")),
             qPrintable(opened.error().message));
}

// redis-cli HSET and HDEL on the grades hash, with two Syncscope processes (two workers)
// watching the store: each outside write is logged exactly once, as a write of the store that
// sorts after everything it had seen, with what the key's log had seen from other stores as its
// context; the rows end up in Syncscope's layout; a field that is not a valid key is reported
// by name and left alone; Syncscope's own writes are not taken for outside ones.
void TestRedisStore::outsideWritesAreLoggedOnce() {
    QString uri;
    auto first = fresh(uri);
    auto made = StoreFactory::create(QStringLiteral("REDIS"), uri, servers_->password);
    QVERIFY(made.ok());
    auto second = std::make_unique<StoreWorker>(std::move(made.value()));
    QVERIFY(await(second->open()).ok());
    QVERIFY(first->capabilities().capturesOutsideWrites);

    QVERIFY(await(first->append({setRecord("S1", "C1", "A", 5, "REDIS", 1),
                                 setRecord("S2", "C1", "B", 7, "HIVE", 3)}))
                .ok());
    QSignalSpy noticedFirst(first.get(), &StoreWorker::changesNoticed);
    QSignalSpy noticedSecond(second.get(), &StoreWorker::changesNoticed);
    QSignalSpy problems(second.get(), &StoreWorker::notice);
    for (StoreWorker* w : {first.get(), second.get()}) {
        const Result<bool> pushes = await(w->watchChanges());
        QVERIFY2(pushes.ok(), pushes.ok() ? "" : qPrintable(pushes.error().toString()));
        QVERIFY(pushes.value());
    }
    QVERIFY(await(first->append({setRecord("S4", "C1", "D", 6, "REDIS", 2)})).ok());
    QTest::qWait(300);
    QCOMPARE(noticedFirst.count(), 0);  // our own writes are not someone else's
    QCOMPARE(noticedSecond.count(), 1); // a second process's look finds nothing to log, though
    QCOMPARE(await(first->readOplog()).value().size(), size_t(3));

    const QString grades = lab::redisKey(uri, "grades");
    QCOMPARE(cli({QStringLiteral("HSET"), grades, QStringLiteral("S3,C1"), QStringLiteral("B+"),
                  QStringLiteral("S2,C1"), QStringLiteral("C")}),
             QStringLiteral("1"));
    QCOMPARE(cli({QStringLiteral("HDEL"), grades, QStringLiteral("S1,C1")}), QStringLiteral("1"));
    QCOMPARE(
        cli({QStringLiteral("HSET"), grades, QStringLiteral("bad field"), QStringLiteral("A")}),
        QStringLiteral("1"));
    QTRY_VERIFY_WITH_TIMEOUT(noticedFirst.count() >= 1 && noticedSecond.count() >= 2, 2000);
    QTRY_VERIFY_WITH_TIMEOUT(await(first->readOplog(3)).value().size() >= 3, 2000);
    QTest::qWait(300); // time for a second, wrong capture to show up

    std::vector<LogRecord> tail = await(second->readOplog(3)).value();
    QCOMPARE(tail.size(), size_t(3)); // exactly once each, across both watchers
    for (size_t i = 0; i < tail.size(); ++i) {
        QCOMPARE(tail[i].origin, std::string("REDIS"));
        QCOMPARE(tail[i].ts, int64_t(8 + i));   // after the greatest ts seen (7)
        QCOMPARE(tail[i].seq, uint64_t(3 + i)); // after the store's own seq 2
    }
    // One look or two (the HDEL may come after the first look): in key order within a look.
    std::sort(tail.begin(), tail.end(),
              [](const LogRecord& a, const LogRecord& b) { return a.studentId < b.studentId; });
    QCOMPARE(tail[0].kind, EntryKind::Delete);
    QCOMPARE(tail[0].studentId, std::string("S1"));
    QCOMPARE(tail[1].studentId, std::string("S2"));
    QCOMPARE(tail[1].value, std::string("C"));
    QCOMPARE(tail[2].studentId, std::string("S3"));
    QCOMPARE(tail[2].value, std::string("B+"));
    QCOMPARE(tail[1].context, std::string("HIVE:3")); // S2's log held HIVE's write
    QCOMPARE(await(first->readKey("S2", "C1")).value()->value, std::string("C"));
    QVERIFY(await(first->readKey("S1", "C1")).value()->deleted);
    QCOMPARE(await(first->counts()).value().liveKeys, 3); // S2, S3, S4

    bool reported = false;
    for (const QList<QVariant>& n : problems)
        reported = reported || n.first().toString().contains(QStringLiteral("'bad field'"));
    QVERIFY2(reported, "the invalid field is named");

    // The store's next own write continues after the captured ones, and is not refused.
    QVERIFY(await(first->append({setRecord("S3", "C1", "A-", 20, "REDIS", 6)})).ok());
    QCOMPARE(await(second->readKey("S3", "C1")).value()->value, std::string("A-"));
}

// redis-cli HSET with no Syncscope running: the next open logs the write (a GET then finds it,
// and a follow or a merge carries it), and a field it cannot log (a control character) is
// named by unaccountedRows, which verify reports as corrupted.
void TestRedisStore::outsideWritesWhileNobodyWatchedAreLoggedAtOpen() {
    QString uri;
    auto store = fresh(uri);
    QVERIFY(await(store->append({setRecord("SID1003", "CSE001", "A", 5, "REDIS", 1)})).ok());
    store.reset(); // nobody watches now
    const QString grades = lab::redisKey(uri, "grades");
    QCOMPARE(cli({QStringLiteral("HSET"), grades, QStringLiteral("SID1003,CSE001"),
                  QStringLiteral("Q4"), QStringLiteral("SID1004,CSE001"), QStringLiteral("B"),
                  QStringLiteral("SID1005,CSE001"), QStringLiteral("C") + QChar(2)}),
             QStringLiteral("2"));

    auto made = StoreFactory::create(QStringLiteral("REDIS"), uri, servers_->password);
    QVERIFY(made.ok());
    StoreWorker again(std::move(made.value()));
    QVERIFY(await(again.open()).ok());
    QCOMPARE(await(again.readKey("SID1003", "CSE001")).value()->value, std::string("Q4"));
    QCOMPARE(await(again.readKey("SID1004", "CSE001")).value()->value, std::string("B"));
    const std::vector<LogRecord> log = await(again.readOplog()).value();
    QCOMPARE(log.size(), size_t(3));
    QCOMPARE(log[1].origin, std::string("REDIS"));
    QCOMPARE(log[1].seq, uint64_t(2));
    QCOMPARE(log[1].ts, int64_t(6));

    const Result<std::vector<UnaccountedRow>> stray = await(again.unaccountedRows());
    QVERIFY(stray.ok());
    QCOMPARE(stray.value().size(), size_t(1));
    QCOMPARE(stray.value()[0].studentId, std::string("SID1005"));
    QVERIFY2(stray.value()[0].detail.find("control character") != std::string::npos,
             stray.value()[0].detail.c_str());
    // Opening again logs nothing twice.
    StoreWorker third(
        std::move(StoreFactory::create(QStringLiteral("REDIS"), uri, servers_->password).value()));
    QVERIFY(await(third.open()).ok());
    QCOMPARE(await(third.readOplog()).value().size(), size_t(3));
}

// A row deleted from the grades hash behind the store's back, not captured yet, is left out of
// readGrades; the page must still be full while rows remain, since a short page means the end
// to every caller (verify read a million-row store only up to the first such row).
void TestRedisStore::pagesStayFullPastRowsLeftOut() {
    QString uri;
    auto store = fresh(uri);
    std::vector<LogRecord> rows;
    for (int i = 1; i <= 10; ++i)
        rows.push_back(setRecord("S" + std::to_string(100 + i), "C1", "A", i, "REDIS",
                                 static_cast<uint64_t>(i)));
    QVERIFY(await(store->append(rows)).ok());
    const QString grades = lab::redisKey(uri, "grades");
    QCOMPARE(
        cli({QStringLiteral("HDEL"), grades, QStringLiteral("S103,C1"), QStringLiteral("S107,C1")}),
        QStringLiteral("2"));

    std::vector<std::string> seen;
    GradeCursor after;
    for (int pages = 0;; ++pages) {
        QVERIFY(pages < 5);
        const Result<std::vector<GradeRecord>> page = await(store->readGrades(after, 4));
        QVERIFY(page.ok());
        for (const GradeRecord& r : page.value())
            seen.push_back(r.studentId);
        if (page.value().size() < 4)
            break;
        after = {page.value().back().studentId, page.value().back().courseId};
    }
    const std::vector<std::string> expected{"S101", "S102", "S104", "S105",
                                            "S106", "S108", "S109", "S110"};
    QCOMPARE(seen, expected);
}

// The lab's server has no password-less user: a store without a password says which variable
// to set, and a wrong one is reported as such; neither repeats the password.
void TestRedisStore::missingPasswordIsNamed() {
    QString problem;
    const QString uri = lab::freshDatabase(servers_->redis, servers_->password, problem);
    auto none = StoreFactory::create(QStringLiteral("CACHE"), uri, QStringLiteral(""));
    QVERIFY(none.ok());
    const Status refused = none.value()->open();
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.contains(QStringLiteral("set SYNCSCOPE_PASSWORD_CACHE")),
             qPrintable(refused.error().message));
    auto wrong = StoreFactory::create(QStringLiteral("CACHE"), uri, QStringLiteral("not-it-42"));
    const Status denied = wrong.value()->open();
    QVERIFY(!denied.ok());
    QVERIFY2(denied.error().message.contains(QStringLiteral("authentication as syncscope failed")),
             qPrintable(denied.error().message));
    QVERIFY(!denied.error().message.contains(QStringLiteral("not-it-42")));
}

// Redis started again answers every command with LOADING until its data is back in memory.
// A store opened then (the next run after a server restart) waits for it instead of taking
// the refusal for a key of another program's type. A server of the test's own, started with
// Redis's key-load-delay so that loading 30,000 keys takes seconds.
void TestRedisStore::serverLoadingAfterARestartIsWaitedFor() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    quint16 port = 0;
    { // a free port on loopback: bind to port 0 and read what the kernel gave
        const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        QVERIFY(::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        QVERIFY(::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &length) == 0);
        port = ntohs(a.sin_port);
        ::close(probe);
    }
    const auto start = [&](QProcess& server, const QStringList& extra) {
        server.start(QStringLiteral("redis-server"),
                     QStringList{QStringLiteral("--port"), QString::number(port),
                                 QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                 QStringLiteral("--dir"), dir.path(), QStringLiteral("--save"),
                                 QString(), QStringLiteral("--appendonly"), QStringLiteral("no")} +
                         extra);
        return server.waitForStarted(10000);
    };
    const QString uri = QStringLiteral("redis://127.0.0.1:%1/0").arg(port);
    const auto redisCli = [&](const QStringList& args) {
        QProcess p;
        p.start(QStringLiteral("redis-cli"),
                QStringList{QStringLiteral("-p"), QString::number(port)} + args);
        p.waitForFinished(30000);
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    };
    QProcess first;
    QVERIFY(start(first, {}));
    QTRY_COMPARE_WITH_TIMEOUT(redisCli({QStringLiteral("PING")}), QStringLiteral("PONG"), 10000);
    {
        auto made = StoreFactory::create(QStringLiteral("REDIS"), uri, QString());
        QVERIFY(made);
        StoreWorker w(std::move(made.value()));
        QVERIFY(await(w.open()).ok());
        QVERIFY(await(w.append({setRecord("S1", "C1", "A", 1, "REDIS", 1)})).ok());
    }
    QCOMPARE(redisCli({QStringLiteral("EVAL"),
                       QStringLiteral("for i = 1, 30000 do redis.call('SET', 'other:' .. i, 'x') "
                                      "end return 1"),
                       QStringLiteral("0")}),
             QStringLiteral("1"));
    QCOMPARE(redisCli({QStringLiteral("SAVE")}), QStringLiteral("OK"));
    redisCli({QStringLiteral("SHUTDOWN"), QStringLiteral("NOSAVE")});
    QVERIFY(first.waitForFinished(10000));

    QProcess again; // 100 µs a key: seconds of LOADING
    QVERIFY(start(again, {QStringLiteral("--key-load-delay"), QStringLiteral("100"),
                          // answer (LOADING) while loading, not only once done
                          QStringLiteral("--loading-process-events-interval-bytes"),
                          QStringLiteral("1024")}));
    QTRY_VERIFY_WITH_TIMEOUT(
        redisCli({QStringLiteral("PING")}).startsWith(QStringLiteral("LOADING")), 10000);
    auto made = StoreFactory::create(QStringLiteral("REDIS"), uri, QString());
    QVERIFY(made);
    StoreWorker w(std::move(made.value()));
    QElapsedTimer opening;
    opening.start();
    const Status opened = await(w.open());
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
    QVERIFY2(opening.elapsed() > 200, "the server was not loading when the store opened");
    QVERIFY(await(w.append({setRecord("S2", "C1", "B", 2, "REDIS", 2)})).ok());
    const Result<std::vector<LogRecord>> log = await(w.readOplog());
    QVERIFY(log.ok());
    QCOMPARE(log.value().size(), size_t{2});
    redisCli({QStringLiteral("SHUTDOWN"), QStringLiteral("NOSAVE")});
    again.waitForFinished(10000);
}

QTEST_GUILESS_MAIN(TestRedisStore)
#include "tst_redisstore.moc"

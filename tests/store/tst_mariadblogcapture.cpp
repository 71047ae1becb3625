// capture=log on MariaDB: outside writes read from the binlog, with NO triggers on the table.
// The outside writes are made, and the oplog checked, through the real `mariadb` client, never
// through Syncscope. The test runs a MariaDB of its own (binlog in ROW format), which it can
// reconfigure, SIGKILL and start again; a capturing process of its own (this program started
// with "capture URI") is SIGKILLed and resumed.
#include "awaitfuture.h"
#include "freeport.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <memory>

using namespace syncscope;

namespace {

const QString kPassword = QStringLiteral("lab-secret");

// A MariaDB on a folder and port of its own, with the binlog capture=log reads.
class OwnMariadb {
public:
    bool start(QString& problem) {
        if (!dir_.isValid()) {
            problem = QStringLiteral("no temporary folder");
            return false;
        }
        port_ = lab::freePort();
        QDir().mkpath(dir_.filePath(QStringLiteral("tmp")));
        QProcess install;
        QStringList args = {QStringLiteral("--no-defaults"),
                            QStringLiteral("--datadir=") + dir_.filePath(QStringLiteral("data")),
                            QStringLiteral("--tmpdir=") + dir_.filePath(QStringLiteral("tmp")),
                            QStringLiteral("--skip-test-db"),
                            QStringLiteral("--auth-root-authentication-method=normal")};
        if (::geteuid() == 0)
            args << QStringLiteral("--user=root");
        install.start(QStringLiteral("mariadb-install-db"), args);
        if (!install.waitForFinished(120000) || install.exitCode() != 0) {
            problem = QStringLiteral("mariadb-install-db failed: ") +
                      QString::fromUtf8(install.readAllStandardError());
            return false;
        }
        if (!launch(problem))
            return false;
        QString out;
        return root(QStringLiteral("CREATE USER 'lab'@'127.0.0.1' IDENTIFIED BY '%1'; GRANT ALL "
                                   "PRIVILEGES ON *.* TO 'lab'@'127.0.0.1';")
                        .arg(kPassword),
                    out) ||
               (problem = out, false);
    }
    bool launch(QString& problem) {
        QStringList args = {
            QStringLiteral("--no-defaults"),
            QStringLiteral("--datadir=") + dir_.filePath(QStringLiteral("data")),
            QStringLiteral("--tmpdir=") + dir_.filePath(QStringLiteral("tmp")),
            QStringLiteral("--port=%1").arg(port_), QStringLiteral("--bind-address=127.0.0.1"),
            QStringLiteral("--socket=") + socket(),
            QStringLiteral("--pid-file=") + dir_.filePath(QStringLiteral("pid")),
            QStringLiteral("--log-error=") + dir_.filePath(QStringLiteral("error.log")),
            QStringLiteral("--skip-name-resolve"), QStringLiteral("--log-bin=mariadb-bin"),
            QStringLiteral("--binlog-format=ROW"), QStringLiteral("--binlog-row-image=FULL"),
            QStringLiteral("--server-id=1"),
            // Large captures write by LOAD DATA, as Syncscope's own batches do.
            QStringLiteral("--local-infile=1"), QStringLiteral("--innodb-buffer-pool-size=64M")};
        if (::geteuid() == 0)
            args << QStringLiteral("--user=root");
        server_ = std::make_unique<QProcess>();
        server_->start(QStringLiteral("mariadbd"), args);
        if (!server_->waitForStarted(10000)) {
            problem = QStringLiteral("mariadbd did not start");
            return false;
        }
        for (int i = 0; i < 600; ++i) {
            QString out;
            if (root(QStringLiteral("SELECT 1"), out))
                return true;
            if (server_->state() == QProcess::NotRunning)
                break;
            QTest::qWait(100);
        }
        problem = QStringLiteral("mariadbd did not answer (see %1)")
                      .arg(dir_.filePath(QStringLiteral("error.log")));
        return false;
    }
    void kill() {
        if (server_) {
            ::kill(static_cast<pid_t>(server_->processId()), SIGKILL);
            server_->waitForFinished(10000);
        }
    }
    ~OwnMariadb() { kill(); }
    QString socket() const { return dir_.filePath(QStringLiteral("sock")); }
    int port() const { return port_; }
    QString uri(const QString& database,
                const QString& options = QStringLiteral("capture=log")) const {
        return QStringLiteral("mysql://lab@127.0.0.1:%1/%2%3")
            .arg(port_)
            .arg(database, options.isEmpty() ? QString() : QLatin1Char('?') + options);
    }
    // The `mariadb` client as the lab account on `database` (tab-separated, no headers).
    bool client(const QString& database, const QString& sql, QString& output) const {
        return run({QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-P"),
                    QString::number(port_), QStringLiteral("-u"), QStringLiteral("lab"), database},
                   sql, output, kPassword);
    }
    bool root(const QString& sql, QString& output) const {
        return run({QStringLiteral("--socket=") + socket(), QStringLiteral("-uroot")}, sql, output,
                   QString());
    }

private:
    static bool run(QStringList args, const QString& sql, QString& output,
                    const QString& password) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (!password.isEmpty())
            env.insert(QStringLiteral("MYSQL_PWD"), password);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("mariadb"), QStringList{QStringLiteral("--no-defaults"),
                                                       QStringLiteral("-N"), QStringLiteral("-B")} +
                                               args + QStringList{QStringLiteral("-e"), sql});
        p.waitForFinished(300000);
        output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QTemporaryDir dir_;
    int port_ = 0;
    std::unique_ptr<QProcess> server_;
};

std::unique_ptr<StoreWorker> openStore(const QString& uri, QString& problem) {
    auto made = StoreFactory::create(QStringLiteral("SQL"), uri, kPassword);
    if (!made) {
        problem = made.error().toString();
        return nullptr;
    }
    auto worker = std::make_unique<StoreWorker>(std::move(made.value()));
    if (const Status opened = await(worker->open()); !opened) {
        problem = opened.error().toString();
        return nullptr;
    }
    return worker;
}

// The child: opens the store with capture=log and follows it until killed.
int captureForever(const QString& uri) {
    QString problem;
    auto store = openStore(uri, problem);
    if (!store) {
        fprintf(stderr, "%s\n", qPrintable(problem));
        return 2;
    }
    if (!await(store->watchChanges()).ok())
        return 3;
    fprintf(stdout, "capturing\n");
    fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace

class TestMariadbLogCapture : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void capturedOnceInOrderWithoutTriggers();
    void drainedOnOpen();
    void tenThousandRowTransaction();
    void setAsideAndReported();
    void minimalRowImagesReadAsTheRowsTheyChange();
    void triggersDroppedWhenSwitching();
    void refusedWithoutRowFormat();
    void killedCapturerResumesExactlyOnce();
    void serverKilledMidStream();
    void positionSavedPastOwnWrites();
    void purgedLogStoodInForByTheTable();
    void lateCaptureYieldsToALaterWrite();
    // Last: it resets the server's binlog under every store made before it.
    void logResetUnderTheStoreIsRefused();

private:
    QString freshDatabase();
    // The oplog as the client reads it: "op student course grade origin seq context" lines.
    QStringList oplog(const QString& db, const QString& where = QString());
    QString one(const QString& db, const QString& sql);
    OwnMariadb server_;
    int databases_ = 0;
};

void TestMariadbLogCapture::initTestCase() {
    QString problem;
    QVERIFY2(server_.start(problem), qPrintable(problem));
}

QString TestMariadbLogCapture::freshDatabase() {
    const QString name = QStringLiteral("capture%1").arg(++databases_);
    QString out;
    if (!server_.root(QStringLiteral("CREATE DATABASE ") + name, out))
        qFatal("%s", qPrintable(out));
    return name;
}

QStringList TestMariadbLogCapture::oplog(const QString& db, const QString& where) {
    QString out;
    if (!server_.client(db,
                        QStringLiteral("SELECT op, student_id, course_id, IFNULL(grade, '-'), "
                                       "origin, seq, IFNULL(context, '-') FROM oplog %1 ORDER "
                                       "BY id")
                            .arg(where),
                        out))
        qFatal("%s", qPrintable(out));
    QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (QString& l : lines)
        l.replace(QLatin1Char('\t'), QLatin1Char(' '));
    return lines;
}

QString TestMariadbLogCapture::one(const QString& db, const QString& sql) {
    QString out;
    if (!server_.client(db, sql, out))
        qFatal("%s", qPrintable(out));
    return out.trimmed();
}

void TestMariadbLogCapture::capturedOnceInOrderWithoutTriggers() {
    const QString db = freshDatabase();
    QString problem;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                    "TRIGGER_SCHEMA = DATABASE()")),
             QStringLiteral("0"));
    const Result<bool> pushes = await(store->watchChanges());
    QVERIFY2(pushes.ok(), qPrintable(pushes.ok() ? QString() : pushes.error().toString()));
    QVERIFY(pushes.value());
    QSignalSpy noticed(store.get(), &StoreWorker::changesNoticed);

    // Syncscope's own writes (a local one, one received from HIVE) are not captured again.
    LogRecord a = {EntryKind::Set, "S1", "C1", "A", true, 5, "SQL", 1, 0, {}, {}, 0};
    LogRecord b = {EntryKind::Set, "S2", "C1", "B", true, 7, "HIVE", 3, 0, {}, {}, 0};
    QVERIFY(await(store->append({a, b})).ok());
    QTest::qWait(300);
    QCOMPARE(noticed.count(), 0);
    QCOMPARE(oplog(db).size(), 2);

    QString out;
    QVERIFY2(server_.client(
                 db,
                 QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES ('S3', "
                                "'C1', 'B+'); UPDATE grades SET grade = 'C' WHERE student_id = "
                                "'S2'; DELETE FROM grades WHERE student_id = 'S1'; "
                                "BEGIN; INSERT INTO grades(student_id, course_id, grade) VALUES "
                                "('GONE', 'C1', 'X'); ROLLBACK; "
                                "UPDATE grades SET student_id = 'S4' WHERE student_id = 'S3';"),
                 out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(db).size(), 7, 5000);
    QVERIFY(noticed.count() >= 1);
    const QStringList log = oplog(db);
    // Exactly as the triggers log them: origin SQL, seqs after its own, the context of S2
    // naming what it had received from HIVE; a key change as a DELETE and a SET.
    QCOMPARE(log.mid(2), (QStringList{QStringLiteral("SET S3 C1 B+ SQL 2 -"),
                                      QStringLiteral("SET S2 C1 C SQL 3 HIVE:3"),
                                      QStringLiteral("DELETE S1 C1 - SQL 4 -"),
                                      QStringLiteral("DELETE S3 C1 - SQL 5 -"),
                                      QStringLiteral("SET S4 C1 B+ SQL 6 -")}));
    // ts after every ts the store had, one apart; the rows carry their writes' identities.
    QCOMPARE(one(db, QStringLiteral("SELECT GROUP_CONCAT(ts ORDER BY id) FROM oplog")),
             QStringLiteral("5,7,8,9,10,11,12"));
    QCOMPARE(one(db, QStringLiteral("SELECT GROUP_CONCAT(CONCAT(student_id, '=', grade, '@', "
                                    "ts, origin, seq) ORDER BY student_id) FROM grades")),
             QStringLiteral("S2=C@9SQL3,S4=B+@12SQL6"));
    // The store reads what the client wrote, by its own reads too.
    const Result<StoreCounts> counts = await(store->counts());
    QVERIFY(counts.ok());
}

void TestMariadbLogCapture::drainedOnOpen() {
    const QString db = freshDatabase();
    QString problem, out;
    {
        auto store = openStore(server_.uri(db), problem);
        QVERIFY2(store, qPrintable(problem));
    }
    // Written while no Syncscope runs: the next open (load, verify's writer, the window) sees it.
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S1', 'C1', 'A'), ('S2', 'C1', 'B');"),
                            out),
             qPrintable(out));
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(oplog(db), (QStringList{QStringLiteral("SET S1 C1 A SQL 1 -"),
                                     QStringLiteral("SET S2 C1 B SQL 2 -")}));
    // Opened again, nothing is captured twice; the position is saved with its GTID.
    store.reset();
    store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(oplog(db).size(), 2);
    QVERIFY(one(db, QStringLiteral("SELECT value FROM syncscope_meta WHERE `key` = "
                                   "'binlog_position'"))
                .startsWith(QLatin1String("mariadb-bin.")));
}

void TestMariadbLogCapture::tenThousandRowTransaction() {
    const QString db = freshDatabase();
    QString problem, out;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QVERIFY(await(store->watchChanges()).ok());
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(server_.client(db,
                            QStringLiteral("BEGIN; INSERT INTO grades(student_id, course_id, "
                                           "grade) SELECT CONCAT('S', seq), 'C1', 'A' FROM "
                                           "seq_1_to_10000; COMMIT;"),
                            out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(one(db, QStringLiteral("SELECT COUNT(*) FROM oplog")),
                              QStringLiteral("10000"), 30000);
    qInfo("10,000 rows of one transaction written and captured in %lld ms", timer.elapsed());
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(DISTINCT seq), MIN(seq), MAX(seq) FROM oplog")),
             QStringLiteral("10000\t1\t10000"));
    QCOMPARE(
        one(db, QStringLiteral("SELECT COUNT(*) FROM grades WHERE origin = 'SQL' AND seq > 0")),
        QStringLiteral("10000"));
    // All deleted in one transaction: 10,000 delete entries, and no row left (nor tombstone),
    // as the trigger leaves it; one key written again in the same transaction stays.
    QVERIFY2(server_.client(db,
                            QStringLiteral("BEGIN; DELETE FROM grades; INSERT INTO "
                                           "grades(student_id, course_id, grade) VALUES ('S7', "
                                           "'C1', 'B'); COMMIT;"),
                            out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(one(db, QStringLiteral("SELECT COUNT(*) FROM oplog")),
                              QStringLiteral("20001"), 30000);
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM oplog WHERE op = 'DELETE' AND seq > "
                                    "10000 AND seq <= 20000")),
             QStringLiteral("10000"));
    QCOMPARE(one(db, QStringLiteral("SELECT CONCAT(student_id, grade, seq) FROM grades")),
             QStringLiteral("S7B20001"));
}

void TestMariadbLogCapture::setAsideAndReported() {
    const QString db = freshDatabase();
    QString problem, out;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QSignalSpy notices(store.get(), &StoreWorker::notice);
    QVERIFY(await(store->watchChanges()).ok());
    // Without triggers nothing refuses the INSERT: the bad row is set aside with its reason,
    // and the valid row after it is captured.
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('bad id!', 'C1', 'A'); "
                                           "INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S2', 'C1', CONCAT('x', CHAR(7))); "
                                           "INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S3', 'C1', 'B'); TRUNCATE TABLE grades;"),
                            out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(db), QStringList{QStringLiteral("SET S3 C1 B SQL 1 -")}, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(notices.count() >= 3, 5000);
    QStringList said;
    for (const QList<QVariant>& n : notices)
        said << n.at(0).toString();
    const QString all = said.join(QLatin1Char('\n'));
    QVERIFY2(all.contains(QLatin1String("student_id is not 1 to 64")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("no control character")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("TRUNCATE TABLE grades")), qPrintable(all));
    QVERIFY2(all.startsWith(QLatin1String("SQL: ")), qPrintable(all));
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*), SUM(reason LIKE '%TRUNCATE%'), "
                                    "SUM(student_id = 'bad id!') FROM syncscope_set_aside")),
             QStringLiteral("3\t1\t1"));
}

// A session may log with binlog_row_image=MINIMAL whatever the server's default: an UPDATE's
// before image then holds the key only and its after image only the columns it set. The
// capture read such a grade change as a change of key (the after image's key columns are
// missing): a DELETE of the key, and the new grade set aside.
void TestMariadbLogCapture::minimalRowImagesReadAsTheRowsTheyChange() {
    const QString db = freshDatabase();
    QString problem, out;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QSignalSpy notices(store.get(), &StoreWorker::notice);
    QVERIFY(await(store->watchChanges()).ok());
    QVERIFY2(server_.client(
                 db,
                 QStringLiteral("SET SESSION binlog_row_image = 'MINIMAL'; "
                                "INSERT INTO grades(student_id, course_id, grade) VALUES ('S1', "
                                "'C1', 'A'), ('S2', 'C1', 'B'); "
                                "UPDATE grades SET grade = 'C' WHERE student_id = 'S1'; "
                                "UPDATE grades SET attributes = '{}' WHERE student_id = 'S1'; "
                                "UPDATE grades SET course_id = 'C2' WHERE student_id = 'S2'; "
                                "UPDATE grades SET student_id = 'S3', grade = 'D' WHERE "
                                "student_id = 'S1'; "
                                "DELETE FROM grades WHERE student_id = 'S3';"),
                 out),
             qPrintable(out));
    // The grade change is a SET of its key; the UPDATE that changed neither key nor grade
    // logs nothing; a key move that set the grade is a DELETE and a SET; the key move that
    // did not say the grade is the old key's DELETE, and the new key is set aside.
    QTRY_COMPARE_WITH_TIMEOUT(
        oplog(db),
        (QStringList{
            QStringLiteral("SET S1 C1 A SQL 1 -"), QStringLiteral("SET S2 C1 B SQL 2 -"),
            QStringLiteral("SET S1 C1 C SQL 3 -"), QStringLiteral("DELETE S2 C1 - SQL 4 -"),
            QStringLiteral("DELETE S1 C1 - SQL 5 -"), QStringLiteral("SET S3 C1 D SQL 6 -"),
            QStringLiteral("DELETE S3 C1 - SQL 7 -")}),
        5000);
    QCOMPARE(one(db, QStringLiteral("SELECT CONCAT(student_id, ' ', course_id, ' ', reason LIKE "
                                    "'%MINIMAL%') FROM syncscope_set_aside")),
             QStringLiteral("S2 C2 1"));
    QTRY_VERIFY_WITH_TIMEOUT(notices.count() >= 1, 5000);
    QVERIFY2(notices.first().at(0).toString().contains(QLatin1String("MINIMAL")),
             qPrintable(notices.first().at(0).toString()));
}

void TestMariadbLogCapture::triggersDroppedWhenSwitching() {
    const QString db = freshDatabase();
    QString problem, out;
    {
        auto store = openStore(server_.uri(db, QString()), problem); // triggers
        QVERIFY2(store, qPrintable(problem));
    }
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                    "TRIGGER_SCHEMA = DATABASE()")),
             QStringLiteral("3"));
    // Captured by its trigger: in the binlog it writes the oplog, so it is not captured again.
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S1', 'C1', 'A')"),
                            out),
             qPrintable(out));
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                    "TRIGGER_SCHEMA = DATABASE()")),
             QStringLiteral("0"));
    QVERIFY(await(store->watchChanges()).ok());
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S2', 'C1', 'B')"),
                            out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(
        oplog(db),
        (QStringList{QStringLiteral("SET S1 C1 A SQL 1 -"), QStringLiteral("SET S2 C1 B SQL 2 -")}),
        5000);
}

// A store only Syncscope writes: its saved position follows the log anyway (the follower marks
// it every few MiB, each open saves the log's end), so a later open reads no more than that, and
// needs no log older than that.
void TestMariadbLogCapture::positionSavedPastOwnWrites() {
    const QString db = freshDatabase();
    QString problem, out;
    const auto saved = [&] {
        return one(db, QStringLiteral("SELECT value FROM syncscope_meta WHERE `key` = "
                                      "'binlog_position'"));
    };
    const auto logEnd = [&] {
        QString status;
        if (!server_.root(QStringLiteral("SHOW MASTER STATUS"), status))
            qFatal("%s", qPrintable(status));
        const QStringList cells = status.trimmed().split(QLatin1Char('\t'));
        return cells.value(0) + QLatin1Char(':') + cells.value(1);
    };
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    const QString first = saved();
    QVERIFY(await(store->watchChanges()).ok());
    // Well over the follower's 4 MiB between marks, all of it Syncscope's own.
    std::vector<LogRecord> batch;
    uint64_t seq = 0;
    for (int b = 0; b < 8; ++b) {
        batch.clear();
        for (int i = 0; i < 5000; ++i) {
            ++seq;
            batch.push_back({EntryKind::Set,
                             "S" + std::to_string(seq),
                             "C1",
                             std::string(40, 'v'),
                             true,
                             static_cast<int64_t>(seq),
                             "SQL",
                             seq,
                             0,
                             {},
                             {},
                             0});
        }
        QVERIFY(await(store->append(batch)).ok());
    }
    QTRY_VERIFY_WITH_TIMEOUT(saved() != first, 10000);
    QCOMPARE(oplog(db).size(), 40000);
    store.reset();

    // Closed and opened again: the open saves the log's end, though it captured nothing.
    // (The open writes to the log itself: the saved place is in the log begun before it, at or
    // after where that log was when the open began.)
    QVERIFY2(server_.root(QStringLiteral("FLUSH BINARY LOGS"), out), qPrintable(out));
    const QString before = logEnd();
    store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(saved().section(QLatin1Char(':'), 0, 0), before.section(QLatin1Char(':'), 0, 0));
    QVERIFY2(saved().section(QLatin1Char(':'), 1).toLongLong() >=
                 before.section(QLatin1Char(':'), 1).toLongLong(),
             qPrintable(saved() + QStringLiteral(" is before ") + before));
    // (The place is at most one open, or 4 MiB of a watched log, behind. A purge of the log it
    // is in: purgedLogStoodInForByTheTable.)
    QCOMPARE(oplog(db).size(), 40000);
}

// The server purged the log from the saved position on before the store read it (a store
// closed for longer than expire_logs_days). The open used to fail for good ("cannot read the
// binlog from …"). Now the rows stand in for the lost stretch: each row no oplog write accounts
// for is captured as it stands, each key an outside DELETE removed is captured as a delete, the
// gap is recorded and reported, and reading goes on from the same moment, so a write after
// the purge is captured once.
void TestMariadbLogCapture::purgedLogStoodInForByTheTable() {
    const QString db = freshDatabase();
    QString problem, out;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    LogRecord own = {EntryKind::Set, "S0", "C1", "A", true, 5, "SQL", 1, 0, {}, {}, 0};
    LogRecord copy = {EntryKind::Set, "S9", "C1", "B", true, 7, "HIVE", 3, 0, {}, {}, 0};
    QVERIFY(await(store->append({own, copy})).ok());
    store.reset();
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S1', 'C1', 'A'), ('S2', 'C1', 'B'); "
                                           "UPDATE grades SET grade = 'Z' WHERE student_id = "
                                           "'S0'; DELETE FROM grades WHERE student_id = 'S9';"),
                            out),
             qPrintable(out));
    // The server purges a file only once the engine has made its transactions durable (its
    // binlog checkpoint follows the rotation), so the purge is asked for until it is done.
    const QString savedFile = one(db, QStringLiteral("SELECT value FROM syncscope_meta WHERE "
                                                     "`key` = 'binlog_position'"))
                                  .section(QLatin1Char(':'), 0, 0);
    QVERIFY2(server_.root(QStringLiteral("FLUSH BINARY LOGS"), out), qPrintable(out));
    QString status;
    QVERIFY2(server_.root(QStringLiteral("SHOW MASTER STATUS"), status), qPrintable(status));
    const QString current = status.trimmed().section(QLatin1Char('\t'), 0, 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        server_.root(QStringLiteral("PURGE BINARY LOGS TO '%1'; SHOW BINARY LOGS").arg(current),
                     out) &&
            !out.contains(savedFile),
        10000);
    // After the purge, before the open: in the log still, and in the table.
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S3', 'C1', 'C');"),
                            out),
             qPrintable(out));

    store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QSignalSpy notices(store.get(), &StoreWorker::notice);
    QVERIFY(await(store->watchChanges()).ok());
    QCOMPARE(
        oplog(db),
        (QStringList{QStringLiteral("SET S0 C1 A SQL 1 -"), QStringLiteral("SET S9 C1 B HIVE 3 -"),
                     QStringLiteral("SET S0 C1 Z SQL 2 -"), QStringLiteral("SET S1 C1 A SQL 3 -"),
                     QStringLiteral("SET S2 C1 B SQL 4 -"), QStringLiteral("SET S3 C1 C SQL 5 -"),
                     QStringLiteral("DELETE S9 C1 - SQL 6 HIVE:3")}));
    // Every row is the write its identity names: the table is the fold of its oplog again.
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM grades g WHERE NOT EXISTS (SELECT 1 "
                                    "FROM oplog o WHERE o.student_id = g.student_id AND "
                                    "o.course_id = g.course_id AND o.origin = g.origin AND "
                                    "o.seq = g.seq AND o.grade <=> g.grade)")),
             QStringLiteral("0"));
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM syncscope_set_aside WHERE reason LIKE "
                                    "'%purged%'")),
             QStringLiteral("1"));
    QTRY_VERIFY_WITH_TIMEOUT(!notices.isEmpty(), 5000);
    QVERIFY2(notices.first().at(0).toString().contains(QLatin1String("purged")),
             qPrintable(notices.first().at(0).toString()));
    // Read on from where the table was read: the next outside write is captured, once.
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S4', 'C1', 'D');"),
                            out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(db).size(), 8, 5000);
    QCOMPARE(oplog(db).last(), QStringLiteral("SET S4 C1 D SQL 7 -"));
    store.reset();
    store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(oplog(db).size(), 8);
}

// An outside write captured only after Syncscope wrote the same key (the store was not
// followed meanwhile): in the log it came first, so it is logged as older than Syncscope's
// write, and the row stays Syncscope's. Logged as the newest, it would put the old value back.
void TestMariadbLogCapture::lateCaptureYieldsToALaterWrite() {
    const QString db = freshDatabase();
    QString problem, out;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    LogRecord first = {EntryKind::Set, "S1", "C1", "A", true, 10, "SQL", 1, 0, {}, {}, 0};
    QVERIFY(await(store->append({first})).ok());
    QVERIFY2(server_.client(db,
                            QStringLiteral("UPDATE grades SET grade = 'OUT' WHERE student_id = "
                                           "'S1'; INSERT INTO grades(student_id, course_id, "
                                           "grade) VALUES ('S2', 'C1', 'ALONE');"),
                            out),
             qPrintable(out));
    LogRecord later = {EntryKind::Set, "S1", "C1", "NEW", true, 20, "HIVE", 4, 0, {}, {}, 0};
    QVERIFY(await(store->append({later})).ok());
    store.reset();

    store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(oplog(db), (QStringList{QStringLiteral("SET S1 C1 A SQL 1 -"),
                                     QStringLiteral("SET S1 C1 NEW HIVE 4 -"),
                                     QStringLiteral("SET S1 C1 OUT SQL 2 HIVE:4"),
                                     QStringLiteral("SET S2 C1 ALONE SQL 3 -")}));
    // The outside UPDATE just below the write that followed it; the INSERT nobody overwrote is
    // the newest write, as the triggers would stamp it.
    QCOMPARE(one(db, QStringLiteral("SELECT GROUP_CONCAT(ts ORDER BY id) FROM oplog")),
             QStringLiteral("10,20,19,22"));
    QCOMPARE(one(db, QStringLiteral("SELECT GROUP_CONCAT(CONCAT(student_id, '=', grade, '@', "
                                    "ts, origin, seq) ORDER BY student_id) FROM grades")),
             QStringLiteral("S1=NEW@20HIVE4,S2=ALONE@22SQL3"));
}

void TestMariadbLogCapture::refusedWithoutRowFormat() {
    const QString db = freshDatabase();
    QString problem, out;
    QVERIFY(server_.root(QStringLiteral("SET GLOBAL binlog_format = 'MIXED'"), out));
    auto store = openStore(server_.uri(db), problem);
    QVERIFY(server_.root(QStringLiteral("SET GLOBAL binlog_format = 'ROW'"), out));
    QVERIFY(!store);
    QVERIFY2(problem.contains(QLatin1String("binlog_format ROW")) &&
                 problem.contains(QLatin1String("SET GLOBAL binlog_format = 'ROW'")),
             qPrintable(problem));
    QVERIFY(server_.root(QStringLiteral("SET GLOBAL binlog_row_image = 'MINIMAL'"), out));
    store = openStore(server_.uri(db), problem);
    QVERIFY(server_.root(QStringLiteral("SET GLOBAL binlog_row_image = 'FULL'"), out));
    QVERIFY(!store);
    QVERIFY2(problem.contains(QLatin1String("binlog_row_image FULL")), qPrintable(problem));
    // Nothing was installed in its place: no triggers.
    QCOMPARE(one(db, QStringLiteral("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                    "TRIGGER_SCHEMA = DATABASE()")),
             QStringLiteral("0"));
}

namespace {

// `count` single-row autocommit INSERTs of ('S<i>', 'C1', 'g<i>') from `from` on, by the
// `mariadb` client in the background, with a rolled-back INSERT every 500.
void startWriter(QProcess& writer, const OwnMariadb& server, const QString& db, int from,
                 int count) {
    QString script;
    for (int i = from; i < from + count; ++i) {
        script += QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S%1', 'C1', 'g%1');")
                      .arg(i);
        if (i % 500 == 0)
            script += QStringLiteral("BEGIN; INSERT INTO grades(student_id, course_id, grade) "
                                     "VALUES ('R%1', 'C1', 'x'); ROLLBACK;")
                          .arg(i);
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MYSQL_PWD"), kPassword);
    writer.setProcessEnvironment(env);
    // On its standard input: a command line cannot hold a megabyte.
    writer.start(QStringLiteral("mariadb"),
                 {QStringLiteral("--no-defaults"), QStringLiteral("-h"),
                  QStringLiteral("127.0.0.1"), QStringLiteral("-P"), QString::number(server.port()),
                  QStringLiteral("-u"), QStringLiteral("lab"), db});
    writer.write(script.toUtf8());
    writer.closeWriteChannel();
}

bool finished(QProcess& p, int ms) {
    return p.state() == QProcess::NotRunning || p.waitForFinished(ms);
}

} // namespace

// Every committed outside write in the oplog exactly once, in commit order; nothing of a
// rolled-back transaction; while the capturing process is SIGKILLed and started again.
void TestMariadbLogCapture::killedCapturerResumesExactlyOnce() {
    const QString db = freshDatabase();
    QString problem, out;
    {
        auto store = openStore(server_.uri(db), problem);
        QVERIFY2(store, qPrintable(problem));
    }
    const int writes = 10000;
    QProcess writer;
    startWriter(writer, server_, db, 1, writes);
    int killedMidStream = 0;
    for (int round = 0; round < 3; ++round) {
        QProcess capturer;
        capturer.start(QCoreApplication::applicationFilePath(),
                       {QStringLiteral("capture"), server_.uri(db)});
        QVERIFY(capturer.waitForReadyRead(30000));
        QTest::qWait(300 + 200 * round);
        killedMidStream += writer.state() == QProcess::Running ? 1 : 0;
        ::kill(static_cast<pid_t>(capturer.processId()), SIGKILL);
        capturer.waitForFinished(10000);
    }
    QVERIFY(killedMidStream > 0); // the writes went on while a capturer died
    QVERIFY(finished(writer, 120000));
    QCOMPARE(writer.exitCode(), 0);
    const int captured = one(db, QStringLiteral("SELECT COUNT(*) FROM oplog")).toInt();
    QVERIFY2(captured > 0 && captured < writes, qPrintable(QString::number(captured)));
    auto store = openStore(server_.uri(db), problem); // resumes from the saved position
    QVERIFY2(store, qPrintable(problem));
    const QStringList log = oplog(db);
    QCOMPARE(log.size(), writes);
    for (int i = 1; i <= writes; ++i)
        QCOMPARE(log[i - 1], QStringLiteral("SET S%1 C1 g%1 SQL %1 -").arg(i));
}

// MariaDB SIGKILLed in the middle of a client's writes while a store follows it, then started
// again: every write that committed, before and after, is captured once, in order.
void TestMariadbLogCapture::serverKilledMidStream() {
    const QString db = freshDatabase();
    QString problem, out;
    auto store = openStore(server_.uri(db), problem);
    QVERIFY2(store, qPrintable(problem));
    QVERIFY(await(store->watchChanges()).ok());
    QProcess writer;
    startWriter(writer, server_, db, 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(one(db, QStringLiteral("SELECT COUNT(*) FROM oplog")).toInt() > 200,
                             20000);
    server_.kill();
    QVERIFY(finished(writer, 30000));
    QVERIFY(writer.exitCode() != 0); // cut off by the kill
    QVERIFY2(server_.launch(problem), qPrintable(problem));
    const int committed = one(db, QStringLiteral("SELECT COUNT(*) FROM grades")).toInt();
    QVERIFY2(committed > 200 && committed < 10000, qPrintable(QString::number(committed)));
    QCOMPARE(one(db, QStringLiteral("SELECT MAX(CAST(SUBSTR(student_id, 2) AS INT)) FROM grades")),
             QString::number(committed));
    startWriter(writer, server_, db, committed + 1, 500);
    QVERIFY(finished(writer, 60000));
    QCOMPARE(writer.exitCode(), 0);
    const int all = committed + 500;
    QTRY_COMPARE_WITH_TIMEOUT(one(db, QStringLiteral("SELECT COUNT(*) FROM oplog")).toInt(), all,
                              60000);
    QTest::qWait(500);
    const QStringList log = oplog(db);
    QCOMPARE(log.size(), all);
    for (int i = 1; i <= all; ++i)
        QCOMPARE(log[i - 1], QStringLiteral("SET S%1 C1 g%1 SQL %1 -").arg(i));
}

// RESET MASTER numbers the binlog files from 1 again: the saved file is gone, and the log's
// position now sorts before it. Read on from there, every later change would look captured
// already and be dropped without a word; the open is refused instead, saying what to do.
void TestMariadbLogCapture::logResetUnderTheStoreIsRefused() {
    const QString db = freshDatabase();
    QString problem, out;
    QVERIFY2(server_.root(QStringLiteral("FLUSH BINARY LOGS; FLUSH BINARY LOGS"), out),
             qPrintable(out));
    {
        auto store = openStore(server_.uri(db), problem);
        QVERIFY2(store, qPrintable(problem));
    }
    QVERIFY2(server_.root(QStringLiteral("RESET MASTER"), out), qPrintable(out));
    QVERIFY2(server_.client(db,
                            QStringLiteral("INSERT INTO grades(student_id, course_id, grade) "
                                           "VALUES ('S1', 'C1', 'A');"),
                            out),
             qPrintable(out));
    auto store = openStore(server_.uri(db), problem);
    QVERIFY(!store);
    QVERIFY2(problem.contains(QLatin1String("RESET MASTER")), qPrintable(problem));
    QCOMPARE(oplog(db), QStringList());
}

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc == 3 && QByteArray(argv[1]) == "capture")
        return captureForever(QString::fromLocal8Bit(argv[2]));
    TestMariadbLogCapture test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mariadblogcapture.moc"

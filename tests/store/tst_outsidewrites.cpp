// Writes made outside Syncscope, through the real `mysql` and `psql` clients, reach the store's
// oplog exactly once, deletes included, as writes of the store that sort after everything it
// has seen; Syncscope's own writes are not logged twice; a key cannot be renamed; a row that
// breaks the data rules is refused at the client's INSERT or UPDATE, and nothing is logged.
#include "awaitfuture.h"
#include "labservers.h"
#include "labstore.h"
#include "logrecords.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace syncscope;

namespace {

// A SET of (sid, C1): every key of this test is in course C1.
LogRecord write(std::string sid, std::string value, int64_t ts, std::string origin, uint64_t seq) {
    return setRecord(std::move(sid), "C1", std::move(value), ts, std::move(origin), seq);
}

} // namespace

class TestOutsideWrites : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void capturedOnceInOrder_data();
    void capturedOnceInOrder();
    void invalidRowsRefusedAtTheSource_data();
    void invalidRowsRefusedAtTheSource();
    void olderMariadbTriggersAreReplacedOnOpen();

private:
    // Runs SQL through the server's own command-line client, as a user would.
    bool client(const QString& uri, const QString& sql, QString& output);
    std::optional<lab::Servers> servers_;
};

void TestOutsideWrites::initTestCase() {
    QString problem;
    servers_ = lab::servers(problem);
    if (!servers_)
        QFAIL(qPrintable(problem));
}

bool TestOutsideWrites::client(const QString& uri, const QString& sql, QString& output) {
    const QUrl url(uri);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (url.scheme() == QLatin1String("mysql")) {
        env.insert(QStringLiteral("MYSQL_PWD"), servers_->password);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("mysql"),
                {QStringLiteral("--no-defaults"), QStringLiteral("-h"), url.host(),
                 QStringLiteral("-P"), QString::number(url.port()), QStringLiteral("-u"),
                 url.userName(), url.path().mid(1), QStringLiteral("-e"), sql});
    } else {
        env.insert(QStringLiteral("PGPASSWORD"), servers_->password);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("psql"),
                {QStringLiteral("-X"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                 QStringLiteral("-h"), url.host(), QStringLiteral("-p"),
                 QString::number(url.port()), QStringLiteral("-U"), url.userName(),
                 QStringLiteral("-d"), url.path().mid(1), QStringLiteral("-c"), sql});
    }
    p.waitForFinished(30000);
    output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

void TestOutsideWrites::capturedOnceInOrder_data() {
    QTest::addColumn<bool>("mariadb");
    QTest::newRow("mariadb (mysql client)") << true;
    QTest::newRow("postgresql (psql client)") << false;
}

void TestOutsideWrites::capturedOnceInOrder() {
    QFETCH(bool, mariadb);
    QString uri, problem;
    const auto opened =
        lab::freshStore(QStringLiteral("SQL"), mariadb ? servers_->mariadb : servers_->postgres,
                        servers_->password, uri, problem);
    QVERIFY2(opened, qPrintable(problem));
    StoreWorker& worker = *opened;
    QVERIFY(worker.description().kind ==
            (mariadb ? QStringLiteral("MariaDB") : QStringLiteral("PostgreSQL")));

    // PostgreSQL pushes a notification for each captured write; MariaDB has none to give.
    const Result<bool> pushes = await(worker.watchChanges());
    QVERIFY(pushes.ok());
    QCOMPARE(pushes.value(), !mariadb);
    QSignalSpy noticed(&worker, &StoreWorker::changesNoticed);

    // Syncscope's own: a local write, and one received from HIVE with a later ts.
    QVERIFY(
        await(worker.append({write("S1", "A", 5, "SQL", 1), write("S2", "B", 7, "HIVE", 3)})).ok());
    const int64_t before = await(worker.counts()).value().lastPosition;
    QCOMPARE(await(worker.readOplog()).value().size(), size_t(2)); // not logged twice
    QTest::qWait(200);
    QCOMPARE(noticed.count(), 0); // nor announced as someone else's

    QString out;
    QVERIFY2(client(uri,
                    QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                   "('S3', 'C1', 'B+'); "
                                   "UPDATE grades SET grade = 'C' WHERE student_id = 'S2'; "
                                   "DELETE FROM grades WHERE student_id = 'S1';"),
                    out),
             qPrintable(out));

    if (!mariadb)
        QTRY_VERIFY_WITH_TIMEOUT(noticed.count() >= 1, 1000);

    const std::vector<LogRecord> tail = await(worker.readOplog(before)).value();
    QCOMPARE(tail.size(), size_t(3)); // exactly once each
    QCOMPARE(tail[0].kind, EntryKind::Set);
    QCOMPARE(tail[0].studentId, std::string("S3"));
    QCOMPARE(tail[0].value, std::string("B+"));
    // After everything the store has seen (the received ts 7), as the store's own writes.
    QCOMPARE(tail[0].ts, int64_t(8));
    QCOMPARE(tail[0].origin, std::string("SQL"));
    QCOMPARE(tail[0].seq, uint64_t(2));
    QCOMPARE(tail[0].context, std::string());
    QCOMPARE(tail[1].studentId, std::string("S2"));
    QCOMPARE(tail[1].value, std::string("C"));
    QCOMPARE(tail[1].ts, int64_t(9));
    QCOMPARE(tail[1].seq, uint64_t(3));
    QCOMPARE(tail[1].context, std::string("HIVE:3")); // it had seen HIVE's write to the key
    QCOMPARE(tail[2].kind, EntryKind::Delete);
    QCOMPARE(tail[2].studentId, std::string("S1"));
    QVERIFY(!tail[2].hasValue);
    QCOMPARE(tail[2].ts, int64_t(10));
    QCOMPARE(tail[2].seq, uint64_t(4));

    // The grade rows carry what the oplog says.
    const auto s3 = await(worker.readKey("S3", "C1")).value();
    QVERIFY(s3.has_value());
    QCOMPARE(s3->ts, int64_t(8));
    QCOMPARE(s3->origin, std::string("SQL"));
    const auto s1 = await(worker.readKey("S1", "C1")).value();
    if (mariadb)
        QVERIFY(!s1.has_value()); // MariaDB's triggers cannot keep the tombstone
    else
        QVERIFY(s1.has_value() && s1->deleted && s1->ts == 10);

    // A later Syncscope write is still logged once, and an older received one does not win.
    QVERIFY(await(worker.append({write("S3", "old", 6, "HIVE", 4)})).ok());
    QCOMPARE(await(worker.readKey("S3", "C1")).value()->value, std::string("B+"));
    QCOMPARE(await(worker.counts()).value().oplogEntries, 6);

    // The outside writes took SQL's seqs 2 to 4. A batch of Syncscope's that numbers its own
    // write 3 (made before it knew of them) is refused whole, as a conflict, and writes
    // nothing; the same write again as before (a replayed batch) is not a conflict.
    const Status refused =
        await(worker.append({write("S5", "X", 20, "HIVE", 9), write("S6", "Y", 21, "SQL", 3)}));
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().conflict);
    QVERIFY2(refused.error().toString().contains(QStringLiteral("seq 3 of SQL is already taken")),
             qPrintable(refused.error().toString()));
    QCOMPARE(await(worker.counts()).value().oplogEntries, 6);
    QVERIFY(!await(worker.readKey("S5", "C1")).value().has_value());
    QVERIFY(await(worker.append({write("S1", "A", 5, "SQL", 1)})).ok());
    QVERIFY(await(worker.append({write("S6", "Y", 21, "SQL", 5)})).ok());
    QCOMPARE(await(worker.counts()).value().oplogEntries, 8);

    // Renaming a key is refused, and nothing is logged for it.
    QVERIFY(!client(
        uri, QStringLiteral("UPDATE grades SET student_id = 'S9' WHERE student_id = 'S3'"), out));
    QVERIFY2(out.contains(QStringLiteral("a key cannot change")), qPrintable(out));
    QCOMPARE(await(worker.counts()).value().oplogEntries, 8);
}

void TestOutsideWrites::invalidRowsRefusedAtTheSource_data() {
    QTest::addColumn<bool>("mariadb");
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("reason");
    const QString insert =
        QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES (%1)");
    QTest::newRow("mariadb: control character in the grade")
        << true << insert.arg(QStringLiteral("'S2', 'C1', CONCAT('B', CHAR(1))"))
        << QStringLiteral("the grade of (S2,C1)");
    QTest::newRow("mariadb: C1 control character")
        << true << insert.arg(QStringLiteral("'S2', 'C1', CONCAT('B', _utf8mb4 X'C285')"))
        << QStringLiteral("the grade of (S2,C1)");
    QTest::newRow("mariadb: space in the student id")
        << true << insert.arg(QStringLiteral("'SID BAD', 'C1', 'A'"))
        << QStringLiteral("student_id 'SID BAD'");
    QTest::newRow("mariadb: empty course id")
        << true << insert.arg(QStringLiteral("'S2', '', 'A'")) << QStringLiteral("course_id ''");
    QTest::newRow("mariadb: empty grade") << true << insert.arg(QStringLiteral("'S2', 'C1', ''"))
                                          << QStringLiteral("the grade of (S2,C1)");
    QTest::newRow("mariadb: update to a control character")
        << true << QStringLiteral("UPDATE grades SET grade = CONCAT('A', CHAR(9))")
        << QStringLiteral("the grade of (S1,C1)");
    QTest::newRow("postgresql: control character in the grade")
        << false << insert.arg(QStringLiteral("'S2', 'C1', E'C\\x02'"))
        << QStringLiteral("the grade of (S2,C1)");
    QTest::newRow("postgresql: C1 control character")
        << false << insert.arg(QStringLiteral("'S2', 'C1', E'C\\u0085'"))
        << QStringLiteral("the grade of (S2,C1)");
    QTest::newRow("postgresql: space in the student id")
        << false << insert.arg(QStringLiteral("'SID BAD', 'C1', 'A'"))
        << QStringLiteral("student_id 'SID BAD'");
    QTest::newRow("postgresql: 65-byte grade")
        << false << insert.arg(QStringLiteral("'S2', 'C1', repeat('é', 33)"))
        << QStringLiteral("the grade of (S2,C1)");
    QTest::newRow("postgresql: update to a control character")
        << false << QStringLiteral("UPDATE grades SET grade = E'A\\t'")
        << QStringLiteral("the grade of (S1,C1)");
}

void TestOutsideWrites::invalidRowsRefusedAtTheSource() {
    QFETCH(bool, mariadb);
    QFETCH(QString, statement);
    QFETCH(QString, reason);
    QString uri, problem;
    const auto opened =
        lab::freshStore(QStringLiteral("SQL"), mariadb ? servers_->mariadb : servers_->postgres,
                        servers_->password, uri, problem);
    QVERIFY2(opened, qPrintable(problem));
    StoreWorker& worker = *opened;
    QVERIFY(await(worker.append({write("S1", "A", 5, "SQL", 1)})).ok());

    QString out;
    QVERIFY2(!client(uri, statement, out), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Syncscope data rules")) && out.contains(reason),
             qPrintable(out));
    // Nothing was logged or changed, and a valid write from the same client still goes in.
    QCOMPARE(await(worker.counts()).value().oplogEntries, 1);
    QCOMPARE(await(worker.readKey("S1", "C1")).value()->value, std::string("A"));
    QVERIFY2(client(uri,
                    QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                   "('S3', 'C1', 'B ')"),
                    out),
             qPrintable(out));
    QCOMPARE(await(worker.counts()).value().oplogEntries, 2);
    QCOMPARE(await(worker.readKey("S3", "C1")).value()->value, std::string("B "));
}

// A MariaDB store whose insert trigger predates the data-rules check (CREATE TRIGGER IF NOT
// EXISTS would keep it) gets the checking one when the store is next opened.
void TestOutsideWrites::olderMariadbTriggersAreReplacedOnOpen() {
    QString uri, problem;
    auto opened =
        lab::freshStore(QStringLiteral("SQL"), servers_->mariadb, servers_->password, uri, problem);
    QVERIFY2(opened, qPrintable(problem));
    opened.reset();
    QString out;
    QVERIFY2(client(uri,
                    QStringLiteral("DROP TRIGGER grades_capture_insert; CREATE TRIGGER "
                                   "grades_capture_insert BEFORE INSERT ON grades FOR EACH ROW "
                                   "SET NEW.ts = 1"),
                    out),
             qPrintable(out));
    const QString bad = QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                       "('S2', 'C1', CONCAT('B', CHAR(1)))");
    QVERIFY2(client(uri, bad + QStringLiteral("; DELETE FROM grades"), out), qPrintable(out));

    auto made = StoreFactory::create(QStringLiteral("SQL"), uri, servers_->password);
    QVERIFY(made.ok());
    StoreWorker again(std::move(made.value()));
    QVERIFY(await(again.open()).ok());
    QVERIFY2(!client(uri, bad, out), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Syncscope data rules")), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestOutsideWrites)
#include "tst_outsidewrites.moc"

// capture=log on PostgreSQL (backends/postgreslogcapture.h): with no trigger on grades, writes
// made through the real `psql` client reach the oplog exactly once, in commit order, shaped as
// the capture triggers shape them; Syncscope's own writes are not captured again; a rolled-back
// transaction leaves nothing; a key renamed is a DELETE and a SET; a row breaking the data rules
// is set aside and the next row captured; a TRUNCATE and a change of grades' columns are
// reported. What is written while no
// Syncscope runs is captured at the next open, and a capturing process killed with SIGKILL, or
// the server killed in the middle of the stream, loses and repeats nothing. Everything is
// checked by reading the oplog through psql, not through Syncscope.
#include "awaitfuture.h"
#include "labservers.h"
#include "labstore.h"
#include "logrecords.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace syncscope;

class TestPostgresLogCapture : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void shapedAsTheTriggersShapeThem();
    void rollbackRenameInvalidTruncate();
    void tenThousandRowsInOneTransaction();
    void capturedWhenOpenedAgain();
    void lateCaptureYieldsToALaterWrite();
    void ownWritesAreMarkedNotPublished();
    void missingReplicationAttributeIsNamed();
    void killedCapturerLosesAndRepeatsNothing();
    void serverKilledMidStream();

private:
    // Runs SQL through psql as a user would; its unaligned output ('|' between columns).
    bool psql(const QString& uri, const QString& sql, QString& output,
              const QString& password = {});
    QString psqlOut(const QString& uri, const QString& sql);
    // The oplog as psql reads it, without wall_ms: "op|student|course|grade|ts|origin|seq|ctx".
    QStringList oplog(const QString& uri, const QString& where = QStringLiteral("TRUE"));
    std::unique_ptr<StoreWorker> open(const QString& uri, QString& problem);
    // A fresh database on the lab's PostgreSQL, as a store URI with capture=log.
    QString freshLogStore(QString& problem);
    bool services(const QStringList& args);

    std::optional<lab::Servers> servers_;
    QTemporaryDir dir_;
};

void TestPostgresLogCapture::initTestCase() {
    QString problem;
    servers_ = lab::servers(problem);
    if (!servers_)
        QFAIL(qPrintable(problem));
    QVERIFY(dir_.isValid());
}

void TestPostgresLogCapture::cleanupTestCase() {
    const QString dropped = lab::dropThrowaways();
    QVERIFY2(dropped.isEmpty(), qPrintable(dropped));
}

bool TestPostgresLogCapture::psql(const QString& uri, const QString& sql, QString& output,
                                  const QString& password) {
    const QUrl url(uri);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), password.isEmpty() ? servers_->password : password);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("psql"),
            {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-A"), QStringLiteral("-t"),
             QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"),
             url.host(), QStringLiteral("-p"), QString::number(url.port()), QStringLiteral("-U"),
             url.userName(), QStringLiteral("-d"), url.path().mid(1), QStringLiteral("-c"), sql});
    p.waitForFinished(120000);
    output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QString TestPostgresLogCapture::psqlOut(const QString& uri, const QString& sql) {
    QString out;
    if (!psql(uri, sql, out))
        qWarning("psql %s: %s", qPrintable(sql), qPrintable(out));
    return out;
}

QStringList TestPostgresLogCapture::oplog(const QString& uri, const QString& where) {
    const QString out = psqlOut(
        uri, QStringLiteral("SELECT op, student_id, course_id, coalesce(grade, '~'), ts, origin, "
                            "seq, coalesce(context, '') FROM oplog WHERE %1 ORDER BY id")
                 .arg(where));
    return out.isEmpty() ? QStringList() : out.split(QLatin1Char('\n'));
}

std::unique_ptr<StoreWorker> TestPostgresLogCapture::open(const QString& uri, QString& problem) {
    auto made = StoreFactory::create(QStringLiteral("SQL"), uri, servers_->password);
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

QString TestPostgresLogCapture::freshLogStore(QString& problem) {
    return lab::freshDatabase(servers_->postgres, servers_->password, problem) +
           QStringLiteral("?capture=log");
}

bool TestPostgresLogCapture::services(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(SYNCSCOPE_SERVICES_SCRIPT), args);
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning("services %s: %s", qPrintable(args.join(QLatin1Char(' '))),
                 p.readAllStandardError().constData());
        return false;
    }
    return true;
}

// The same own writes and the same psql transaction on a store with triggers and on one with
// capture=log give the same oplog, entry for entry (wall_ms aside).
void TestPostgresLogCapture::shapedAsTheTriggersShapeThem() {
    QString problem;
    const QString triggersUri = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString logUri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    auto triggers = open(triggersUri, problem);
    QVERIFY2(triggers, qPrintable(problem));
    auto log = open(logUri, problem);
    QVERIFY2(log, qPrintable(problem));
    QCOMPARE(triggers->description().capture, QStringLiteral("triggers"));
    QVERIFY2(log->description().capture.startsWith(QStringLiteral("log (slot syncscope_t")),
             qPrintable(log->description().capture));
    QCOMPARE(psqlOut(logUri, QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = "
                                            "'grades'::regclass AND NOT tgisinternal")),
             QStringLiteral("0"));
    QCOMPARE(psqlOut(logUri, QStringLiteral("SELECT count(*) FROM pg_replication_slots s JOIN "
                                            "pg_publication p ON p.pubname = s.slot_name WHERE "
                                            "s.database = current_database()")),
             QStringLiteral("1"));

    const Result<bool> pushes = await(log->watchChanges());
    QVERIFY(pushes.ok());
    QVERIFY(pushes.value());
    QSignalSpy noticed(log.get(), &StoreWorker::changesNoticed);
    QSignalSpy notices(log.get(), &StoreWorker::notice);

    const std::vector<LogRecord> own = {setRecord("S1", "C1", "A", 5, "SQL", 1),
                                        setRecord("S2", "C1", "B", 7, "HIVE", 3)};
    for (StoreWorker* w : {triggers.get(), log.get()})
        QVERIFY(await(w->append(own)).ok());
    QTest::qWait(400);
    QCOMPARE(noticed.count(), 0); // Syncscope's own transaction is not captured
    QCOMPARE(oplog(logUri).size(), 2);

    const QString outside = QStringLiteral(
        "INSERT INTO grades(student_id, course_id, grade) VALUES ('S3', 'C1', 'B+'); "
        "UPDATE grades SET grade = 'C' WHERE student_id = 'S2'; "
        "DELETE FROM grades WHERE student_id = 'S1';");
    QString out;
    QVERIFY2(psql(triggersUri, outside, out), qPrintable(out));
    QVERIFY2(psql(logUri, outside, out), qPrintable(out));
    QTRY_VERIFY_WITH_TIMEOUT(noticed.count() >= 1, 5000);
    const QStringList expected = {
        QStringLiteral("SET|S1|C1|A|5|SQL|1|"), QStringLiteral("SET|S2|C1|B|7|HIVE|3|"),
        QStringLiteral("SET|S3|C1|B+|8|SQL|2|"), QStringLiteral("SET|S2|C1|C|9|SQL|3|HIVE:3"),
        QStringLiteral("DELETE|S1|C1|~|10|SQL|4|")};
    QCOMPARE(oplog(triggersUri), expected);
    QCOMPARE(oplog(logUri), expected);
    // The rows are the fold of the oplog; the deleted key has no row (no tombstone) so that an
    // outside INSERT of it again is not refused.
    QCOMPARE(psqlOut(logUri, QStringLiteral("SELECT student_id, grade, ts, origin, seq FROM "
                                            "grades ORDER BY student_id")),
             QStringLiteral("S2|C|9|SQL|3\nS3|B+|8|SQL|2"));
    QVERIFY2(psql(logUri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S1', 'C1', 'D')"),
                  out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(logUri).size(), 6, 5000);
    QCOMPARE(oplog(logUri).last(), QStringLiteral("SET|S1|C1|D|11|SQL|5|"));
    QCOMPARE(notices.count(), 0);
    // Syncscope's own later write still gets its next seq after the captured ones.
    QVERIFY(await(log->append({setRecord("S4", "C1", "A", 12, "SQL", 6)})).ok());
}

void TestPostgresLogCapture::rollbackRenameInvalidTruncate() {
    QString problem;
    const QString uri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    auto log = open(uri, problem);
    QVERIFY2(log, qPrintable(problem));
    QVERIFY(await(log->watchChanges()).ok());
    QSignalSpy notices(log.get(), &StoreWorker::notice);
    QString out;
    QVERIFY2(psql(uri,
                  QStringLiteral("BEGIN; INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('R1', 'C1', 'A'); ROLLBACK;"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S3', 'C1', 'B')"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("UPDATE grades SET student_id = 'S9' WHERE student_id = 'S3'"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('bad id', 'C1', 'A')"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S5', 'C1', E'x\\ty')"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S6', 'C1', 'A')"),
                  out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(uri).size(), 4, 5000);
    QCOMPARE(oplog(uri), (QStringList{QStringLiteral("SET|S3|C1|B|1|SQL|1|"),
                                      QStringLiteral("DELETE|S3|C1|~|2|SQL|2|"),
                                      QStringLiteral("SET|S9|C1|B|3|SQL|3|"),
                                      QStringLiteral("SET|S6|C1|A|4|SQL|4|")}));
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT student_id, coalesce(grade, '~'), reason FROM "
                                         "syncscope_set_aside ORDER BY id")),
             QStringLiteral("bad id|A|student_id is not 1 to 64 of A-Z a-z 0-9 _ . -\n"
                            "S5|x\ty|the grade must be 1 to 64 bytes with no control character"));
    // verify hears of them as rows nothing accounts for.
    const Result<std::vector<UnaccountedRow>> stray = await(log->unaccountedRows());
    QVERIFY(stray.ok());
    QCOMPARE(stray.value().size(), size_t(2));
    QCOMPARE(stray.value()[0].studentId, std::string("bad id"));
    QVERIFY2(stray.value()[1].detail.find("control character") != std::string::npos,
             stray.value()[1].detail.c_str());
    QTRY_VERIFY_WITH_TIMEOUT(notices.count() >= 2, 5000);
    QVERIFY2(notices.at(0).at(0).toString().contains(QStringLiteral("(bad id,C1)")),
             qPrintable(notices.at(0).at(0).toString()));
    QVERIFY2(notices.at(0).at(0).toString().contains(QStringLiteral("set aside")),
             qPrintable(notices.at(0).at(0).toString()));

    QVERIFY2(psql(uri, QStringLiteral("TRUNCATE grades"), out), qPrintable(out));
    QTRY_VERIFY_WITH_TIMEOUT(notices.count() >= 3, 5000);
    const QString truncated = notices.last().at(0).toString();
    QVERIFY2(truncated.startsWith(QStringLiteral("SQL: grades was emptied by TRUNCATE")),
             qPrintable(truncated));
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT count(*) FROM syncscope_set_aside WHERE reason "
                                         "LIKE '%TRUNCATE%'")),
             QStringLiteral("1"));
    QCOMPARE(oplog(uri).size(), 4);

    // A column added to grades is reported; the rows still carry their key and grade.
    QVERIFY2(psql(uri,
                  QStringLiteral("ALTER TABLE grades ADD COLUMN note TEXT; INSERT INTO "
                                 "grades(student_id, course_id, grade, note) VALUES ('S7', 'C1', "
                                 "'A', 'n')"),
                  out),
             qPrintable(out));
    QTRY_VERIFY_WITH_TIMEOUT(notices.count() >= 4, 5000);
    QVERIFY2(notices.last().at(0).toString().contains(QStringLiteral("columns of grades changed")),
             qPrintable(notices.last().at(0).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(uri).size(), 5, 5000);
    QCOMPARE(oplog(uri).last(), QStringLiteral("SET|S7|C1|A|5|SQL|5|"));
}

void TestPostgresLogCapture::tenThousandRowsInOneTransaction() {
    QString problem;
    const QString uri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    auto log = open(uri, problem);
    QVERIFY2(log, qPrintable(problem));
    QVERIFY(await(log->watchChanges()).ok());
    QSignalSpy noticed(log.get(), &StoreWorker::changesNoticed);
    QString out;
    QElapsedTimer took;
    took.start();
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) SELECT 'K' || "
                                 "n, 'C1', 'A' FROM generate_series(1, 10000) AS n"),
                  out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(psqlOut(uri, QStringLiteral("SELECT count(*) FROM oplog")),
                              QStringLiteral("10000"), 30000);
    qInfo("10,000 rows of one transaction captured in %lld ms", took.elapsed());
    // In the statement's order, seqs and ts one after another.
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT count(*) FROM oplog WHERE student_id = 'K' || "
                                         "seq AND ts = seq AND origin = 'SQL' AND op = 'SET'")),
             QStringLiteral("10000"));
}

void TestPostgresLogCapture::capturedWhenOpenedAgain() {
    QString problem;
    const QString uri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    {
        auto first = open(uri, problem);
        QVERIFY2(first, qPrintable(problem));
        QVERIFY(await(first->append({setRecord("S1", "C1", "A", 1, "SQL", 1)})).ok());
    }
    QString out;
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S2', 'C1', 'B'); UPDATE grades SET grade = 'C' WHERE "
                                 "student_id = 'S1'"),
                  out),
             qPrintable(out));
    QCOMPARE(oplog(uri).size(), 1); // nobody captures while no Syncscope runs
    {
        auto again = open(uri, problem); // no watch: opening reads the log to its end
        QVERIFY2(again, qPrintable(problem));
        QCOMPARE(oplog(uri), (QStringList{QStringLiteral("SET|S1|C1|A|1|SQL|1|"),
                                          QStringLiteral("SET|S2|C1|B|2|SQL|2|"),
                                          QStringLiteral("SET|S1|C1|C|3|SQL|3|")}));
        QCOMPARE(await(again->readOplog()).value().size(), size_t(3));
    }
    {
        auto third = open(uri, problem);
        QVERIFY2(third, qPrintable(problem));
        QCOMPARE(oplog(uri).size(), 3); // nothing twice
    }
    // A transaction at or below the LSN saved with the oplog was captured before (a process
    // killed between its commit and telling the slot): the slot sends it again, it is skipped.
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S8', 'C1', 'B')"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("UPDATE syncscope_meta SET value = pg_current_wal_lsn()::text "
                                 "WHERE key = 'capture_lsn'"),
                  out),
             qPrintable(out));
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S9', 'C1', 'B')"),
                  out),
             qPrintable(out));
    {
        auto fourth = open(uri, problem);
        QVERIFY2(fourth, qPrintable(problem));
        QCOMPARE(oplog(uri, QStringLiteral("student_id IN ('S8', 'S9')")),
                 QStringList{QStringLiteral("SET|S9|C1|B|4|SQL|4|")});
    }
    // A store only read (verify) makes and moves nothing.
    const QString slot = QStringLiteral("SELECT confirmed_flush_lsn FROM pg_replication_slots "
                                        "WHERE database = current_database()");
    const QString before = psqlOut(uri, slot);
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S7', 'C1', 'B')"),
                  out),
             qPrintable(out));
    auto made = StoreFactory::create(QStringLiteral("SQL"), uri, servers_->password);
    QVERIFY(made.ok());
    made.value()->setReadOnly();
    StoreWorker reader(std::move(made.value()));
    QVERIFY(await(reader.open()).ok());
    QCOMPARE(oplog(uri).size(), 4); // S1, S2, S1 again, S9: not S7
    QCOMPARE(oplog(uri, QStringLiteral("student_id = 'S7'")), QStringList());
    QCOMPARE(psqlOut(uri, slot), before);
}

// Syncscope's own transactions carry a logical message and the oplog is not published, so the
// entries Syncscope writes do not come back through the slot. A publication made by an earlier
// version (grades and oplog) is narrowed at the next open; own writes stay uncaptured either way.
// An outside write captured only after Syncscope wrote the same key (no store was open
// meanwhile): in the log it came first, so it is logged as older than Syncscope's write, and
// the row stays Syncscope's. Logged as the newest (ts past every ts), it put the old value back.
void TestPostgresLogCapture::lateCaptureYieldsToALaterWrite() {
    QString problem, out;
    const QString uri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    {
        auto store = open(uri, problem);
        QVERIFY2(store, qPrintable(problem));
        QVERIFY(await(store->append({setRecord("S1", "C1", "A", 10, "SQL", 1)})).ok());
        QVERIFY2(psql(uri,
                      QStringLiteral("UPDATE grades SET grade = 'OUT' WHERE student_id = 'S1'; "
                                     "INSERT INTO grades(student_id, course_id, grade) VALUES "
                                     "('S2', 'C1', 'ALONE')"),
                      out),
                 qPrintable(out));
        QVERIFY(await(store->append({setRecord("S1", "C1", "NEW", 20, "HIVE", 4)})).ok());
    }
    auto store = open(uri, problem);
    QVERIFY2(store, qPrintable(problem));
    QCOMPARE(oplog(uri), (QStringList{QStringLiteral("SET|S1|C1|A|10|SQL|1|"),
                                      QStringLiteral("SET|S1|C1|NEW|20|HIVE|4|"),
                                      QStringLiteral("SET|S1|C1|OUT|19|SQL|2|HIVE:4"),
                                      QStringLiteral("SET|S2|C1|ALONE|22|SQL|3|")}));
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT string_agg(student_id || '=' || grade || '@' || "
                                         "ts || origin || seq, ',' ORDER BY student_id) FROM "
                                         "grades")),
             QStringLiteral("S1=NEW@20HIVE4,S2=ALONE@22SQL3"));
}

void TestPostgresLogCapture::ownWritesAreMarkedNotPublished() {
    QString problem;
    const QString uri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString published =
        QStringLiteral("SELECT string_agg(p.tablename, ',' ORDER BY p.tablename) FROM "
                       "pg_publication_tables p JOIN pg_replication_slots s ON s.slot_name = "
                       "p.pubname WHERE s.database = current_database()");
    {
        auto first = open(uri, problem);
        QVERIFY2(first, qPrintable(problem));
        QCOMPARE(psqlOut(uri, published), QStringLiteral("grades"));
    }
    QString out;
    QVERIFY2(psql(uri,
                  QStringLiteral("DO $$ BEGIN EXECUTE format('ALTER PUBLICATION %I ADD TABLE "
                                 "oplog', (SELECT slot_name FROM pg_replication_slots WHERE "
                                 "database = current_database())); END $$"),
                  out),
             qPrintable(out));
    QCOMPARE(psqlOut(uri, published), QStringLiteral("grades,oplog"));
    auto again = open(uri, problem);
    QVERIFY2(again, qPrintable(problem));
    QCOMPARE(psqlOut(uri, published), QStringLiteral("grades"));
    const Result<bool> pushes = await(again->watchChanges());
    QVERIFY(pushes.ok() && pushes.value());
    QVERIFY(await(again->append({setRecord("S1", "C1", "A", 1, "HIVE", 1),
                                 setRecord("S2", "C1", "B", 2, "SQL", 1)}))
                .ok());
    QVERIFY2(psql(uri,
                  QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S3', 'C1', 'C')"),
                  out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(uri).size(), 3, 5000);
    QTest::qWait(300);
    QCOMPARE(oplog(uri), (QStringList{QStringLiteral("SET|S1|C1|A|1|HIVE|1|"),
                                      QStringLiteral("SET|S2|C1|B|2|SQL|1|"),
                                      QStringLiteral("SET|S3|C1|C|3|SQL|2|")}));
    // The mark is the transaction's: an outside client's own messages mark nothing.
    QVERIFY2(psql(uri,
                  QStringLiteral("BEGIN; SELECT pg_logical_emit_message(true, 'other', 'x'); "
                                 "INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('S4', 'C1', 'D'); COMMIT"),
                  out),
             qPrintable(out));
    QTRY_COMPARE_WITH_TIMEOUT(oplog(uri).size(), 4, 5000);
    QCOMPARE(oplog(uri).last(), QStringLiteral("SET|S4|C1|D|4|SQL|3|"));
}

// An account without the REPLICATION attribute is told the statement that gives it.
void TestPostgresLogCapture::missingReplicationAttributeIsNamed() {
    QString problem;
    const QString uri = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString database = QUrl(uri).path().mid(1);
    QString out;
    psql(uri, QStringLiteral("DROP ROLE IF EXISTS norepl"), out);
    QVERIFY2(psql(uri,
                  QStringLiteral("CREATE ROLE norepl LOGIN PASSWORD 'pw' NOREPLICATION; GRANT ALL "
                                 "ON DATABASE %1 TO norepl; GRANT ALL ON SCHEMA public TO "
                                 "norepl")
                      .arg(database),
                  out),
             qPrintable(out));
    QUrl limited(uri);
    limited.setUserName(QStringLiteral("norepl"));
    limited.setQuery(QStringLiteral("capture=log"));
    QString message;
    {
        auto made =
            StoreFactory::create(QStringLiteral("SQL"), limited.toString(), QStringLiteral("pw"));
        QVERIFY(made.ok());
        StoreWorker worker(std::move(made.value()));
        const Status opened = await(worker.open());
        QVERIFY(!opened.ok());
        message = opened.error().toString();
    }
    QVERIFY2(message.contains(QStringLiteral("ALTER ROLE norepl WITH REPLICATION")),
             qPrintable(message));
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                         "database = current_database()")),
             QStringLiteral("0"));
    psql(uri, QStringLiteral("DROP OWNED BY norepl CASCADE; DROP ROLE norepl"), out);
}

// `syncscope-cli follow` captures (it opens and watches the store) while psql commits 60
// transactions of 50 rows, one of them rolled back; it is SIGKILLed in the middle, started again,
// and in the end every committed row is in the oplog exactly once, in commit order.
void TestPostgresLogCapture::killedCapturerLosesAndRepeatsNothing() {
    QString problem;
    const QString uri = freshLogStore(problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    {
        auto made = open(uri, problem); // the slot exists before the writes
        QVERIFY2(made, qPrintable(problem));
    }
    const QString workspace = dir_.filePath(QStringLiteral("kill.json"));
    QFile ws(workspace);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    ws.write(
        QJsonDocument(
            QJsonObject{{QStringLiteral("stores"),
                         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("SQL")},
                                                {QStringLiteral("uri"), uri}},
                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("COPY")},
                                                {QStringLiteral("uri"),
                                                 QStringLiteral("sqlite://") +
                                                     dir_.filePath(QStringLiteral("copy.db"))}}}}})
            .toJson());
    ws.close();
    qputenv("SYNCSCOPE_PASSWORD_SQL", servers_->password.toUtf8());
    auto follow = [&] {
        auto* p = new QProcess(this);
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(QStringLiteral(SYNCSCOPE_CLI),
                 {QStringLiteral("follow"), QStringLiteral("--workspace"), workspace,
                  QStringLiteral("--from"), QStringLiteral("SQL"), QStringLiteral("--to"),
                  QStringLiteral("COPY")});
        return p;
    };
    QProcess* first = follow();
    QVERIFY(first->waitForStarted());
    QString script;
    for (int t = 1; t <= 60; ++t) {
        script += QStringLiteral("BEGIN; INSERT INTO grades(student_id, course_id, grade) SELECT "
                                 "'T%1K' || n, 'C1', 'A' FROM generate_series(1, 50) AS n; %2; "
                                 "SELECT pg_sleep(0.05);\n")
                      .arg(t)
                      .arg(t == 30 ? QStringLiteral("ROLLBACK") : QStringLiteral("COMMIT"));
    }
    QFile sql(dir_.filePath(QStringLiteral("writes.sql")));
    QVERIFY(sql.open(QIODevice::WriteOnly));
    sql.write(script.toUtf8());
    sql.close();
    QProcess writer;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), servers_->password);
    writer.setProcessEnvironment(env);
    const QUrl url(uri);
    writer.start(QStringLiteral("psql"),
                 {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                  QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"), url.host(),
                  QStringLiteral("-p"), QString::number(url.port()), QStringLiteral("-U"),
                  url.userName(), QStringLiteral("-d"), url.path().mid(1), QStringLiteral("-f"),
                  sql.fileName()});
    // Killed once part of the writes is captured, the rest still coming.
    QTRY_VERIFY_WITH_TIMEOUT(
        psqlOut(uri, QStringLiteral("SELECT count(*) FROM oplog")).toInt() >= 200, 30000);
    ::kill(static_cast<pid_t>(first->processId()), SIGKILL);
    first->waitForFinished(10000);
    const int atKill = psqlOut(uri, QStringLiteral("SELECT count(*) FROM oplog")).toInt();
    QVERIFY(writer.waitForFinished(60000));
    QCOMPARE(writer.exitCode(), 0);
    QVERIFY2(atKill < 59 * 50, "the writes ended before the kill: nothing was tested");
    QProcess* second = follow();
    QTRY_COMPARE_WITH_TIMEOUT(psqlOut(uri, QStringLiteral("SELECT count(*) FROM oplog")),
                              QStringLiteral("2950"), 60000);
    second->terminate();
    second->waitForFinished(10000);
    // Exactly once each, in commit order (the writer's order), nothing from the rollback.
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT count(DISTINCT student_id) FROM oplog")),
             QStringLiteral("2950"));
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT count(*) FROM oplog WHERE student_id LIKE "
                                         "'T30K%'")),
             QStringLiteral("0"));
    QCOMPARE(psqlOut(uri, QStringLiteral("SELECT count(*) FROM (SELECT seq, ts, "
                                         "row_number() OVER (ORDER BY id) AS r, "
                                         "split_part(substr(student_id, 2), 'K', 1)::int AS t, "
                                         "lag(split_part(substr(student_id, 2), 'K', 1)::int) "
                                         "OVER (ORDER BY id) AS before FROM oplog) AS o WHERE "
                                         "seq = r AND ts = r AND (before IS NULL OR before <= t)")),
             QStringLiteral("2950"));
}

// The lab's PostgreSQL (a lab of this test's own) SIGKILLed while a watched store streams and
// psql keeps writing; once it is started again, every row the server holds is in the oplog once.
void TestPostgresLogCapture::serverKilledMidStream() {
    QTemporaryDir labDir;
    QVERIFY(labDir.isValid());
    QVERIFY(services({QStringLiteral("start"), labDir.path()}));
    const QByteArray previousEnv = qgetenv("SYNCSCOPE_SERVICES_ENV");
    qputenv("SYNCSCOPE_SERVICES_ENV", labDir.filePath(QStringLiteral("env")).toUtf8());
    QString problem;
    const std::optional<lab::Servers> lab = lab::servers(problem);
    qputenv("SYNCSCOPE_SERVICES_ENV", previousEnv);
    auto stop = qScopeGuard([&] { services({QStringLiteral("stop"), labDir.path()}); });
    QVERIFY2(lab, qPrintable(problem));
    QUrl url(lab->postgres);
    url.setQuery(QStringLiteral("capture=log"));
    const QString uri = url.toString();
    auto made = StoreFactory::create(QStringLiteral("SQL"), uri, lab->password);
    QVERIFY(made.ok());
    StoreWorker worker(std::move(made.value()));
    QVERIFY2(await(worker.open()).ok(), "open");
    QVERIFY(await(worker.watchChanges()).ok());

    // One row per transaction, a psql per row, going on through the outage.
    QProcess writer;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), lab->password);
    writer.setProcessEnvironment(env);
    writer.start(QStringLiteral("bash"),
                 {QStringLiteral("-c"),
                  QStringLiteral("for n in $(seq 1 400); do psql -X -q -h %1 -p %2 -U %3 -d %4 "
                                 "-c \"INSERT INTO grades(student_id, course_id, grade) VALUES "
                                 "('W$n', 'C1', 'A')\" 2>/dev/null; sleep 0.01; done")
                      .arg(url.host())
                      .arg(url.port())
                      .arg(url.userName(), url.path().mid(1))});
    const QString labUri = lab->postgres;
    const auto count = [&] {
        QString out;
        psql(labUri, QStringLiteral("SELECT count(*) FROM oplog"), out, lab->password);
        return out.toInt();
    };
    QTRY_VERIFY_WITH_TIMEOUT(count() >= 50, 30000);
    QVERIFY(services({QStringLiteral("kill"), QStringLiteral("postgresql"), labDir.path()}));
    QTest::qWait(1500);
    QVERIFY(services({QStringLiteral("revive"), labDir.path()}));
    QVERIFY(writer.waitForFinished(120000));
    QString held;
    QTRY_VERIFY_WITH_TIMEOUT(
        (psql(labUri, QStringLiteral("SELECT count(*) FROM grades"), held, lab->password),
         count() == held.toInt()),
        30000);
    QVERIFY(held.toInt() > 100);
    QString out;
    psql(labUri,
         QStringLiteral("SELECT count(*) FROM oplog o JOIN grades g USING (student_id, course_id) "
                        "WHERE o.seq = g.seq"),
         out, lab->password);
    QCOMPARE(out, held); // each row's write once, and the row knows its identity
    psql(labUri,
         QStringLiteral("SELECT count(*) FROM (SELECT id, lag(substr(student_id, 2)::int) OVER "
                        "(ORDER BY id) AS before, substr(student_id, 2)::int AS n FROM oplog) AS o "
                        "WHERE before IS NULL OR before < n"),
         out, lab->password);
    QCOMPARE(out, held); // in commit order
}

QTEST_GUILESS_MAIN(TestPostgresLogCapture)
#include "tst_postgreslogcapture.moc"

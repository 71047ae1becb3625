// syncscope-cli follow into a target that refuses a write by a rule of its own. A DBA has added
// CHECK (grade <> 'Z') to the target's grades on MariaDB and PostgreSQL (through the server's own
// client); the source holds one write of grade Z between valid ones, all in one batch. The follow
// sets that write aside with the server's own words and goes on: the valid writes reach the
// target in order, exactly once (read back with `mariadb` / `psql`), exit 5, the state file
// lists it. Once the DBA drops the CHECK, --retry-dead-letters delivers it, once.
//
// A failure that passes must not be set aside: a PostgreSQL target whose grades a DBA holds
// locked for a few seconds, under a lock_timeout, refuses the follow's appends with "lock
// timeout" (55P03) until the lock goes; the follow retries with back-off and delivers every
// write, with nothing set aside.
#include "clirun.h"
#include "labstore.h"
#include "logrecords.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace syncscope;

class TestCliRefusedWrites : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void refusedWriteSetAsideWithServerWords_data();
    void refusedWriteSetAsideWithServerWords();
    void refusedWriteInABulkBatch_data();
    void refusedWriteInABulkBatch();
    void lockTimeoutIsRetriedNotSetAside();

private:
    // A source SQLite file holding `writes`, the target in a fresh database on `serverUri`
    // (opened once, so its tables exist), and a workspace naming both; the workspace's path.
    QString prepare(const QString& tag, const QString& serverUri,
                    const std::vector<LogRecord>& writes, QString& targetUri);
    QStringList follow(const QString& workspace) const;
    // The server's own command-line client (`mariadb` or `psql`) on the target's database:
    // the statement's rows, a line each, fields separated by '='.
    QString client(const QString& uri, const QString& sql, QProcess* background = nullptr);
    std::optional<lab::Servers> servers_;
    QTemporaryDir dir_;
};

void TestCliRefusedWrites::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    qputenv("SYNCSCOPE_PASSWORD_TGT", servers_->password.toUtf8());
}

QString TestCliRefusedWrites::client(const QString& uri, const QString& sql, QProcess* background) {
    const QUrl url(uri);
    const bool maria = url.scheme() == QLatin1String("mysql");
    QProcess own;
    QProcess& p = background ? *background : own;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(maria ? QStringLiteral("MYSQL_PWD") : QStringLiteral("PGPASSWORD"),
               servers_->password);
    p.setProcessEnvironment(env);
    const QString database = url.path().mid(1);
    if (maria)
        p.start(QStringLiteral("mariadb"),
                {QStringLiteral("-h"), url.host(), QStringLiteral("-P"),
                 QString::number(url.port()), QStringLiteral("-u"), url.userName(),
                 QStringLiteral("-N"), QStringLiteral("-B"), database, QStringLiteral("-e"), sql});
    else
        p.start(QStringLiteral("psql"),
                {QStringLiteral("-h"), url.host(), QStringLiteral("-p"),
                 QString::number(url.port()), QStringLiteral("-U"), url.userName(),
                 QStringLiteral("-d"), database, QStringLiteral("-qAt"), QStringLiteral("-F"),
                 QStringLiteral("="), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                 QStringLiteral("-c"), sql});
    if (background)
        return {};
    if (!p.waitForFinished(30000))
        return QStringLiteral("the client did not end");
    const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
    if (p.exitCode() != 0)
        return QStringLiteral("client failed: ") + err;
    return QString::fromUtf8(p.readAllStandardOutput())
        .trimmed()
        .replace(QLatin1Char('\t'), QLatin1Char('='));
}

QString TestCliRefusedWrites::prepare(const QString& tag, const QString& serverUri,
                                      const std::vector<LogRecord>& writes, QString& targetUri) {
    const QString sourceUri =
        QStringLiteral("sqlite://") + dir_.filePath(tag + QStringLiteral(".db"));
    {
        auto made = StoreFactory::create(QStringLiteral("SRC"), sourceUri, {});
        if (!made)
            return made.error().toString();
        StoreWorker source(std::move(made.value()));
        if (const Status s = await(source.open()); !s)
            return s.error().toString();
        if (const Status s = await(source.append(writes)); !s)
            return s.error().toString();
    }
    QString problem;
    auto target =
        lab::freshStore(QStringLiteral("TGT"), serverUri, servers_->password, targetUri, problem);
    if (!target)
        return problem;
    target.reset();
    const QString workspace = dir_.filePath(tag + QStringLiteral(".json"));
    QFile ws(workspace);
    if (!ws.open(QIODevice::WriteOnly))
        return ws.errorString();
    ws.write(
        QJsonDocument(
            QJsonObject{{QStringLiteral("stores"),
                         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("SRC")},
                                                {QStringLiteral("uri"), sourceUri}},
                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("TGT")},
                                                {QStringLiteral("uri"), targetUri}}}}})
            .toJson());
    return workspace;
}

QStringList TestCliRefusedWrites::follow(const QString& workspace) const {
    return {QStringLiteral("follow"),
            QStringLiteral("--workspace"),
            workspace,
            QStringLiteral("--from"),
            QStringLiteral("SRC"),
            QStringLiteral("--to"),
            QStringLiteral("TGT"),
            QStringLiteral("--until-caught-up")};
}

void TestCliRefusedWrites::refusedWriteSetAsideWithServerWords_data() {
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("serverWords"); // what the server says of the CHECK
    QTest::newRow("mariadb") << QStringLiteral("mariadb")
                             << QStringLiteral("CONSTRAINT `no_z` failed for");
    QTest::newRow("postgresql") << QStringLiteral("postgresql")
                                << QStringLiteral("violates check constraint \"no_z\"");
}

void TestCliRefusedWrites::refusedWriteSetAsideWithServerWords() {
    QFETCH(QString, server);
    QFETCH(QString, serverWords);
    const QString serverUri =
        server == QLatin1String("mariadb") ? servers_->mariadb : servers_->postgres;
    // One page, one batch: the refused write sits between valid ones, and S3 is written twice
    // after it, so the order of arrival shows in the target's row.
    QString uri;
    const QString workspace =
        prepare(server, serverUri,
                {setRecord("S1", "C1", "A", 1, "SRC", 1), setRecord("S2", "C1", "Z", 2, "SRC", 2),
                 setRecord("S3", "C1", "C", 3, "SRC", 3), setRecord("S3", "C1", "E", 4, "SRC", 4),
                 setRecord("S4", "C1", "D", 5, "SRC", 5)},
                uri);
    QVERIFY2(workspace.endsWith(QLatin1String(".json")), qPrintable(workspace));
    // The DBA's rule, through the server's own client.
    QCOMPARE(client(uri, QStringLiteral("ALTER TABLE grades ADD CONSTRAINT no_z CHECK (grade <> "
                                        "'Z')")),
             QString());
    const QString grades =
        QStringLiteral("SELECT student_id, grade FROM grades ORDER BY student_id");
    const QString oplog = QStringLiteral("SELECT student_id, grade FROM oplog ORDER BY id");

    const auto [code, out, err] = lab::runCli(follow(workspace), 120000);
    QVERIFY2(code == 5, qPrintable(QString::number(code) + out + err));
    QVERIFY2(err.contains(QStringLiteral("follow TGT: set aside SRC:2 SET (S2,C1) = 'Z': TGT: ")) &&
                 err.contains(serverWords),
             qPrintable(err));
    QVERIFY2(!err.contains(QLatin1String("trying again")), qPrintable(err)); // no back-off
    QVERIFY2(out.contains(QStringLiteral("follow TGT: 4 writes applied, 0 already there, "
                                         "position 5, 1 set aside")),
             qPrintable(out));
    QCOMPARE(client(uri, grades), QStringLiteral("S1=A\nS3=E\nS4=D"));
    QCOMPARE(client(uri, oplog), QStringLiteral("S1=A\nS3=C\nS3=E\nS4=D")); // in order, once

    // The state file lists it with the server's words, beside the position past it.
    QFile state(dir_.filePath(server + QStringLiteral(".follow-SRC.json")));
    QVERIFY(state.open(QIODevice::ReadOnly));
    const QJsonObject tgt = QJsonDocument::fromJson(state.readAll())
                                .object()
                                .value(QStringLiteral("targets"))
                                .toObject()
                                .value(QStringLiteral("TGT"))
                                .toObject();
    state.close();
    QCOMPARE(tgt.value(QStringLiteral("position")).toInt(), 5);
    const QJsonArray letters = tgt.value(QStringLiteral("deadLetters")).toArray();
    QCOMPARE(letters.size(), 1);
    QCOMPARE(letters[0].toObject().value(QStringLiteral("seq")).toInt(), 2);
    QVERIFY2(letters[0].toObject().value(QStringLiteral("reason")).toString().contains(serverWords),
             QJsonDocument(letters[0].toObject()).toJson().constData());

    // Offered again while the rule stands: still refused, listed once, nothing written.
    const auto [still, out2, err2] = lab::runCli(
        follow(workspace) + QStringList{QStringLiteral("--retry-dead-letters")}, 120000);
    QVERIFY2(still == 5, qPrintable(QString::number(still) + out2 + err2));
    QVERIFY2(err2.contains(QStringLiteral("follow TGT: 0 set-aside writes delivered or already "
                                          "there, 1 still set aside")),
             qPrintable(err2));
    QCOMPARE(client(uri, oplog), QStringLiteral("S1=A\nS3=C\nS3=E\nS4=D"));

    // The DBA drops the rule: the retry delivers it, once; a second retry has nothing to do.
    QCOMPARE(client(uri, QStringLiteral("ALTER TABLE grades DROP CONSTRAINT no_z")), QString());
    const auto [retried, out3, err3] = lab::runCli(
        follow(workspace) + QStringList{QStringLiteral("--retry-dead-letters")}, 120000);
    QVERIFY2(retried == 0, qPrintable(QString::number(retried) + out3 + err3));
    QVERIFY2(err3.contains(QStringLiteral("follow TGT: 1 set-aside writes delivered or already "
                                          "there, 0 still set aside")),
             qPrintable(err3));
    QCOMPARE(client(uri, grades), QStringLiteral("S1=A\nS2=Z\nS3=E\nS4=D"));
    QCOMPARE(client(uri, oplog), QStringLiteral("S1=A\nS3=C\nS3=E\nS4=D\nS2=Z"));
    const auto [again, out4, err4] = lab::runCli(
        follow(workspace) + QStringList{QStringLiteral("--retry-dead-letters")}, 120000);
    QVERIFY2(again == 0, qPrintable(QString::number(again) + out4 + err4));
    QCOMPARE(client(uri, oplog), QStringLiteral("S1=A\nS3=C\nS3=E\nS4=D\nS2=Z"));
}

void TestCliRefusedWrites::refusedWriteInABulkBatch_data() {
    refusedWriteSetAsideWithServerWords_data();
}

// 400 writes in one batch go by the server's bulk loader (LOAD DATA, COPY), whose refusal is
// told apart the same way; the halves that follow go by INSERTs.
void TestCliRefusedWrites::refusedWriteInABulkBatch() {
    QFETCH(QString, server);
    QFETCH(QString, serverWords);
    const QString serverUri =
        server == QLatin1String("mariadb") ? servers_->mariadb : servers_->postgres;
    std::vector<LogRecord> writes;
    for (uint64_t seq = 1; seq <= 400; ++seq)
        writes.push_back(setRecord("S" + std::to_string(seq), "C1", seq == 200 ? "Z" : "A",
                                   static_cast<int64_t>(seq), "SRC", seq));
    QString uri;
    const QString workspace = prepare(server + QStringLiteral("-bulk"), serverUri, writes, uri);
    QVERIFY2(workspace.endsWith(QLatin1String(".json")), qPrintable(workspace));
    QCOMPARE(client(uri, QStringLiteral("ALTER TABLE grades ADD CONSTRAINT no_z CHECK (grade <> "
                                        "'Z')")),
             QString());
    const auto [code, out, err] = lab::runCli(follow(workspace), 120000);
    QVERIFY2(code == 5, qPrintable(QString::number(code) + out + err));
    QVERIFY2(err.contains(QStringLiteral("follow TGT: set aside SRC:200 SET (S200,C1) = 'Z': "
                                         "TGT: ")) &&
                 err.contains(serverWords),
             qPrintable(err));
    QVERIFY2(out.contains(QStringLiteral("follow TGT: 399 writes applied, 0 already there, "
                                         "position 400, 1 set aside")),
             qPrintable(out));
    QCOMPARE(client(uri, QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT seq), MIN(seq), MAX(seq) "
                                        "FROM oplog WHERE seq <> 200")),
             QStringLiteral("399=399=1=400"));
    QCOMPARE(client(uri, QStringLiteral("SELECT COUNT(*) FROM oplog WHERE seq = 200")),
             QStringLiteral("0"));
}

void TestCliRefusedWrites::lockTimeoutIsRetriedNotSetAside() {
    QString uri;
    const QString workspace = prepare(
        QStringLiteral("locked"), servers_->postgres,
        {setRecord("S1", "C1", "A", 1, "SRC", 1), setRecord("S2", "C1", "B", 2, "SRC", 2)}, uri);
    QVERIFY2(workspace.endsWith(QLatin1String(".json")), qPrintable(workspace));
    const QString database = QUrl(uri).path().mid(1);
    QCOMPARE(
        client(uri, QStringLiteral("ALTER DATABASE %1 SET lock_timeout = '200ms'").arg(database)),
        QString());
    // The DBA holds the grades locked for a while; the follow's sessions give up on the lock
    // after 200 ms each time. Whether the lock is held yet shows in pg_locks.
    QProcess dba;
    client(uri,
           QStringLiteral("SET lock_timeout = 0; BEGIN; LOCK TABLE grades IN ACCESS EXCLUSIVE "
                          "MODE; SELECT pg_sleep(4); COMMIT;"),
           &dba);
    QTRY_COMPARE_WITH_TIMEOUT(
        client(uri, QStringLiteral("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = "
                                   "l.relation WHERE c.relname = 'grades' AND l.mode = "
                                   "'AccessExclusiveLock' AND l.granted")),
        QStringLiteral("1"), 10000);

    const auto [code, out, err] = lab::runCli(follow(workspace), 120000);
    QVERIFY(dba.waitForFinished(30000));
    QVERIFY2(code == 0, qPrintable(QString::number(code) + out + err));
    QVERIFY2(err.contains(QLatin1String("lock timeout")) &&
                 err.contains(QLatin1String("trying again")),
             qPrintable(err));
    QVERIFY2(!err.contains(QLatin1String("set aside")), qPrintable(err));
    QVERIFY2(out.contains(QStringLiteral("follow TGT: 2 writes applied, 0 already there, "
                                         "position 2")) &&
                 !out.contains(QLatin1String("set aside")),
             qPrintable(out));
    QCOMPARE(client(uri, QStringLiteral("SELECT student_id, grade FROM oplog ORDER BY id")),
             QStringLiteral("S1=A\nS2=B"));
}

QTEST_GUILESS_MAIN(TestCliRefusedWrites)
#include "tst_clirefusedwrites.moc"

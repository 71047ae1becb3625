// syncscope-cli follow past a write no target can take. A write with a control character in its
// grade is planted in the source's oplog on MariaDB, PostgreSQL and Redis (through the server's
// own connection, as an outside program would have logged it before the source checked the
// data rules), between two valid writes. The follow sets it aside and goes on: the valid write
// after it reaches the target (read with the sqlite3 client), --until-caught-up ends, exit 5
// and the summary say one write is set aside, the state file keeps it whole, and
// --retry-dead-letters offers it again (still refused, still listed, nothing written twice).
#include "clirun.h"
#include "labstore.h"
#include "logrecords.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestCliDeadLetters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void followSetsAsideAndGoesOn_data();
    void followSetsAsideAndGoesOn();

private:
    // The target's keys, read by the sqlite3 client.
    QString targetKeys(const QString& path);
    std::optional<lab::Servers> servers_;
    QTemporaryDir dir_;
};

void TestCliDeadLetters::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    qputenv("SYNCSCOPE_PASSWORD_SRC", servers_->password.toUtf8());
}

QString TestCliDeadLetters::targetKeys(const QString& path) {
    QProcess p;
    p.start(QStringLiteral("sqlite3"),
            {path, QStringLiteral("SELECT group_concat(student_id || '=' || grade, ' ') FROM "
                                  "(SELECT * FROM grades ORDER BY student_id)")});
    p.waitForFinished(10000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

void TestCliDeadLetters::followSetsAsideAndGoesOn_data() {
    QTest::addColumn<QString>("server");
    QTest::newRow("mariadb") << QStringLiteral("mariadb");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
    QTest::newRow("redis") << QStringLiteral("redis");
}

void TestCliDeadLetters::followSetsAsideAndGoesOn() {
    QFETCH(QString, server);
    const QString serverUri = server == QLatin1String("mariadb")      ? servers_->mariadb
                              : server == QLatin1String("postgresql") ? servers_->postgres
                                                                      : servers_->redis;
    QString uri, problem;
    auto source =
        lab::freshStore(QStringLiteral("SRC"), serverUri, servers_->password, uri, problem);
    QVERIFY2(source, qPrintable(problem));
    QVERIFY(await(source->append({setRecord("S1", "C1", "A", 1, "SRC", 1)})).ok());

    // The planted write: SRC's seq 2, grade "B" and U+0001.
    if (server == QLatin1String("redis")) {
        const QString prefix = uri.section(QStringLiteral("prefix="), 1);
        const QString added = lab::redisCli(
            serverUri, servers_->password,
            {QStringLiteral("XADD"), prefix + QStringLiteral(":oplog"), QStringLiteral("0-*"),
             QStringLiteral("op"), QStringLiteral("SET"), QStringLiteral("s"), QStringLiteral("S2"),
             QStringLiteral("c"), QStringLiteral("C1"), QStringLiteral("v"),
             QStringLiteral("B") + QChar(1), QStringLiteral("ts"), QStringLiteral("2"),
             QStringLiteral("o"), QStringLiteral("SRC"), QStringLiteral("q"), QStringLiteral("2"),
             QStringLiteral("w"), QStringLiteral("0")});
        QVERIFY2(added == QLatin1String("0-2"), qPrintable(added));
    } else {
        const QString grade = server == QLatin1String("mariadb")
                                  ? QStringLiteral("CONCAT('B', CHAR(1))")
                                  : QStringLiteral("E'B\\x01'");
        QCOMPARE(lab::run(uri, servers_->password,
                          QStringLiteral("INSERT INTO oplog(op, student_id, course_id, grade, ts, "
                                         "origin, seq, wall_ms) VALUES ('SET', 'S2', 'C1', %1, 2, "
                                         "'SRC', 2, 0)")
                              .arg(grade)),
                 QString());
    }
    QVERIFY(await(source->append({setRecord("S3", "C1", "C", 3, "SRC", 3)})).ok());
    source.reset();

    const QString target = dir_.filePath(server + QStringLiteral(".db"));
    const QString workspace = dir_.filePath(server + QStringLiteral(".json"));
    QFile ws(workspace);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    ws.write(
        QJsonDocument(
            QJsonObject{{QStringLiteral("stores"),
                         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("SRC")},
                                                {QStringLiteral("uri"), uri}},
                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("LITE")},
                                                {QStringLiteral("uri"),
                                                 QStringLiteral("sqlite://") + target}}}}})
            .toJson());
    ws.close();
    const QStringList follow = {QStringLiteral("follow"),
                                QStringLiteral("--workspace"),
                                workspace,
                                QStringLiteral("--from"),
                                QStringLiteral("SRC"),
                                QStringLiteral("--to"),
                                QStringLiteral("LITE"),
                                QStringLiteral("--until-caught-up")};

    const auto [code, out, err] = lab::runCli(follow, 60000);
    QVERIFY2(code == 5, qPrintable(QString::number(code) + out + err));
    QVERIFY2(err.contains(QStringLiteral("follow LITE: set aside SRC:2 SET (S2,C1) = 'B\\x01': "
                                         "value contains a control character at key (S2,C1)")),
             qPrintable(err));
    QVERIFY2(out.contains(QStringLiteral("follow LITE: 2 writes applied, 0 already there, "
                                         "position 3, 1 set aside")),
             qPrintable(out));
    QCOMPARE(targetKeys(target), QStringLiteral("S1=A S3=C")); // the write after it arrived

    // The state file keeps the write whole, with the position that moved past it.
    QFile state(dir_.filePath(server + QStringLiteral(".follow-SRC.json")));
    QVERIFY(state.open(QIODevice::ReadOnly));
    const QJsonObject lite = QJsonDocument::fromJson(state.readAll())
                                 .object()
                                 .value(QStringLiteral("targets"))
                                 .toObject()
                                 .value(QStringLiteral("LITE"))
                                 .toObject();
    QCOMPARE(lite.value(QStringLiteral("position")).toInt(), 3);
    const QJsonArray letters = lite.value(QStringLiteral("deadLetters")).toArray();
    QCOMPARE(letters.size(), 1);
    QCOMPARE(letters[0].toObject().value(QStringLiteral("grade")).toString(),
             QStringLiteral("B") + QChar(1));
    QCOMPARE(letters[0].toObject().value(QStringLiteral("seq")).toInt(), 2);

    // Offered again: still refused, still listed once, nothing written twice.
    const auto [again, out2, err2] =
        lab::runCli(follow + QStringList{QStringLiteral("--retry-dead-letters")}, 60000);
    QVERIFY2(again == 5, qPrintable(QString::number(again) + out2 + err2));
    QVERIFY2(err2.contains(QStringLiteral("follow LITE: 0 set-aside writes delivered or already "
                                          "there, 1 still set aside")),
             qPrintable(err2));
    QVERIFY2(out2.contains(QStringLiteral("follow LITE: 0 writes applied, 0 already there, "
                                          "position 3, 1 set aside")),
             qPrintable(out2));
    QCOMPARE(targetKeys(target), QStringLiteral("S1=A S3=C"));
}

QTEST_GUILESS_MAIN(TestCliDeadLetters)
#include "tst_clideadletters.moc"

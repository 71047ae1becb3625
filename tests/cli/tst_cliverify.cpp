// syncscope-cli verify on six stores of six kinds: MariaDB, PostgreSQL and Redis from
// scripts/services, a SQLite file, the HiveServer2 peer in ACID mode and the MongoDB peer. After
// a run that leaves them equal, verify reports no differences and exits 0. Then each kind of
// damage is planted where it can happen, by another client or by hand:
//  - missing: a row deleted with the mysql client's words (the trigger logs the delete);
//  - corrupted: a grade with a control character, written with psql's words;
//  - oplog: a SQLite row edited behind the store's back, so it is not its oplog's write;
//  - duplicate: a second row for one key in Hive's transactional table, which has no key;
// and verify names each, with its store and key, in text and in JSON, and exits 4.
// Last, a workspace whose origin lost the tail of its oplog (a crash under a version without
// origin first) while two stores hold copies of those writes: verify names them
// ahead-of-origin, and verify --repair writes them back into the origin, as sqlite3 reads.
#include "clirun.h"
#include "hivepeer.h"
#include "labservers.h"
#include "mongopeer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <set>

namespace {
// "kind store student" for every finding of a --json report.
std::set<QString> findingsOf(const QJsonObject& report) {
    std::set<QString> out;
    for (const QJsonValue& v : report.value(QStringLiteral("findings")).toArray()) {
        const QJsonObject o = v.toObject();
        out.insert(o.value(QStringLiteral("kind")).toString() + QLatin1Char(' ') +
                   o.value(QStringLiteral("store")).toString() + QLatin1Char(' ') +
                   o.value(QStringLiteral("student_id")).toString());
    }
    return out;
}
} // namespace

class TestCliVerify : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void equalStoresVerifyClean();
    void plantedDamageIsNamed();
    void usageErrors();
    void aheadOfOriginIsRepaired();

private:
    // verify --checksums with --json: the report, or an empty object (and why, in a warning)
    // when the exit status is not `expectedCode`.
    QJsonObject checksumsReport(const QString& name, int expectedCode);
    // syncscope-cli with `args`: exit code, stdout, stderr.
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
    lab::HivePeer hive_;
    lab::MongoPeer mongo_;
    QString workspace_, sqlitePath_, uris_[6];
};

void TestCliVerify::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    QVERIFY2(hive_.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}),
             qPrintable(problem));
    QVERIFY2(mongo_.start(problem), qPrintable(problem));
    uris_[0] = lab::freshDatabase(servers_->mariadb, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[1] = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[2] = lab::freshDatabase(servers_->redis, servers_->password, problem);
    sqlitePath_ = dir_.filePath(QStringLiteral("lite.db"));
    uris_[3] = QStringLiteral("sqlite://") + sqlitePath_;
    uris_[4] = lab::hiveFreshDatabase(hive_.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris_[5] = lab::mongoFreshDatabase(mongo_.uri());
    for (const char* store : {"MARIA", "PG", "REDIS"})
        qputenv((QByteArray("SYNCSCOPE_PASSWORD_") + store).constData(),
                servers_->password.toUtf8());
    workspace_ = dir_.filePath(QStringLiteral("ws.json"));
    QFile ws(workspace_);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    const char* names[] = {"MARIA", "PG", "REDIS", "LITE", "HIVE", "MONGO"};
    QJsonArray stores;
    for (int i = 0; i < 6; ++i)
        stores.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(names[i])},
                                  {QStringLiteral("uri"), uris_[i]}});
    ws.write(QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson());
    ws.close();

    // 300 keys written to MARIA, a delete among them, then every store synchronized.
    const QString script = dir_.filePath(QStringLiteral("fill.in"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < 300; ++i)
        f.write(QStringLiteral("%1, MARIA.SET((SID%2,CSE001),%3)\n")
                    .arg(i + 1)
                    .arg(i)
                    .arg(QChar(u'A' + i % 5))
                    .toUtf8());
    f.write("400, MARIA.DELETE((SID3,CSE001))\nFULL_SYNC\n");
    f.close();
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace_});
    QVERIFY2(code == 0, qPrintable(err));
}

void TestCliVerify::equalStoresVerifyClean() {
    const QString json = dir_.filePath(QStringLiteral("clean.json"));
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--json"), json});
    QVERIFY2(code == 0, qPrintable(out + err));
    QVERIFY2(out.contains(QStringLiteral("verify: no differences")), qPrintable(out));
    for (const char* store : {"MARIA", "PG", "REDIS", "LITE", "HIVE", "MONGO"})
        QVERIFY2(out.contains(QStringLiteral("store %1: 299 live keys").arg(QLatin1String(store))),
                 qPrintable(out));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(report.value(QStringLiteral("clean")).toBool(), true);
    QCOMPARE(report.value(QStringLiteral("stores")).toArray().size(), 6);

    // By checksums: equal everywhere, and no row leaves MariaDB, PostgreSQL or SQLite, which
    // compute theirs themselves (the others' rows are hashed here).
    const QJsonObject sums = checksumsReport(QStringLiteral("clean-sums.json"), 0);
    const QJsonArray moved = sums.value(QStringLiteral("checksums"))
                                 .toObject()
                                 .value(QStringLiteral("rows_transferred"))
                                 .toArray();
    QCOMPARE(sums.value(QStringLiteral("checksums"))
                 .toObject()
                 .value(QStringLiteral("differing_ranges"))
                 .toInt(),
             0);
    QCOMPARE(moved.size(), 6);
    for (const int s : {0, 1, 3})
        QCOMPARE(moved.at(s).toInt(), 0);
    QVERIFY(moved.at(2).toInt() >= 299); // Redis: every row read once, tombstones too
}

QJsonObject TestCliVerify::checksumsReport(const QString& name, int expectedCode) {
    const QString json = dir_.filePath(name);
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--checksums"), QStringLiteral("--json"), json});
    if (code != expectedCode || !out.contains(QStringLiteral("compared by checksums over 16 "
                                                             "key-hash ranges"))) {
        qWarning("verify --checksums: %d\n%s%s", code, qPrintable(out), qPrintable(err));
        return {};
    }
    QFile f(json);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object()
                                       : QJsonObject();
}

void TestCliVerify::plantedDamageIsNamed() {
    QCOMPARE(lab::run(uris_[0], servers_->password,
                      QStringLiteral("DELETE FROM grades WHERE student_id = 'SID10'")),
             QString());
    QCOMPARE(lab::run(uris_[1], servers_->password,
                      // As a program that passes the capture trigger by (its data-rules
                      // check refuses the row): the oplog is left behind too.
                      QStringLiteral("SET syncscope.writer = 'on'; UPDATE grades SET grade = "
                                     "E'B\\x01' WHERE student_id = 'SID20'")),
             QString());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("t"));
        db.setDatabaseName(sqlitePath_);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(
            QStringLiteral("UPDATE grades SET grade = 'Z' WHERE student_id = 'SID30'")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("t"));
    // The session's database is the store's.
    QCOMPARE(lab::hiveRun(uris_[4], "INSERT INTO grades_acid VALUES ('SID40', 'CSE001', 'A', "
                                    "'SET', 41, 'MARIA', 41, NULL)"),
             QString());

    // Another client's field in Redis's grades hash that no capture could log.
    QCOMPARE(lab::redisCli(servers_->redis, servers_->password,
                           {QStringLiteral("HSET"), lab::redisKey(uris_[2], "grades"),
                            QStringLiteral("SID999,CSE001"), QStringLiteral("B") + QChar(2)}),
             QStringLiteral("1"));

    const QString json = dir_.filePath(QStringLiteral("damaged.json"));
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--json"), json});
    QVERIFY2(code == 4, qPrintable(out + err));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(report.value(QStringLiteral("clean")).toBool(), false);
    const std::set<QString> found = findingsOf(report);
    const std::set<QString> expected = {
        QStringLiteral("missing  SID10"),         // deleted in MARIA only
        QStringLiteral("corrupted PG SID20"),     // a control character
        QStringLiteral("differs  SID20"),         // and so not PG's B any more
        QStringLiteral("oplog PG SID20"),         // nor what its oplog says
        QStringLiteral("oplog LITE SID30"),       // edited behind the store's back
        QStringLiteral("differs  SID30"),         //
        QStringLiteral("duplicate HIVE SID40"),   // two rows for one key
        QStringLiteral("corrupted REDIS SID999"), // a field no oplog accounts for
    };
    QCOMPARE(found, expected);
    QCOMPARE(report.value(QStringLiteral("finding_count")).toInt(), 8);
    QVERIFY2(out.contains(QStringLiteral("duplicate HIVE (SID40,CSE001): 2 rows for one key")),
             qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("verify: 8 findings")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("which breaks the data rules")), qPrintable(out));

    // By checksums: the same damage but the oplog findings (no oplog is read), and from the SQL
    // stores only the rows of the ranges that differ.
    const QJsonObject sums = checksumsReport(QStringLiteral("damaged-sums.json"), 4);
    const std::set<QString> summed = findingsOf(sums);
    std::set<QString> withoutOplog = expected;
    withoutOplog.erase(QStringLiteral("oplog LITE SID30"));
    withoutOplog.erase(QStringLiteral("oplog PG SID20"));
    QCOMPARE(summed, withoutOplog);
    const QJsonObject ranges = sums.value(QStringLiteral("checksums")).toObject();
    const int differing = ranges.value(QStringLiteral("differing_ranges")).toInt();
    QVERIFY(differing >= 1 && differing <= 4);
    for (const int s : {0, 1, 3})
        QVERIFY2(ranges.value(QStringLiteral("rows_transferred")).toArray().at(s).toInt() < 150,
                 qPrintable(QString::fromUtf8(QJsonDocument(ranges).toJson())));
    // Redis, Hive and MongoDB hash here: each of their ~300 rows is read once, not again for
    // the differing ranges.
    for (const int s : {2, 4, 5})
        QVERIFY2(ranges.value(QStringLiteral("rows_transferred")).toArray().at(s).toInt() < 400,
                 qPrintable(QString::fromUtf8(QJsonDocument(ranges).toJson())));

    // Only the stores asked for: MONGO and REDIS are still equal, once the field is gone.
    QCOMPARE(lab::redisCli(servers_->redis, servers_->password,
                           {QStringLiteral("HDEL"), lab::redisKey(uris_[2], "grades"),
                            QStringLiteral("SID999,CSE001")}),
             QStringLiteral("1"));
    const auto [subset, subsetOut, subsetErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--stores"), QStringLiteral("mongo,REDIS")});
    QVERIFY2(subset == 0, qPrintable(subsetOut + subsetErr));
}

void TestCliVerify::usageErrors() {
    const auto [noWorkspace, out1, err1] = lab::runCli({QStringLiteral("verify")});
    QCOMPARE(noWorkspace, 2);
    QVERIFY2(err1.contains(QStringLiteral("verify needs --workspace FILE")), qPrintable(err1));
    const auto [unknown, out2, err2] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--stores"), QStringLiteral("NOPE")});
    QCOMPARE(unknown, 2);
    QVERIFY2(err2.contains(QStringLiteral("--stores: NOPE is not a store of the workspace")),
             qPrintable(err2));
}

void TestCliVerify::aheadOfOriginIsRepaired() {
    QString problem;
    const QString pg = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    qputenv("SYNCSCOPE_PASSWORD_BETA", servers_->password.toUtf8());
    const QString alpha = dir_.filePath(QStringLiteral("alpha.db"));
    const QString workspace = dir_.filePath(QStringLiteral("ahead.json"));
    {
        QFile ws(workspace);
        QVERIFY(ws.open(QIODevice::WriteOnly));
        QJsonArray stores{
            QJsonObject{{QStringLiteral("name"), QStringLiteral("ALPHA")},
                        {QStringLiteral("uri"), QStringLiteral("sqlite://") + alpha}},
            QJsonObject{{QStringLiteral("name"), QStringLiteral("BETA")},
                        {QStringLiteral("uri"), pg}},
            QJsonObject{{QStringLiteral("name"), QStringLiteral("GAMMA")},
                        {QStringLiteral("uri"),
                         QStringLiteral("sqlite://") + dir_.filePath(QStringLiteral("gamma.db"))}}};
        ws.write(QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson());
    }
    const QString script = dir_.filePath(QStringLiteral("ahead.in"));
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 1; i <= 20; ++i)
            f.write(QStringLiteral("%1, ALPHA.SET((SID%1,CSE002),B)\n").arg(i).toUtf8());
        f.write("FULL_SYNC\n");
    }
    const auto [ran, runOut, runErr] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace});
    QVERIFY2(ran == 0, qPrintable(runErr));

    // ALPHA loses its writes 15..20, rows and oplog entries, as a killed run under an earlier
    // version left it; BETA and GAMMA keep their copies.
    const auto alphaSql = [&](const QString& sql) {
        QString answer;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("a"));
            db.setDatabaseName(alpha);
            if (db.open()) {
                QSqlQuery q(db);
                if (!q.exec(sql))
                    answer = QStringLiteral("error: ") + q.lastError().text();
                else if (q.next())
                    answer = q.value(0).toString();
            }
        } // the connection closes here, so it can be removed
        QSqlDatabase::removeDatabase(QStringLiteral("a"));
        return answer;
    };
    alphaSql(QStringLiteral("DELETE FROM oplog WHERE origin = 'ALPHA' AND seq >= 15"));
    alphaSql(QStringLiteral("DELETE FROM grades WHERE origin = 'ALPHA' AND seq >= 15"));
    QCOMPARE(alphaSql(QStringLiteral("SELECT MAX(seq) FROM oplog WHERE origin = 'ALPHA'")),
             QStringLiteral("14"));

    const QString json = dir_.filePath(QStringLiteral("ahead-report.json"));
    const auto [found, foundOut, foundErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace,
                     QStringLiteral("--json"), json});
    QVERIFY2(found == 4, qPrintable(foundOut + foundErr));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    std::set<QString> expected;
    for (int i = 15; i <= 20; ++i) {
        expected.insert(QStringLiteral("ahead-of-origin BETA SID%1").arg(i));
        expected.insert(QStringLiteral("ahead-of-origin GAMMA SID%1").arg(i));
        expected.insert(QStringLiteral("missing  SID%1").arg(i));
    }
    QCOMPARE(findingsOf(QJsonDocument::fromJson(f.readAll()).object()), expected);
    QVERIFY2(foundOut.contains(QStringLiteral("ahead-of-origin BETA (SID15,CSE002): holds the "
                                              "write B (ts 15, ALPHA:15) but its origin ALPHA's "
                                              "oplog does not")),
             qPrintable(foundOut));

    const auto [repaired, repairOut, repairErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace,
                     QStringLiteral("--repair")});
    QVERIFY2(repaired == 0, qPrintable(repairOut + repairErr));
    QVERIFY2(repairOut.contains(QStringLiteral("repair: wrote back 6 into ALPHA")),
             qPrintable(repairOut));
    QVERIFY2(repairOut.endsWith(QStringLiteral("verify: no differences\n")), qPrintable(repairOut));
    // Read by SQLite itself: the writes are ALPHA's own again, in its oplog and its rows.
    QCOMPARE(alphaSql(QStringLiteral("SELECT COUNT(*) FROM oplog WHERE origin = 'ALPHA' AND seq "
                                     "BETWEEN 15 AND 20")),
             QStringLiteral("6"));
    QCOMPARE(alphaSql(QStringLiteral("SELECT COUNT(*) FROM grades WHERE course_id = 'CSE002'")),
             QStringLiteral("20"));
    // And the next write of ALPHA takes a new identity.
    QFile more(script);
    QVERIFY(more.open(QIODevice::WriteOnly | QIODevice::Truncate));
    more.write("21, ALPHA.SET((SID21,CSE002),C)\n");
    more.close();
    const auto [again, againOut, againErr] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace});
    QVERIFY2(again == 0, qPrintable(againErr));
    QCOMPARE(alphaSql(QStringLiteral("SELECT seq FROM oplog WHERE student_id = 'SID21'")),
             QStringLiteral("21"));

    // GAMMA's copy of ALPHA:3 edited behind its back: one identity now names two writes. A run
    // refuses to replay or merge them and changes nothing; verify names it.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("g"));
        db.setDatabaseName(dir_.filePath(QStringLiteral("gamma.db")));
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(
            QStringLiteral("UPDATE oplog SET grade = 'Z' WHERE origin = 'ALPHA' AND seq = 3")));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("g"));
    QVERIFY(more.open(QIODevice::WriteOnly | QIODevice::Truncate));
    more.write("22, ALPHA.SET((SID22,CSE002),D)\nFULL_SYNC\n");
    more.close();
    const auto [clash, clashOut, clashErr] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace});
    QCOMPARE(clash, 3);
    QVERIFY2(clashErr.contains(QStringLiteral("ALPHA:3 names two writes: (SID3,CSE002)=B at ts 3 "
                                              "in ALPHA and (SID3,CSE002)=Z at ts 3 in GAMMA")),
             qPrintable(clashErr));
    QCOMPARE(alphaSql(QStringLiteral("SELECT COUNT(*) FROM oplog WHERE student_id = 'SID22'")),
             QStringLiteral("0"));
    const QString clashJson = dir_.filePath(QStringLiteral("clash.json"));
    const auto [named, namedOut, namedErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace,
                     QStringLiteral("--json"), clashJson});
    QCOMPARE(named, 4);
    QFile clashReport(clashJson);
    QVERIFY(clashReport.open(QIODevice::ReadOnly));
    const std::set<QString> clashFindings =
        findingsOf(QJsonDocument::fromJson(clashReport.readAll()).object());
    QVERIFY2(clashFindings.count(QStringLiteral("identity-reused GAMMA SID3")) == 1,
             qPrintable(namedOut));
}

QTEST_MAIN(TestCliVerify)
#include "tst_cliverify.moc"

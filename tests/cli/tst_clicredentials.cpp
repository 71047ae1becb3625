// Passwords never leave the keychain or the environment: every syncscope-cli
// command is run on MariaDB, PostgreSQL, Redis and MongoDB (the peer with a SCRAM user) stores
// whose password comes from
// SYNCSCOPE_PASSWORD_<STORE>, successful runs and failing ones (a wrong password, a server
// that is not there, a refused batch), and every byte the program leaves behind is searched
// for the password: stdout, stderr, the workspace, the follow positions, the verify and
// conflicts reports, the oplog exports, the property-lab JSON, and any other file it wrote.
#include "clirun.h"
#include "labservers.h"
#include "mongopeer.h"
#include "secretsearch.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestCliCredentials : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void noOutputHoldsThePassword();

private:
    // Runs syncscope-cli and checks both outputs; returns its exit status.
    int run(const QStringList& args, const QByteArray& secret);
    void writeWorkspace(const QString& path, const QString& mariadbUri);
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
    QString uris_[3];
    lab::MongoPeer mongo_; // with one user, whose password is the lab's
    QString mongoUri_;
    int runs_ = 0;
};

void TestCliCredentials::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    QVERIFY(servers_->password.size() >= 8); // long enough not to match by chance
    const QString servers[] = {servers_->mariadb, servers_->postgres, servers_->redis};
    for (int i = 0; i < 3; ++i) {
        uris_[i] = lab::freshDatabase(servers[i], servers_->password, problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    QVERIFY2(mongo_.start(problem, {QStringLiteral("--user"),
                                    QStringLiteral("syncscope:") + servers_->password}),
             qPrintable(problem));
    mongoUri_ = lab::mongoFreshDatabase(mongo_.uri())
                    .replace(QLatin1String("mongodb://"), QLatin1String("mongodb://syncscope@")) +
                QLatin1String("?authSource=admin");
}

int TestCliCredentials::run(const QStringList& args, const QByteArray& secret) {
    ++runs_;
    const auto [status, out, err] = lab::runCli(args);
    if (out.toUtf8().contains(secret) || err.toUtf8().contains(secret)) {
        qWarning("syncscope-cli %s printed the password", qPrintable(args.join(QLatin1Char(' '))));
        return -2;
    }
    return status;
}

void TestCliCredentials::writeWorkspace(const QString& path, const QString& mariadbUri) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("{\"stores\": [{\"name\": \"SQL\", \"uri\": \"%1\"}, {\"name\": \"PG\", "
                           "\"uri\": \"%2\"}, {\"name\": \"REDIS\", \"uri\": \"%3\"}, {\"name\": "
                           "\"LITE\", \"uri\": \"sqlite://%4\"}, {\"name\": \"MONGO\", "
                           "\"uri\": \"%5\"}]}")
                .arg(mariadbUri, uris_[1], uris_[2], dir_.filePath(QStringLiteral("lite.db")),
                     mongoUri_)
                .toUtf8());
}

void TestCliCredentials::noOutputHoldsThePassword() {
    const QByteArray secret = servers_->password.toUtf8();
    for (const char* store : {"SQL", "PG", "REDIS", "MONGO"})
        qputenv((QByteArray("SYNCSCOPE_PASSWORD_") + store).constData(), secret);
    const QString ws = dir_.filePath(QStringLiteral("ws.json"));
    writeWorkspace(ws, uris_[0]);
    const QString script = dir_.filePath(QStringLiteral("t.in")),
                  csv = dir_.filePath(QStringLiteral("seed.csv")),
                  out = dir_.filePath(QStringLiteral("out"));
    {
        QFile s(script), c(csv);
        QVERIFY(s.open(QIODevice::WriteOnly) && c.open(QIODevice::WriteOnly));
        s.write("1, SQL.SET((SID1,CSE1),A)\n2, PG.SET((SID1,CSE1),B)\n3, REDIS.SET((SID2,CSE1),C)\n"
                "4, LITE.SET((SID3,CSE1),D)\n5, MONGO.SET((SID4,CSE1),E)\nSQL.GET(SID1,CSE1)\n"
                "PG.MERGE(SQL)\nFULL_SYNC\n");
        c.write("student-ID,course-id,roll no,email ID,grade\nSID9,CSE9,9,x@y.z,A\n");
    }
    const auto in = [&](const char* name) { return dir_.filePath(QString::fromLatin1(name)); };
    const QString W = QStringLiteral("--workspace");
    QCOMPARE(run({QStringLiteral("run"), script, W, ws, QStringLiteral("--dump"),
                  QStringLiteral("--oplog-dir"), out, QStringLiteral("--conflicts"),
                  in("conflicts.csv"), QStringLiteral("--lab"), in("lab.json"),
                  QStringLiteral("--lab-merge"), QStringLiteral("SQL.MERGE(PG)")},
                 secret),
             0);
    QCOMPARE(run({QStringLiteral("load"), W, ws, QStringLiteral("--csv"), csv,
                  QStringLiteral("--into"), QStringLiteral("SQL,PG,REDIS,LITE,MONGO")},
                 secret),
             0);
    QCOMPARE(run({QStringLiteral("follow"), W, ws, QStringLiteral("--from"), QStringLiteral("SQL"),
                  QStringLiteral("--to"), QStringLiteral("PG,REDIS,MONGO"),
                  QStringLiteral("--until-caught-up")},
                 secret),
             0);
    const int verified =
        run({QStringLiteral("verify"), W, ws, QStringLiteral("--json"), in("verify.json")}, secret);
    QVERIFY2(verified == 0 || verified == 4, qPrintable(QString::number(verified)));

    // Failures: a wrong password (its text is the one to look for), a refused script, a server
    // that is not there.
    const QByteArray wrong = "Wr0ng-" + secret.toHex();
    qputenv("SYNCSCOPE_PASSWORD_SQL", wrong);
    QCOMPARE(run({QStringLiteral("run"), script, W, ws}, wrong), 3);
    QCOMPARE(run({QStringLiteral("verify"), W, ws}, wrong), 3);
    qputenv("SYNCSCOPE_PASSWORD_SQL", secret);
    qputenv("SYNCSCOPE_PASSWORD_MONGO", wrong);
    QCOMPARE(run({QStringLiteral("run"), script, W, ws}, wrong), 3);
    qputenv("SYNCSCOPE_PASSWORD_MONGO", secret);
    {
        QFile bad(in("bad.in"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("SQL.SET((SID1,CSE1) A)\n");
    }
    QCOMPARE(run({QStringLiteral("run"), in("bad.in"), W, ws}, secret), 1);
    const QString gone = in("gone.json");
    writeWorkspace(gone, QStringLiteral("mysql://syncscope@127.0.0.1:1/nothing"));
    QCOMPARE(run({QStringLiteral("run"), script, W, gone}, secret), 3);

    // Every file the runs left, the stores' own SQLite file and the follow positions included.
    const lab::SecretSearch found = lab::searchFiles(dir_.path(), {secret, wrong});
    QVERIFY2(found.holding.isEmpty(), qPrintable(found.holding.join(QStringLiteral(", "))));
    QVERIFY2(QFile::exists(in("ws.follow-SQL.json")), "no positions file");
    qInfo("credentials | %d runs, %d files searched, no password found", runs_, found.files);
}

QTEST_GUILESS_MAIN(TestCliCredentials)
#include "tst_clicredentials.moc"

// syncscope-cli against golden files: each folder under cases/ holds script.in, the extra
// arguments (args), and what must come out: expected.stdout, expected.stderr (exact) or
// expected.stderr-contains, expected.exit, and oplog/ with every export file. A failing run
// must leave stdout empty and write no oplog file.
//
// Every case that runs cleanly on the default (embedded) stores runs again with its stores on
// the real MariaDB, PostgreSQL and Redis servers that CTest starts, and on the HiveServer2 test
// peer in both of its transports and playing a Hive with ACID tables, each store in a fresh
// database (on Redis, under a fresh key prefix): stdout, the dump and every oplog file must be byte
// for byte the same.
//
// SYNCSCOPE_UPDATE_GOLDEN=1 rewrites the expected files from the current output; review the
// diff before committing it.
#include "labservers.h"
#include "protocolpeers.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QStringList fileNames(const QString& dir) {
    return QDir(dir).entryList(QDir::Files, QDir::Name);
}

} // namespace

class TestCliGolden : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void golden_data();
    void golden();
    void persistentStoreContinuesAcrossRuns();
    void helpGoesToStdout();
    void shippedSampleRuns();

private:
    QString serverWorkspace(const QString& caseDir, const QString& server, const QString& path,
                            QProcessEnvironment& env);
    std::optional<lab::Servers> servers_;
    lab::ProtocolPeers peers_;
};

void TestCliGolden::initTestCase() {
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    QVERIFY2(peers_.start(problem), qPrintable(problem));
}

void TestCliGolden::golden_data() {
    QTest::addColumn<QString>("caseDir");
    QTest::addColumn<QString>("server"); // empty: the default embedded stores
    const QDir cases(QStringLiteral(SYNCSCOPE_CLI_CASES));
    const QStringList names = cases.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY(names.size() >= 15);
    for (const QString& name : names)
        QTest::newRow(qPrintable(name)) << cases.filePath(name) << QString();
    for (const QString& name : names) {
        const QString dir = cases.filePath(name);
        if (readAll(dir + QStringLiteral("/expected.exit")).trimmed() != "0" ||
            QFile::exists(dir + QStringLiteral("/workspace.json")))
            continue; // failures and cases about workspaces are not about where stores live
        QTest::newRow(qPrintable(name + QStringLiteral(" on mariadb")))
            << dir << QStringLiteral("mariadb");
        QTest::newRow(qPrintable(name + QStringLiteral(" on postgresql")))
            << dir << QStringLiteral("postgresql");
        QTest::newRow(qPrintable(name + QStringLiteral(" on redis")))
            << dir << QStringLiteral("redis");
        for (const lab::ProtocolPeers::Kind& k : lab::ProtocolPeers::kinds())
            QTest::newRow(qPrintable(name + QStringLiteral(" on ") + k.label)) << dir << k.id;
    }
}

// The stores of a clean run are those it exported (oplog.<store>.txt); on a server each gets a
// fresh database, under docs/script-language.md's default alias groups so the script's names
// resolve as before.
QString TestCliGolden::serverWorkspace(const QString& caseDir, const QString& server,
                                       const QString& path, QProcessEnvironment& env) {
    static const QHash<QString, QStringList> aliases = {
        {QStringLiteral("SQL"),
         {QStringLiteral("MYSQL"), QStringLiteral("POSTGRESQL"), QStringLiteral("POSTGRES"),
          QStringLiteral("PSQL"), QStringLiteral("PG")}},
        {QStringLiteral("MONGO"), {QStringLiteral("MONGODB")}}};
    const QString base = server == QLatin1String("mariadb")      ? servers_->mariadb
                         : server == QLatin1String("postgresql") ? servers_->postgres
                                                                 : servers_->redis;
    QStringList names;
    for (const QString& file : fileNames(caseDir + QStringLiteral("/oplog")))
        if (file.startsWith(QLatin1String("oplog.")))
            names << file.mid(6, file.size() - 10).toUpper(); // oplog.<store>.txt
    // In the order the script first names them, as a run without a workspace orders them.
    QStringList ordered;
    const QString script = QString::fromUtf8(readAll(caseDir + QStringLiteral("/script.in")));
    static const QRegularExpression word(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"));
    for (auto it = word.globalMatch(script); it.hasNext();) {
        QString w = it.next().captured().toUpper();
        for (auto a = aliases.begin(); a != aliases.end(); ++a)
            if (a.value().contains(w))
                w = a.key();
        if (names.contains(w) && !ordered.contains(w))
            ordered << w;
    }
    if (ordered.size() != names.size())
        return QStringLiteral("cannot tell the order of the stores in ") + caseDir;
    QJsonArray stores;
    for (const QString& name : ordered) {
        QString problem;
        const QString uri = lab::ProtocolPeers::isPeerKind(server)
                                ? peers_.freshDatabase(server, problem)
                                : lab::freshDatabase(base, servers_->password, problem);
        if (!problem.isEmpty())
            return problem;
        stores.append(QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("aliases"), QJsonArray::fromStringList(aliases.value(name))},
            {QStringLiteral("uri"), uri}});
        env.insert(QStringLiteral("SYNCSCOPE_PASSWORD_") + name,
                   lab::ProtocolPeers::passwordFor(server, servers_->password));
    }
    writeAll(path, QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson());
    return {};
}

void TestCliGolden::golden() {
    QFETCH(QString, caseDir);
    QFETCH(QString, server);
    const bool update = qEnvironmentVariableIntValue("SYNCSCOPE_UPDATE_GOLDEN") == 1;
    if (update && !server.isEmpty())
        QSKIP("golden files come from the embedded stores");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString out = tmp.filePath(QStringLiteral("oplog"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();

    QString argsText = QString::fromUtf8(readAll(caseDir + QStringLiteral("/args"))).trimmed();
    if (!server.isEmpty()) {
        const QString ws = tmp.filePath(QStringLiteral("servers.json"));
        const QString problem = serverWorkspace(caseDir, server, ws, env);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        argsText += QStringLiteral(" --workspace ") + ws;
    }
    if (QFile::exists(caseDir + QStringLiteral("/workspace.json"))) {
        QByteArray ws = readAll(caseDir + QStringLiteral("/workspace.json"));
        ws.replace("@TMP@", tmp.path().toUtf8());
        writeAll(tmp.filePath(QStringLiteral("workspace.json")), ws);
    }
    argsText.replace(QStringLiteral("@CASE@"), caseDir)
        .replace(QStringLiteral("@OUT@"), out)
        .replace(QStringLiteral("@TMP@"), tmp.path())
        .replace(QStringLiteral("@WORKSPACE@"), tmp.filePath(QStringLiteral("workspace.json")));
    QStringList args{QStringLiteral("run"), QStringLiteral("script.in")};
    if (!argsText.isEmpty())
        args += argsText.split(QLatin1Char(' '), Qt::SkipEmptyParts);

    QProcess p;
    p.setWorkingDirectory(caseDir);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SYNCSCOPE_CLI), args);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    const QByteArray stdoutBytes = p.readAllStandardOutput();
    const QByteArray stderrBytes = p.readAllStandardError();
    const int exitCode = p.exitCode();

    const QString exitFile = caseDir + QStringLiteral("/expected.exit");
    const QString stdoutFile = caseDir + QStringLiteral("/expected.stdout");
    const QString stderrFile = caseDir + QStringLiteral("/expected.stderr");
    const QString oplogDir = caseDir + QStringLiteral("/oplog");
    if (update) {
        writeAll(exitFile, QByteArray::number(exitCode) + "\n");
        writeAll(stdoutFile, stdoutBytes);
        if (!QFile::exists(caseDir + QStringLiteral("/expected.stderr-contains")))
            writeAll(stderrFile, stderrBytes);
        QDir(oplogDir).removeRecursively();
        if (QDir(out).exists()) {
            QDir().mkpath(oplogDir);
            for (const QString& f : fileNames(out))
                writeAll(oplogDir + QLatin1Char('/') + f, readAll(out + QLatin1Char('/') + f));
        }
        QSKIP("golden files rewritten");
    }

    QCOMPARE(exitCode, readAll(exitFile).trimmed().toInt());
    QCOMPARE(QString::fromUtf8(stdoutBytes), QString::fromUtf8(readAll(stdoutFile)));
    if (QFile::exists(stderrFile)) {
        QCOMPARE(QString::fromUtf8(stderrBytes), QString::fromUtf8(readAll(stderrFile)));
    } else {
        const QList<QByteArray> needles =
            readAll(caseDir + QStringLiteral("/expected.stderr-contains")).split('\n');
        for (const QByteArray& needle : needles)
            if (!needle.isEmpty())
                QVERIFY2(stderrBytes.contains(needle), stderrBytes.constData());
    }
    if (exitCode != 0) {
        QVERIFY(stdoutBytes.isEmpty());
        QVERIFY2(fileNames(out).isEmpty(), "a failed run must write no oplog file");
        return;
    }
    QCOMPARE(fileNames(out), fileNames(oplogDir));
    for (const QString& f : fileNames(oplogDir))
        QCOMPARE(QString::fromUtf8(readAll(out + QLatin1Char('/') + f)),
                 QString::fromUtf8(readAll(oplogDir + QLatin1Char('/') + f)));
}

namespace {
int seedEntries(const QString& dbPath) {
    int n = -1;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("count"));
        db.setDatabaseName(dbPath);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT COUNT(*) FROM oplog WHERE op = 'SEED'")) && q.next())
                n = q.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("count"));
    return n;
}
} // namespace

// A configured SQLite file store keeps its oplog and counter: a second run continues it.
void TestCliGolden::persistentStoreContinuesAcrossRuns() {
    QTemporaryDir tmp;
    const QString ws = tmp.filePath(QStringLiteral("ws.json"));
    writeAll(ws, QStringLiteral("{\"stores\":[{\"name\":\"SQL\",\"uri\":\"sqlite://%1/sql.db\"},"
                                "{\"name\":\"HIVE\",\"uri\":\"sqlite://%1/hive.db\"}]}")
                     .arg(tmp.path())
                     .toUtf8());
    writeAll(tmp.filePath(QStringLiteral("one.in")), "1, SQL.SET((S,C),A)\n2, HIVE.SET((S,D),B)\n");
    writeAll(tmp.filePath(QStringLiteral("seed.csv")), "student_id,course_id,grade\nS,E,F\n");
    writeAll(tmp.filePath(QStringLiteral("two.in")),
             "SQL.MERGE(HIVE)\n3, SQL.SET((S,C),Z)\n4, SQL.GET(S,D)\n");
    auto run = [&](const QString& script, const QString& outDir) {
        QProcess p;
        p.start(QStringLiteral(SYNCSCOPE_CLI),
                {QStringLiteral("run"), tmp.filePath(script), QStringLiteral("--workspace"), ws,
                 QStringLiteral("--oplog-dir"), tmp.filePath(outDir), QStringLiteral("--dump"),
                 QStringLiteral("--seed-csv"), tmp.filePath(QStringLiteral("seed.csv"))});
        p.waitForFinished(60000);
        if (p.exitCode() != 0)
            qWarning("%s", p.readAllStandardError().constData());
        return p.readAllStandardOutput();
    };
    run(QStringLiteral("one.in"), QStringLiteral("o1"));
    const QByteArray second = run(QStringLiteral("two.in"), QStringLiteral("o2"));
    QCOMPARE(QString::fromUtf8(second), QStringLiteral("4, SQL.GET(S,D) = B\n"
                                                       "store,student_id,course_id,grade,ts\n"
                                                       "HIVE,S,D,B,2\nHIVE,S,E,F,0\n"
                                                       "SQL,S,C,Z,3\nSQL,S,D,B,2\nSQL,S,E,F,0\n"));
    // Seeding the same baseline again logged nothing: one SEED entry per store in all.
    QCOMPARE(seedEntries(tmp.filePath(QStringLiteral("sql.db"))), 1);
    QCOMPARE(QString::fromUtf8(readAll(tmp.filePath(QStringLiteral("o2/oplog.sql.txt")))),
             QStringLiteral("1, SET((S,C),A)\n2, SET((S,D),B)\n3, SET((S,C),Z)\n4, GET(S,D)\n"));
}

void TestCliGolden::helpGoesToStdout() {
    QProcess p;
    p.start(QStringLiteral(SYNCSCOPE_CLI), {QStringLiteral("--help")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().startsWith("usage: syncscope-cli run SCRIPT"));
    QProcess none;
    none.start(QStringLiteral(SYNCSCOPE_CLI), {});
    QVERIFY(none.waitForFinished(10000));
    QCOMPARE(none.exitCode(), 2);
    QVERIFY(none.readAllStandardOutput().isEmpty());
}

// The sample script and data set in resources/ run as the README says.
void TestCliGolden::shippedSampleRuns() {
    const QString samples = QStringLiteral(SYNCSCOPE_CLI_CASES "/../../../resources/samples/");
    QProcess p;
    p.start(QStringLiteral(SYNCSCOPE_CLI),
            {QStringLiteral("run"), samples + QStringLiteral("lecture.in"),
             QStringLiteral("--seed-csv"), samples + QStringLiteral("grades.csv"),
             QStringLiteral("--dump")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
    QCOMPARE(lines[0], QByteArray("3, HIVE.GET(SID1033,CSE012) = A"));
    QCOMPARE(lines[4], QByteArray("10, HIVE.GET(SID1040,CSE001) = NULL"));
    QCOMPARE(lines[5], QByteArray("store,student_id,course_id,grade,ts"));
    // 3 stores x 1,000 seeded keys, one deleted everywhere after FULL_SYNC.
    QCOMPARE(lines.size(), 6 + 3 * 999 + 1);
}

QTEST_GUILESS_MAIN(TestCliGolden)
#include "tst_cligolden.moc"

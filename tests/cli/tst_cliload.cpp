// syncscope-cli load: a CSV bulk loaded into six stores of six kinds (MariaDB,
// PostgreSQL, Redis, SQLite, the HiveServer2 and MongoDB peers) through their batched write
// paths leaves them equal to each other and to their oplogs (verify finds nothing); a load
// interrupted half way and run again completes without writing anything twice; a store copied
// into a new one verifies equal; a CSV with a bad line loads nothing.
#include "clirun.h"
#include "hivepeer.h"
#include "labservers.h"
#include "mongopeer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliLoad : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void loadedStoresVerifyEqual();
    void aLoadRunAgainWritesNothingTwice();
    void aStoreCopiedVerifiesEqual();
    void aBadLineLoadsNothing();

private:
    QString writeCsv(const QString& name, int rows, int from = 0);
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
    lab::HivePeer hive_;
    lab::MongoPeer mongo_;
    QString workspace_;
    static constexpr int kRows = 20000;
    static constexpr const char* kAll = "MARIA,PG,REDIS,LITE,HIVE,MONGO";
};

// Rows [from, rows) of one data set: 20 courses per student, an extra column kept as an
// attribute.
QString TestCliLoad::writeCsv(const QString& name, int rows, int from) {
    const QString path = dir_.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    QByteArray text = "student-ID,course-id,section,grade\n";
    for (int i = from; i < rows; ++i)
        text += QStringLiteral("SID%1,CSE%2,S%3,%4\n")
                    .arg(100000 + i / 20)
                    .arg(100 + i % 20)
                    .arg(i % 3)
                    .arg(QChar(u'A' + i % 5))
                    .toUtf8();
    f.write(text);
    return path;
}

void TestCliLoad::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    QVERIFY2(hive_.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    QVERIFY2(mongo_.start(problem), qPrintable(problem));
    QString uris[7];
    uris[0] = lab::freshDatabase(servers_->mariadb, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris[1] = lab::freshDatabase(servers_->postgres, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris[2] = lab::freshDatabase(servers_->redis, servers_->password, problem);
    uris[3] = QStringLiteral("sqlite://") + dir_.filePath(QStringLiteral("lite.db"));
    uris[4] = lab::hiveFreshDatabase(hive_.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    uris[5] = lab::mongoFreshDatabase(mongo_.uri());
    uris[6] = QStringLiteral("sqlite://") + dir_.filePath(QStringLiteral("copy.db"));
    for (const char* store : {"MARIA", "PG", "REDIS"})
        qputenv((QByteArray("SYNCSCOPE_PASSWORD_") + store).constData(),
                servers_->password.toUtf8());
    const char* names[] = {"MARIA", "PG", "REDIS", "LITE", "HIVE", "MONGO", "COPY"};
    QJsonArray stores;
    for (int i = 0; i < 7; ++i)
        stores.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(names[i])},
                                  {QStringLiteral("uri"), uris[i]}});
    workspace_ = dir_.filePath(QStringLiteral("ws.json"));
    QFile ws(workspace_);
    QVERIFY(ws.open(QIODevice::WriteOnly));
    ws.write(QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson());
}

void TestCliLoad::loadedStoresVerifyEqual() {
    // Half first: an interrupted load, as far as the stores can tell.
    const auto [half, halfOut, halfErr] =
        lab::runCli({QStringLiteral("load"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--csv"), writeCsv(QStringLiteral("half.csv"), kRows / 2),
                     QStringLiteral("--into"), QLatin1String(kAll)});
    QVERIFY2(half == 0, qPrintable(halfOut + halfErr));
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("load"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--csv"), writeCsv(QStringLiteral("all.csv"), kRows),
                     QStringLiteral("--into"), QLatin1String(kAll)});
    QVERIFY2(code == 0, qPrintable(out + err));
    for (const char* store : {"MARIA", "PG", "REDIS", "LITE", "HIVE", "MONGO"})
        QVERIFY2(out.contains(QStringLiteral("load %1: %2 rows written, %2 already there")
                                  .arg(QLatin1String(store))
                                  .arg(kRows / 2)),
                 qPrintable(out));
    QVERIFY2(err.contains(QStringLiteral("load: %1 of %1 rows").arg(kRows)), qPrintable(err));
    const auto [verified, report, verifyErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--stores"), QLatin1String(kAll)});
    QVERIFY2(verified == 0, qPrintable(report + verifyErr));
    for (const char* store : {"MARIA", "PG", "REDIS", "LITE", "HIVE", "MONGO"})
        QVERIFY2(report.contains(QStringLiteral("store %1: %2 live keys, 0 deleted, %2 rows read, "
                                                "%2 oplog entries")
                                     .arg(QLatin1String(store))
                                     .arg(kRows)),
                 qPrintable(report));
}

void TestCliLoad::aLoadRunAgainWritesNothingTwice() {
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("load"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--csv"), dir_.filePath(QStringLiteral("all.csv")),
                     QStringLiteral("--into"), QStringLiteral("MARIA,MONGO")});
    QVERIFY2(code == 0, qPrintable(out + err));
    QVERIFY2(
        out.contains(QStringLiteral("load MARIA: 0 rows written, %1 already there").arg(kRows)),
        qPrintable(out));
    QVERIFY2(
        out.contains(QStringLiteral("load MONGO: 0 rows written, %1 already there").arg(kRows)),
        qPrintable(out));
}

void TestCliLoad::aStoreCopiedVerifiesEqual() {
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("load"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--from"), QStringLiteral("PG"), QStringLiteral("--into"),
                     QStringLiteral("COPY")});
    QVERIFY2(code == 0, qPrintable(out + err));
    const auto [verified, report, verifyErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--stores"), QStringLiteral("PG,COPY,HIVE")});
    QVERIFY2(verified == 0, qPrintable(report + verifyErr));
}

void TestCliLoad::aBadLineLoadsNothing() {
    const QString bad = dir_.filePath(QStringLiteral("bad.csv"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("student-ID,course-id,grade\nSID1,CSE1,A\nSID2,CSE1,\"B\nSID3,CSE1,C\n");
    f.close();
    const auto [code, out, err] = lab::runCli(
        {QStringLiteral("load"), QStringLiteral("--workspace"), workspace_, QStringLiteral("--csv"),
         bad, QStringLiteral("--into"), QStringLiteral("COPY")});
    QCOMPARE(code, 1);
    QVERIFY2(err.startsWith(bad + QStringLiteral(":3:")), qPrintable(err));
    const auto [verified, report, verifyErr] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--stores"), QStringLiteral("COPY")});
    QVERIFY2(report.contains(QStringLiteral("store COPY: %1 live keys").arg(kRows)),
             qPrintable(report));
    const auto [usage, usageOut, usageErr] =
        lab::runCli({QStringLiteral("load"), QStringLiteral("--workspace"), workspace_,
                     QStringLiteral("--from"), QStringLiteral("PG"), QStringLiteral("--into"),
                     QStringLiteral("PG")});
    QCOMPARE(usage, 2);
    QVERIFY2(usageErr.contains(QStringLiteral("PG is both --from and --into")),
             qPrintable(usageErr));
}

QTEST_MAIN(TestCliLoad)
#include "tst_cliload.moc"

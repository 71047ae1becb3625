// syncscope-cli verify only reads MongoDB and Hive stores, as it does SQL ones: on the MongoDB
// peer and the HiveServer2 peer (ACID), a database that holds no Syncscope store is an error
// naming it (exit 3), and the peer's own data shows that verify created nothing there: no
// collection (MongoDB's drop answers "ns not found"), no table or view (Hive refuses to read
// them). A store a run wrote verifies clean, and is still claimed by its own name only.
#include "clirun.h"
#include "hivepeer.h"
#include "mongopeer.h"
#include "mongoraw.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TestCliVerifyPeers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void emptyMongoDatabaseIsLeftAlone();
    void emptyHiveDatabaseIsLeftAlone();
    void writtenStoresVerifyClean();

private:
    // A workspace of the named stores and URIs; its path.
    QString workspace(const QString& tag, const QList<std::pair<QString, QString>>& stores);
    QTemporaryDir dir_;
    lab::HivePeer hive_;
    lab::MongoPeer mongo_;
};

void TestCliVerifyPeers::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    QVERIFY2(hive_.start(QStringLiteral("NOSASL"), problem, {QStringLiteral("--acid")}),
             qPrintable(problem));
    QVERIFY2(mongo_.start(problem), qPrintable(problem));
}

QString TestCliVerifyPeers::workspace(const QString& tag,
                                      const QList<std::pair<QString, QString>>& stores) {
    QJsonArray list;
    for (const auto& [name, uri] : stores)
        list.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("uri"), uri}});
    const QString path = dir_.filePath(tag + QStringLiteral(".json"));
    QFile ws(path);
    if (!ws.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    ws.write(QJsonDocument(QJsonObject{{QStringLiteral("stores"), list}}).toJson());
    return path;
}

void TestCliVerifyPeers::emptyMongoDatabaseIsLeftAlone() {
    const QString uri = lab::mongoFreshDatabase(mongo_.uri());
    const QString ws = workspace(QStringLiteral("mongo-empty"), {{QStringLiteral("MONGO"), uri}});
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), ws});
    QVERIFY2(code == 3, qPrintable(QString::number(code) + out + err));
    QVERIFY2(err.contains(QStringLiteral("MONGO: cannot read the store: database ")) &&
                 err.contains(QStringLiteral("holds no Syncscope store (no store name); a store "
                                             "only read is not made")),
             qPrintable(err));
    // Nothing made: each of the store's collections is unknown to the peer.
    lab::RawDatabase raw(uri);
    for (const char* collection : {"syncscope_meta", "oplog", "grades", "ownseqs"}) {
        QString error;
        raw.command(QStringLiteral("{\"drop\": \"%1\"}")
                        .arg(QLatin1String(collection))
                        .toUtf8()
                        .constData(),
                    &error);
        QVERIFY2(error.startsWith(QLatin1String("26:")),
                 qPrintable(QLatin1String(collection) + error));
    }
}

void TestCliVerifyPeers::emptyHiveDatabaseIsLeftAlone() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(hive_.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString ws = workspace(QStringLiteral("hive-empty"), {{QStringLiteral("HIVE"), uri}});
    const auto [code, out, err] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), ws});
    QVERIFY2(code == 3, qPrintable(QString::number(code) + out + err));
    QVERIFY2(err.contains(QStringLiteral("HIVE: cannot read the store: database ")) &&
                 err.contains(QStringLiteral("holds no Syncscope store (")) &&
                 err.contains(QStringLiteral("a store only read is not made")),
             qPrintable(err));
    // Nothing made: the peer has none of the store's tables or its view.
    for (const char* table : {"syncscope_meta", "oplog", "grades", "grades_acid"}) {
        const QString refused = lab::hiveRun(uri, std::string("SELECT COUNT(*) FROM ") + table);
        QVERIFY2(!refused.isEmpty(), table);
    }
}

void TestCliVerifyPeers::writtenStoresVerifyClean() {
    QString problem;
    const QString hiveUri = lab::hiveFreshDatabase(hive_.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString mongoUri = lab::mongoFreshDatabase(mongo_.uri());
    const QString ws = workspace(QStringLiteral("written"), {{QStringLiteral("HIVE"), hiveUri},
                                                             {QStringLiteral("MONGO"), mongoUri}});
    const QString script = dir_.filePath(QStringLiteral("fill.in"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("1, HIVE.SET((S1,C1),A)\n2, MONGO.SET((S2,C1),B)\n3, MONGO.DELETE((S1,C1))\n"
            "FULL_SYNC\n");
    f.close();
    const auto [ran, out, err] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), ws});
    QVERIFY2(ran == 0, qPrintable(out + err));
    const auto [code, out2, err2] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), ws});
    QVERIFY2(code == 0, qPrintable(QString::number(code) + out2 + err2));
    QVERIFY2(out2.contains(QStringLiteral("verify: no differences")), qPrintable(out2));
    // A store named otherwise is refused, and claims nothing: each database keeps its name.
    const QString other = workspace(QStringLiteral("other"), {{QStringLiteral("OTHER"), mongoUri}});
    const auto [refused, out3, err3] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), other});
    QVERIFY2(refused == 3 && err3.contains(QStringLiteral("holds store MONGO, not OTHER")),
             qPrintable(QString::number(refused) + out3 + err3));
    lab::RawDatabase raw(mongoUri);
    QVERIFY2(raw.command("{\"find\": \"syncscope_meta\"}").contains(QLatin1String("MONGO")),
             "the store's name");
}

QTEST_GUILESS_MAIN(TestCliVerifyPeers)
#include "tst_cliverifypeers.moc"

// docs/script-language.md's implicit timestamps on stores that persist: a line without a timestamp
// continues after the greatest write the stores hold when the run starts, so it is never silently
// superseded on arrival; explicit timestamps still count; on fresh stores nothing changes.
#include "clirun.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestCliTimestamps : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void implicitTimestampsContinueAfterTheStores();
};

namespace {
bool write(const QString& path, const QByteArray& text) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}
} // namespace

void TestCliTimestamps::implicitTimestampsContinueAfterTheStores() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString workspace = dir.filePath(QStringLiteral("ws.json"));
    QVERIFY(write(workspace, QStringLiteral("{\"stores\": [{\"name\": \"SQL\", \"uri\": "
                                            "\"sqlite://%1\"}, {\"name\": \"HIVE\", \"uri\": "
                                            "\"sqlite://%2\"}]}")
                                 .arg(dir.filePath(QStringLiteral("sql.db")),
                                      dir.filePath(QStringLiteral("hive.db")))
                                 .toUtf8()));
    const QString script = dir.filePath(QStringLiteral("t.in"));
    QVERIFY(write(script, "790000, HIVE.SET((SID1000,CSE001),A)\nSQL.MERGE(HIVE)\n"));
    auto [first, out1, err1] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace});
    QVERIFY2(first == 0, qPrintable(err1));

    // After a restart: the typed SET must win over the write at 790000.
    QVERIFY(write(script, "SQL.SET((SID1000,CSE001),B)\nSQL.GET(SID1000,CSE001)\n"
                          "800000, HIVE.GET(SID1000,CSE001)\nHIVE.MERGE(SQL)\n"
                          "HIVE.GET(SID1000,CSE001)\n"));
    auto [second, out2, err2] =
        lab::runCli({QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace});
    QVERIFY2(second == 0, qPrintable(err2));
    QCOMPARE(out2, QStringLiteral("790002, SQL.GET(SID1000,CSE001) = B\n"
                                  "800000, HIVE.GET(SID1000,CSE001) = A\n"
                                  "800001, HIVE.GET(SID1000,CSE001) = B\n"));

    // Fresh in-memory stores: counted from 1, as ever.
    QVERIFY(write(script, "SQL.SET((S,C),A)\nSQL.GET(S,C)\n"));
    auto [fresh, out3, err3] = lab::runCli({QStringLiteral("run"), script});
    QVERIFY2(fresh == 0, qPrintable(err3));
    QCOMPARE(out3, QStringLiteral("2, SQL.GET(S,C) = A\n"));
}

QTEST_GUILESS_MAIN(TestCliTimestamps)
#include "tst_clitimestamps.moc"

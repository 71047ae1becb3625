// syncscope-cli on the HiveServer2 peer: keys and values that look like numbers ('007', '1.50',
// '1e3', a value with spaces) are strings. Written in one run, they are read back in the next
// exactly as written, carried by a MERGE out of Hive unchanged, and dumped in byte order.
#include "clirun.h"
#include "hivepeer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestCliHive : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void numberLikeStringsSurviveTwoRuns();
};

namespace {
bool write(const QString& path, const QByteArray& text) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}
} // namespace

void TestCliHive::numberLikeStringsSurviveTwoRuns() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    lab::HivePeer hive;
    QString problem;
    QVERIFY2(hive.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    const QString uri = lab::hiveFreshDatabase(hive.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString workspace = dir.filePath(QStringLiteral("ws.json"));
    QVERIFY(write(workspace, QStringLiteral("{\"stores\": [{\"name\": \"HIVE\", \"uri\": \"%1\"}, "
                                            "{\"name\": \"LITE\", \"uri\": \"sqlite://%2\"}]}")
                                 .arg(uri, dir.filePath(QStringLiteral("lite.db")))
                                 .toUtf8()));
    const QString script = dir.filePath(QStringLiteral("t.in"));
    QVERIFY(write(script, "1, HIVE.SET((007,1.50),\" 12 \")\n"
                          "2, HIVE.SET((1e3,9223372036854775808),1.50)\n"
                          "3, HIVE.SET((10,007),007)\n"
                          "4, HIVE.SET((9,1E3),1e3)\n"));
    const QStringList run{QStringLiteral("run"), script, QStringLiteral("--workspace"), workspace};
    auto [first, out1, err1] = lab::runCli(run);
    QVERIFY2(first == 0, qPrintable(err1));

    QVERIFY(write(script, "10, HIVE.GET(007,1.50)\n11, HIVE.GET(1e3,9223372036854775808)\n"
                          "12, HIVE.GET(10,007)\n13, HIVE.GET(9,1E3)\n14, HIVE.GET(7,1.5)\n"
                          "LITE.MERGE(HIVE)\n20, LITE.GET(007,1.50)\n"
                          "21, LITE.GET(1e3,9223372036854775808)\n"));
    auto [second, out2, err2] = lab::runCli(run + QStringList{QStringLiteral("--dump")});
    QVERIFY2(second == 0, qPrintable(err2));
    QCOMPARE(out2, QStringLiteral("10, HIVE.GET(007,1.50) =  12 \n"
                                  "11, HIVE.GET(1e3,9223372036854775808) = 1.50\n"
                                  "12, HIVE.GET(10,007) = 007\n"
                                  "13, HIVE.GET(9,1E3) = 1e3\n"
                                  "14, HIVE.GET(7,1.5) = NULL\n"
                                  "20, LITE.GET(007,1.50) =  12 \n"
                                  "21, LITE.GET(1e3,9223372036854775808) = 1.50\n"
                                  "store,student_id,course_id,grade,ts\n"
                                  "HIVE,007,1.50, 12 ,1\n"
                                  "HIVE,10,007,007,3\n"
                                  "HIVE,1e3,9223372036854775808,1.50,2\n"
                                  "HIVE,9,1E3,1e3,4\n"
                                  "LITE,007,1.50, 12 ,1\n"
                                  "LITE,10,007,007,3\n"
                                  "LITE,1e3,9223372036854775808,1.50,2\n"
                                  "LITE,9,1E3,1e3,4\n"));
}

QTEST_GUILESS_MAIN(TestCliHive)
#include "tst_clihive.moc"

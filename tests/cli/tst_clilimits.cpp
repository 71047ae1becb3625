// What one run may ask for (docs/cli.md#limits), each answered at once: a script naming 60,000
// stores stops at the first one over kMaxStores (FILE:LINE:COL, exit 1), a workspace of 10,000
// stores is refused (exit 2), a million bad lines print kMaxErrorsShown errors and one line
// counting the rest, a million bad seed rows likewise, and 64 stores run at a file-descriptor
// limit of 64 (the program raises its own). Each prints its seconds and peak memory as a JSON
// line for the note.
#include "errorlist.h"
#include "measuredcli.h"
#include "storedirectory.h"
#include "textfiles.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using syncscope::kMaxErrorsShown;
using syncscope::kMaxStores;

class TestCliLimits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sixtyThousandStoreNames();
    void tenThousandStoreWorkspace();
    void aMillionBadLines();
    void aMillionBadSeedRows();
    void maxStoresAtALowDescriptorLimit();

private:
    QString write(const char* name, const QByteArray& bytes);
    void report(const char* bench, const lab::CliOutcome& o);
    QTemporaryDir dir_;
};

void TestCliLimits::initTestCase() {
    QVERIFY(dir_.isValid());
}

QString TestCliLimits::write(const char* name, const QByteArray& bytes) {
    const QString path = dir_.filePath(QString::fromLatin1(name));
    if (!lab::writeFile(path, bytes))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestCliLimits::report(const char* bench, const lab::CliOutcome& o) {
    std::printf("{\"bench\":\"%s\",\"seconds\":%.2f,\"peak_rss_mb\":%.1f,\"stderr_lines\":%lld}\n",
                bench, o.seconds, o.peakRssMb, static_cast<long long>(o.err.count('\n')));
}

namespace {
// Lines naming stores S0, S1, … from `first` on, one each.
QByteArray storeLines(int first, int count) {
    QByteArray text;
    for (int i = first; i < first + count; ++i)
        text += 'S' + QByteArray::number(i) + ".SET((SID1,CSE1),A)\n";
    return text;
}
} // namespace

void TestCliLimits::sixtyThousandStoreNames() {
    const QString script = write("many.in", storeLines(0, 60000));
    const lab::CliOutcome o = lab::runCliMeasured(dir_, {QStringLiteral("run"), script});
    report("limits_60000_store_names", o);
    QCOMPARE(o.status, 1);
    QCOMPARE(o.err, QFile::encodeName(script) +
                        ":65:1: store S64 would be store 65: a run has at most 64 stores\n");
    QVERIFY(o.out.isEmpty());
    QVERIFY2(o.seconds < 10, qPrintable(QString::number(o.seconds)));
}

void TestCliLimits::tenThousandStoreWorkspace() {
    QJsonArray stores;
    for (int i = 0; i < 10000; ++i)
        stores.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("S%1").arg(i)},
                                  {QStringLiteral("uri"), QStringLiteral("sqlite::memory:")}});
    const QString ws =
        write("big.json", QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson());
    const QString script = write("one.in", "S1.GET(SID1,CSE1)\n");
    for (const QStringList& args :
         {QStringList{QStringLiteral("run"), script, QStringLiteral("--workspace"), ws},
          QStringList{QStringLiteral("verify"), QStringLiteral("--workspace"), ws}}) {
        const lab::CliOutcome o = lab::runCliMeasured(dir_, args);
        report("limits_10000_store_workspace", o);
        QCOMPARE(o.status, 2);
        QVERIFY2(o.err.contains("store 65: a workspace holds at most 64 stores"),
                 o.err.constData());
        QVERIFY2(o.seconds < 10, qPrintable(QString::number(o.seconds)));
    }
}

void TestCliLimits::aMillionBadLines() {
    const QString script = write("bad.in", QByteArray("bad line\n").repeated(1000000));
    const lab::CliOutcome o = lab::runCliMeasured(dir_, {QStringLiteral("run"), script});
    report("limits_1000000_bad_lines", o);
    QCOMPARE(o.status, 1);
    const QList<QByteArray> lines = o.err.trimmed().split('\n');
    QCOMPARE(lines.size(), qsizetype(kMaxErrorsShown + 1));
    QVERIFY(lines.front().startsWith(QFile::encodeName(script) + ":1:5: "));
    QCOMPARE(lines.back(), QByteArray("\xE2\x80\xA6 and 999980 more errors"));
    QVERIFY2(o.seconds < 10, qPrintable(QString::number(o.seconds)));
}

void TestCliLimits::aMillionBadSeedRows() {
    const QString csv = write("bad.csv", "student-ID,course-id,grade\n" +
                                             QByteArray("SID1,CSE1,\n").repeated(1000000));
    const QString script = write("get.in", "SQL.GET(SID1,CSE1)\n");
    const lab::CliOutcome o = lab::runCliMeasured(
        dir_, {QStringLiteral("run"), script, QStringLiteral("--seed-csv"), csv});
    report("limits_1000000_bad_seed_rows", o);
    QCOMPARE(o.status, 1);
    QCOMPARE(o.err.count('\n'), qsizetype(kMaxErrorsShown + 1));
    QVERIFY(o.err.endsWith("\xE2\x80\xA6 and 999980 more errors\n"));
}

// 64 in-memory stores need about 80 descriptors (a worker's wake-up each, and the program's
// own): at a soft limit of 64 the program raises its own limit first, as far as the hard one.
void TestCliLimits::maxStoresAtALowDescriptorLimit() {
    const QString prlimit = QStringLiteral("/usr/bin/prlimit");
    if (!QFile::exists(prlimit))
        QSKIP("no prlimit (util-linux) to lower the limit with");
    const QString script = write("max.in", storeLines(0, static_cast<int>(kMaxStores)));
    const lab::CliOutcome o = lab::runCliMeasured(dir_, {QStringLiteral("run"), script},
                                                  {prlimit.toStdString(), "--nofile=64:4096"});
    report("limits_64_stores_at_nofile_64", o);
    QVERIFY2(o.status == 0, o.err.constData());
}

QTEST_GUILESS_MAIN(TestCliLimits)
#include "tst_clilimits.moc"

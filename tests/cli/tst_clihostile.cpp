// syncscope-cli against files nobody should trust: 100 MB scripts, a script of one
// 10 MB line, raw control bytes and broken UTF-8 inside quoted values, and every valid hostile
// value of tests/support/hostileinputs.h written through the script language and read back.
// Each bad file gets `FILE:LINE:COL: message` on stderr, exit status 1, nothing run and nothing
// raw echoed; the big ones also keep the program's memory to what the file needs (peak RSS is
// measured by the kernel, lab::runCliMeasured, and printed as a JSON line for the note): a
// script is read in two passes and never held (docs/cli.md, Memory).
#include "hostileinputs.h"
#include "identifiers.h"
#include "measuredcli.h"
#include "textfiles.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <map>

namespace {

// No byte of `text` that a terminal would obey (C0 controls but newline, DEL).
bool inert(const QByteArray& text) {
    for (const char c : text)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f)
            return false;
    return true;
}

} // namespace

class TestCliHostile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void hundredMegabyteScript();
    void hundredMegabyteValidScript();
    void oneTenMegabyteLine();
    void rawBytesInQuotedValues();
    void hostileValuesRoundTripThroughScripts();

private:
    // The store's state as `--dump` shows it after running `script` (a GET-free run).
    QByteArray dumpAfter(const QByteArray& script);
    QTemporaryDir dir_;
    QString workspace_;
    QByteArray before_; // the dump before any hostile file was run
};

void TestCliHostile::initTestCase() {
    QVERIFY(dir_.isValid());
    workspace_ = dir_.filePath(QStringLiteral("ws.json"));
    const QByteArray uri = "sqlite://" + QFile::encodeName(dir_.filePath(QStringLiteral("sql.db")));
    QVERIFY(lab::writeFile(workspace_,
                           "{\"stores\": [{\"name\": \"SQL\", \"uri\": \"" + uri + "\"}]}"));
    before_ = dumpAfter("SQL.SET((SID1,CSE1),A)\n");
    QVERIFY(before_.contains("SQL,SID1,CSE1,A,1"));
}

QByteArray TestCliHostile::dumpAfter(const QByteArray& script) {
    const QString path = dir_.filePath(QStringLiteral("dump.in"));
    if (!lab::writeFile(path, script))
        return {};
    const lab::CliOutcome o =
        lab::runCliMeasured(dir_, {QStringLiteral("run"), path, QStringLiteral("--workspace"),
                                   workspace_, QStringLiteral("--dump")});
    if (o.status != 0)
        qWarning("dump run failed (%d): %s", o.status, o.err.constData());
    return o.status == 0 ? o.out : QByteArray();
}

// 100 MB of valid lines with a bad one at the end: the whole file is read and parsed, the
// error names the last line, nothing runs, and memory does not grow with the file (it held
// the file and 56 bytes a command, 220 MB, before the script was read in two passes).
void TestCliHostile::hundredMegabyteScript() {
    const QString path = dir_.filePath(QStringLiteral("big.in"));
    QByteArray line = "SQL.SET((SID1000,CSE001),\"B+\")   # a comment to fill the line\n";
    const qint64 lines = (100LL << 20) / line.size();
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray chunk = line.repeated(10000);
        for (qint64 i = 0; i < lines / 10000; ++i)
            QCOMPARE(f.write(chunk), chunk.size());
        QVERIFY(f.write("SQL.SET((SID1000,CSE001) B)\n") > 0);
    }
    const qint64 lineCount = lines / 10000 * 10000 + 1;
    const lab::CliOutcome o = lab::runCliMeasured(
        dir_, {QStringLiteral("run"), path, QStringLiteral("--workspace"), workspace_});
    QCOMPARE(o.status, 1);
    QVERIFY2(
        o.err.startsWith(QFile::encodeName(path) + ':' + QByteArray::number(lineCount) + ":26: "),
        o.err.left(300).constData());
    QVERIFY(o.out.isEmpty());
    std::printf("{\"bench\":\"hostile_big_script\",\"script_mb\":%.1f,\"lines\":%lld,"
                "\"peak_rss_mb\":%.1f}\n",
                static_cast<double>(QFileInfo(path).size()) / (1 << 20), lineCount, o.peakRssMb);
    // Checked whole before anything runs (docs/script-language.md), a megabyte at a time.
    QVERIFY2(o.peakRssMb < 64, qPrintable(QString::number(o.peakRssMb)));
    QCOMPARE(dumpAfter(""), before_);
    QFile::remove(path);
}

// 100 MB of valid lines, most of them comments, into a store of its own: the run reads the
// file twice and holds neither it nor its commands, so its memory is the engine's (100,000
// writes to 1,000 keys) and the stores', not the file's.
void TestCliHostile::hundredMegabyteValidScript() {
    const QString path = dir_.filePath(QStringLiteral("valid.in"));
    const QString workspace = dir_.filePath(QStringLiteral("valid.json"));
    const QByteArray uri =
        "sqlite://" + QFile::encodeName(dir_.filePath(QStringLiteral("valid.db")));
    QVERIFY(
        lab::writeFile(workspace, "{\"stores\": [{\"name\": \"SQL\", \"uri\": \"" + uri + "\"}]}"));
    const QByteArray comment(63, '#');
    const int commands = 100000;
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray chunk;
        for (int i = 0; i < commands; ++i) {
            chunk += "SQL.SET((SID" + QByteArray::number(i % 1000) + ",CSE001)," +
                     QByteArray::number(i) + ")\n";
            for (int c = 0; c < 16; ++c)
                chunk += comment + '\n';
            if (chunk.size() > (1 << 20) || i == commands - 1) {
                QCOMPARE(f.write(chunk), chunk.size());
                chunk.clear();
            }
        }
        QVERIFY(f.write("SQL.GET(SID999,CSE001)\n") > 0);
    }
    const lab::CliOutcome o = lab::runCliMeasured(
        dir_, {QStringLiteral("run"), path, QStringLiteral("--workspace"), workspace});
    QCOMPARE(o.status, 0);
    QCOMPARE(o.out, QByteArray("100001, SQL.GET(SID999,CSE001) = 99999\n"));
    std::printf("{\"bench\":\"hostile_big_valid_script\",\"script_mb\":%.1f,\"commands\":%d,"
                "\"peak_rss_mb\":%.1f,\"seconds\":%.1f}\n",
                static_cast<double>(QFileInfo(path).size()) / (1 << 20), commands + 1, o.peakRssMb,
                o.seconds);
    QVERIFY2(o.peakRssMb < 64, qPrintable(QString::number(o.peakRssMb)));
    QFile::remove(path);
}

// One 10 MB line: a 10 MB quoted value, then 10 MB of an identifier. The error names the place
// and quotes at most a little of it; memory stays near the file's size.
void TestCliHostile::oneTenMegabyteLine() {
    const QString path = dir_.filePath(QStringLiteral("line.in"));
    const QByteArray huge(10 << 20, 'x');
    for (const QByteArray& script :
         {"SQL.SET((SID1,CSE1),\"" + huge + "\")", "SQL.SET((" + huge + ",CSE1),A)",
          "SQL.SET((SID1,CSE1)," + huge + "\n", huge}) {
        QVERIFY(lab::writeFile(path, script));
        const lab::CliOutcome o = lab::runCliMeasured(
            dir_, {QStringLiteral("run"), path, QStringLiteral("--workspace"), workspace_});
        QCOMPARE(o.status, 1);
        QVERIFY2(o.err.startsWith(QFile::encodeName(path) + ":1:"), o.err.left(300).constData());
        QVERIFY2(o.err.size() < 4096, qPrintable(QString::number(o.err.size())));
        std::printf("{\"bench\":\"hostile_long_line\",\"line_mb\":10,\"peak_rss_mb\":%.1f,"
                    "\"error\":\"%s\"}\n",
                    o.peakRssMb, o.err.trimmed().mid(path.size()).left(120).constData());
        QVERIFY2(o.peakRssMb < 256, qPrintable(QString::number(o.peakRssMb)));
    }
    QCOMPARE(dumpAfter(""), before_);
}

// Raw bytes a terminal would obey, and bytes that are not UTF-8, inside quoted values: each is
// an error at its line and column, shown as \xNN, and nothing runs.
void TestCliHostile::rawBytesInQuotedValues() {
    const QString path = dir_.filePath(QStringLiteral("raw.in"));
    using namespace Qt::StringLiterals;
    const QByteArray script = "SQL.SET((SID2,CSE1),\"\x1b[2J\")\n"
                              "SQL.SET((SID2,CSE2),\"a\0b\")\n"_ba
                              "SQL.SET((SID2,CSE3),\"\xff\xfe\")\n"
                              "SQL.SET((SID2,CSE4),\"\xc2\x85\")\n"
                              "SQL.SET((SID2,CSE5),A\rB)\n";
    QVERIFY(lab::writeFile(path, script));
    const lab::CliOutcome o = lab::runCliMeasured(
        dir_, {QStringLiteral("run"), path, QStringLiteral("--workspace"), workspace_});
    QCOMPARE(o.status, 1);
    QVERIFY2(inert(o.err), o.err.constData());
    for (int line = 1; line <= 5; ++line)
        QVERIFY2(o.err.contains(QFile::encodeName(path) + ':' + QByteArray::number(line) + ':'),
                 o.err.constData());
    QCOMPARE(dumpAfter(""), before_);
}

// The valid hostile values, written with the script language's quoting, come back byte for
// byte in --dump's CSV (RFC 4180).
void TestCliHostile::hostileValuesRoundTripThroughScripts() {
    QByteArray script;
    QByteArray expected = before_;
    std::map<std::pair<std::string, std::string>, std::string> rows;
    int i = 0;
    for (const lab::HostileInput& in : lab::hostileInputs()) {
        if (!in.valid)
            continue;
        const std::string sid = "H" + std::to_string(++i);
        script += QByteArray::fromStdString("SQL.SET((" + sid + ",C)," +
                                            syncscope::scriptLiteral(in.value) + ")\n");
        rows[{sid, "C"}] = in.value;
    }
    const QByteArray dump = dumpAfter(script);
    QVERIFY(!dump.isEmpty());
    for (const auto& [key, value] : rows) {
        QByteArray field = QByteArray::fromStdString(value);
        if (field.contains(',') || field.contains('"'))
            field = '"' + field.replace("\"", "\"\"") + '"';
        QVERIFY2(dump.contains("SQL," + QByteArray::fromStdString(key.first) + ",C," + field + ','),
                 value.c_str());
    }
}

QTEST_GUILESS_MAIN(TestCliHostile)
#include "tst_clihostile.moc"

// SQLite stores and the files they are given: a path that is not a regular file (/dev/null, a
// directory, a FIFO) is refused before anything is opened, with nothing written beside it
// (SQLite would have made /dev/null-journal); and verify only reads: a read-only store file is
// verified, left byte for byte and time for time as it was, and a missing or foreign file is
// refused rather than made into a store.
#include "clirun.h"
#include "textfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

class TestCliSqliteFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void notARegularFileIsRefused_data();
    void notARegularFileIsRefused();
    void verifyOnlyReads();
    void verifyMakesNoStore();

private:
    QString workspaceFor(const QString& path, const char* name);
    QTemporaryDir dir_;
    QString script_;
};

namespace {

// What SQLite writes beside a database it opens to write.
const QStringList kBeside = {QStringLiteral("-journal"), QStringLiteral("-wal"),
                             QStringLiteral("-shm")};

} // namespace

void TestCliSqliteFiles::initTestCase() {
    QVERIFY(dir_.isValid());
    script_ = dir_.filePath(QStringLiteral("t.in"));
    QVERIFY(lab::writeFile(script_, "1, SQL.SET((SID1,CSE1),A)\n"));
}

QString TestCliSqliteFiles::workspaceFor(const QString& path, const char* name) {
    const QString ws = dir_.filePath(QString::fromLatin1(name));
    lab::writeFile(ws, "{\"stores\": [{\"name\": \"SQL\", \"uri\": \"sqlite://" +
                           QFile::encodeName(path) + "\"}]}");
    return ws;
}

void TestCliSqliteFiles::notARegularFileIsRefused_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("said");
    QTest::newRow("/dev/null") << QStringLiteral("/dev/null")
                               << QStringLiteral("a device, a pipe or a socket, not a file");
    const QString folder = dir_.filePath(QStringLiteral("folder"));
    QDir().mkpath(folder);
    QTest::newRow("directory") << folder << QStringLiteral("a directory, not a file");
    const QString fifo = dir_.filePath(QStringLiteral("fifo"));
    QCOMPARE(mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QTest::newRow("fifo") << fifo << QStringLiteral("a device, a pipe or a socket, not a file");
}

void TestCliSqliteFiles::notARegularFileIsRefused() {
    QFETCH(QString, path);
    QFETCH(QString, said);
    QStringList before;
    for (const QString& suffix : kBeside)
        if (QFileInfo::exists(path + suffix))
            before << path + suffix;
    const QString ws = workspaceFor(path, "special.json");
    for (const QStringList& args :
         {QStringList{QStringLiteral("run"), script_, QStringLiteral("--workspace"), ws},
          QStringList{QStringLiteral("verify"), QStringLiteral("--workspace"), ws}}) {
        const auto [status, out, err] = lab::runCli(args, 30000);
        QCOMPARE(status, 2);
        QVERIFY2(err.contains(said), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("store SQL: sqlite://") + path), qPrintable(err));
    }
    for (const QString& suffix : kBeside)
        QVERIFY2(!QFileInfo::exists(path + suffix) || before.contains(path + suffix),
                 qPrintable(path + suffix));
}

// A store file no one may write (as root the bits do not stop a writer, so the file's bytes
// and times are compared too): verify reads it, changes nothing and leaves no journal.
void TestCliSqliteFiles::verifyOnlyReads() {
    const QString db = dir_.filePath(QStringLiteral("ro.db"));
    const QString ws = workspaceFor(db, "ro.json");
    QCOMPARE(std::get<0>(
                 lab::runCli({QStringLiteral("run"), script_, QStringLiteral("--workspace"), ws})),
             0);
    QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::ReadGroup |
                                          QFileDevice::ReadOther));
    const QByteArray bytes = lab::readFile(db);
    const QDateTime modified = QFileInfo(db).lastModified();
    const auto [status, out, err] =
        lab::runCli({QStringLiteral("verify"), QStringLiteral("--workspace"), ws});
    QVERIFY2(status == 0, qPrintable(err));
    QVERIFY2(out.contains(QStringLiteral("store SQL: 1 live keys")), qPrintable(out));
    QCOMPARE(lab::readFile(db), bytes);
    QCOMPARE(QFileInfo(db).lastModified(), modified);
    QVERIFY(!QFileInfo::exists(db + QStringLiteral("-journal")));
}

// A missing file is not made, and a file that holds no store is not made into one.
void TestCliSqliteFiles::verifyMakesNoStore() {
    const QString missing = dir_.filePath(QStringLiteral("missing.db"));
    auto [status, out, err] = lab::runCli(
        {QStringLiteral("verify"), QStringLiteral("--workspace"), workspaceFor(missing, "m.json")});
    QCOMPARE(status, 3);
    QVERIFY2(err.contains(QStringLiteral("no such file")), qPrintable(err));
    QVERIFY(!QFileInfo::exists(missing));

    const QString empty = dir_.filePath(QStringLiteral("empty.db"));
    QVERIFY(lab::writeFile(empty, {}));
    std::tie(status, out, err) = lab::runCli(
        {QStringLiteral("verify"), QStringLiteral("--workspace"), workspaceFor(empty, "e.json")});
    QCOMPARE(status, 3);
    QVERIFY2(err.contains(QStringLiteral("holds no Syncscope store")), qPrintable(err));
    QCOMPARE(QFileInfo(empty).size(), 0);
    for (const QString& suffix : kBeside)
        QVERIFY2(!QFileInfo::exists(empty + suffix) || QFileInfo(empty + suffix).size() == 0,
                 qPrintable(empty + suffix));
}

QTEST_GUILESS_MAIN(TestCliSqliteFiles)
#include "tst_clisqlitefiles.moc"

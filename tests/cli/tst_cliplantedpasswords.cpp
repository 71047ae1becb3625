// No URI shape shows its password: every URI of tests/support/plantedpasswords.h (readable by
// Qt or not) goes through syncscope-cli in a workspace file (run, verify, load, follow) and as
// a direct argument where a store, a workspace, a script or a file is named (--stores, --into,
// --from, --to, --workspace, the script, --seed-csv, --csv, --json, --conflicts, a stray
// argument). Each is
// refused with exit status 2, nothing is written to the stores, and neither stdout, stderr nor
// any file the runs left holds a piece of the password. No server is needed: each URI is
// refused before anything connects.
#include "plantedpasswords.h"
#include "secretsearch.h"
#include "textfiles.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliPlantedPasswords : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void workspaceUris();
    void directArguments();
    void noFileHoldsThePassword();

private:
    // Runs syncscope-cli in the work folder; a failed check names the arguments and what
    // showed the password.
    void refused(const QStringList& args);
    QString in(const QString& name) const { return inputs_.filePath(name); }
    // Named so that no path holds a piece of the password (the test's own name would).
    QTemporaryDir inputs_{QDir::tempPath() + QStringLiteral("/syncscope-uris-XXXXXX")};
    QTemporaryDir work_{QDir::tempPath() + QStringLiteral("/syncscope-uris-XXXXXX")};
    QStringList written_; // the input files that hold the password on purpose
    QByteArray liteBefore_;
    int runs_ = 0;
};

namespace {

QByteArray workspaceJson(const QString& uri, const QString& lite) {
    QJsonArray stores;
    stores.append(
        QJsonObject{{QStringLiteral("name"), QStringLiteral("SQL")}, {QStringLiteral("uri"), uri}});
    stores.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("LITE")},
                              {QStringLiteral("uri"), QStringLiteral("sqlite://") + lite}});
    return QJsonDocument(QJsonObject{{QStringLiteral("stores"), stores}}).toJson();
}

} // namespace

void TestCliPlantedPasswords::initTestCase() {
    QVERIFY(inputs_.isValid() && work_.isValid());
    QVERIFY(
        lab::writeFile(in(QStringLiteral("t.in")), "1, SQL.SET((SID1,CSE1),A)\nLITE.MERGE(SQL)\n"));
    QVERIFY(lab::writeFile(in(QStringLiteral("seed.csv")),
                           "student-ID,course-id,roll no,email ID,grade\nSID9,CSE9,9,x@y.z,A\n"));
    const QString lite = work_.filePath(QStringLiteral("lite.db"));
    QVERIFY(lab::writeFile(in(QStringLiteral("good.json")),
                           workspaceJson(QStringLiteral("sqlite::memory:"), lite)));
    // The SQLite store exists and holds a write: the refused runs must leave it as it is.
    QProcess p;
    p.start(QStringLiteral(SYNCSCOPE_CLI),
            {QStringLiteral("run"), in(QStringLiteral("t.in")), QStringLiteral("--workspace"),
             in(QStringLiteral("good.json"))});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    liteBefore_ = lab::readFile(lite);
    QVERIFY(!liteBefore_.isEmpty());
}

void TestCliPlantedPasswords::refused(const QStringList& args) {
    ++runs_;
    QProcess p;
    p.setWorkingDirectory(work_.path()); // where a relative output path would land
    p.start(QStringLiteral(SYNCSCOPE_CLI), args);
    QVERIFY2(p.waitForFinished(30000), qPrintable(args.join(QLatin1Char(' '))));
    const QString out = QString::fromUtf8(p.readAllStandardOutput()),
                  err = QString::fromUtf8(p.readAllStandardError());
    const QString shown = args.join(QLatin1Char(' '));
    for (const QString& part : lab::kPlantedParts) {
        QVERIFY2(!out.contains(part), qPrintable(shown + QStringLiteral(" stdout: ") + out));
        QVERIFY2(!err.contains(part), qPrintable(shown + QStringLiteral(" stderr: ") + err));
    }
    QVERIFY2(p.exitCode() == 2, qPrintable(QStringLiteral("exit %1: %2 -> %3")
                                               .arg(p.exitCode())
                                               .arg(args.join(QLatin1Char(' ')), err)));
}

void TestCliPlantedPasswords::workspaceUris() {
    const QString script = in(QStringLiteral("t.in")), csv = in(QStringLiteral("seed.csv"));
    const QString W = QStringLiteral("--workspace");
    const QStringList uris = lab::urisWithPlantedPassword();
    for (qsizetype i = 0; i < uris.size(); ++i) {
        const QString ws = in(QStringLiteral("ws%1.json").arg(i));
        QVERIFY(
            lab::writeFile(ws, workspaceJson(uris[i], work_.filePath(QStringLiteral("lite.db")))));
        written_ << ws;
        refused({QStringLiteral("run"), script, W, ws, QStringLiteral("--dump")});
        refused({QStringLiteral("verify"), W, ws});
        refused({QStringLiteral("load"), W, ws, QStringLiteral("--csv"), csv,
                 QStringLiteral("--into"), QStringLiteral("SQL,LITE")});
        refused({QStringLiteral("follow"), W, ws, QStringLiteral("--from"), QStringLiteral("SQL"),
                 QStringLiteral("--to"), QStringLiteral("LITE"), QStringLiteral("--seconds"),
                 QStringLiteral("1")});
    }
}

void TestCliPlantedPasswords::directArguments() {
    const QString script = in(QStringLiteral("t.in")), csv = in(QStringLiteral("seed.csv")),
                  good = in(QStringLiteral("good.json"));
    const QString W = QStringLiteral("--workspace");
    for (const QString& uri : lab::urisWithPlantedPassword()) {
        refused({QStringLiteral("verify"), W, good, QStringLiteral("--stores"), uri});
        refused({QStringLiteral("load"), W, good, QStringLiteral("--csv"), csv,
                 QStringLiteral("--into"), uri});
        refused({QStringLiteral("load"), W, good, QStringLiteral("--from"), uri,
                 QStringLiteral("--into"), QStringLiteral("LITE")});
        refused({QStringLiteral("follow"), W, good, QStringLiteral("--from"), uri,
                 QStringLiteral("--to"), QStringLiteral("LITE")});
        refused({QStringLiteral("follow"), W, good, QStringLiteral("--from"),
                 QStringLiteral("LITE"), QStringLiteral("--to"), uri});
        refused({QStringLiteral("run"), uri});
        refused({QStringLiteral("run"), script, W, uri});
        refused({QStringLiteral("verify"), W, uri});
        refused({QStringLiteral("run"), script, uri});
        refused({QStringLiteral("verify"), W, good, uri});
        refused({QStringLiteral("run"), script, QStringLiteral("--seed-csv"), uri});
        refused({QStringLiteral("load"), W, good, QStringLiteral("--csv"), uri,
                 QStringLiteral("--into"), QStringLiteral("LITE")});
        // Output files in a folder that is not there.
        const QString missing = QStringLiteral("no-such-folder/") + uri;
        refused({QStringLiteral("verify"), W, good, QStringLiteral("--json"), missing});
        refused({QStringLiteral("run"), script, QStringLiteral("--conflicts"), missing});
    }
}

void TestCliPlantedPasswords::noFileHoldsThePassword() {
    std::vector<QByteArray> parts;
    for (const QString& part : lab::kPlantedParts)
        parts.push_back(part.toUtf8());
    const lab::SecretSearch inWork = lab::searchFiles(work_.path(), parts);
    QVERIFY2(inWork.holding.isEmpty(), qPrintable(inWork.holding.join(QStringLiteral(", "))));
    lab::SecretSearch inInputs = lab::searchFiles(inputs_.path(), parts);
    for (const QString& w : written_)
        inInputs.holding.removeAll(w);
    QVERIFY2(inInputs.holding.isEmpty(), qPrintable(inInputs.holding.join(QStringLiteral(", "))));
    QCOMPARE(lab::readFile(work_.filePath(QStringLiteral("lite.db"))), liteBefore_);
    qInfo("planted passwords | %lld URI shapes, %d runs, %d files searched, none shown",
          static_cast<long long>(lab::urisWithPlantedPassword().size()), runs_,
          inWork.files + inInputs.files);
}

QTEST_GUILESS_MAIN(TestCliPlantedPasswords)
#include "tst_cliplantedpasswords.moc"

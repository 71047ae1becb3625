// Data > Verify Stores in the window: what was typed is written first, then the
// stores are read off the UI thread; the report names a key one store lacks, opens in a
// non-modal dialog, saves as JSON, and is clean again after FULL_SYNC.
#include "commandsession.h"
#include "guiapp.h"
#include "guidriver.h"
#include "mainwindow.h"
#include "verifyactions.h"
#include "verifyreportdialog.h"

#include <QApplication>
#include <QFile>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiVerify : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void reportNamesWhatDiffersAndClearsAfterSync();
    void cleanupTestCase() { app_.reset(); }

private:
    VerifyReport verifyNow(bool byChecksums = false);
    QTemporaryDir dir_;
    std::unique_ptr<GuiApp> app_;
};

void TestGuiVerify::initTestCase() {
    QVERIFY(dir_.isValid());
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    const std::string sql = "sqlite://" + dir_.filePath(QStringLiteral("sql.db")).toStdString();
    const std::string hive = "sqlite://" + dir_.filePath(QStringLiteral("hive.db")).toStdString();
    app_ = std::make_unique<GuiApp>(std::vector<StoreSpec>{{"SQL", {}, sql}, {"HIVE", {}, hive}},
                                    QStringLiteral("verify"));
    app_->start();
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
}

VerifyReport TestGuiVerify::verifyNow(bool byChecksums) {
    QSignalSpy verified(app_->verifier(), &VerifyActions::verified);
    app_->verifier()->verify({}, byChecksums);
    if (!verified.wait(20000))
        qFatal("verify did not answer");
    return verified.at(0).at(0).value<VerifyReport>();
}

void TestGuiVerify::reportNamesWhatDiffersAndClearsAfterSync() {
    // Typed, and verified at once: the write is in SQL before the stores are read.
    lab::typeLine(*app_, QStringLiteral("5, SQL.SET((SID7,CSE3),B)"));
    VerifyReport report = verifyNow();
    QCOMPARE(report.findingCount, 1);
    QCOMPARE(report.findings.front().kind, VerifyFinding::Kind::Missing);
    QCOMPARE(report.findings.front().studentId, std::string("SID7"));
    // Data > Verify by Checksums finds the same key, reading only its range.
    const VerifyReport sums = verifyNow(true);
    QCOMPARE(sums.findingCount, 1);
    QCOMPARE(sums.findings.front().studentId, std::string("SID7"));
    QCOMPARE(sums.checksums.differingRanges, 1u);
    QVERIFY2(sums.text().find("compared by checksums over 16 key-hash ranges: 1 differ") !=
                 std::string::npos,
             sums.text().c_str());
    QTRY_COMPARE(app_->window()->findChildren<VerifyReportDialog*>().size(), 2);
    app_->window()->findChildren<VerifyReportDialog*>().last()->close();
    QTRY_VERIFY(!app_->window()->findChildren<VerifyReportDialog*>().isEmpty());
    VerifyReportDialog* dialog = app_->window()->findChildren<VerifyReportDialog*>().first();
    QVERIFY(!dialog->isModal());
    QVERIFY(dialog->findChild<QPlainTextEdit*>(QStringLiteral("verify-report"))
                ->toPlainText()
                .contains(QStringLiteral("missing (SID7,CSE3): live in SQL; missing from HIVE")));
    const QString json = dir_.filePath(QStringLiteral("verify.json"));
    QCOMPARE(dialog->saveJson(json), QString());
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("\"kind\": \"missing\""));
    dialog->close();

    lab::typeLine(*app_, QStringLiteral("FULL_SYNC"));
    report = verifyNow();
    QVERIFY2(report.clean(), report.text().c_str());
    QCOMPARE(report.stores.size(), size_t(2));
    QCOMPARE(report.stores[1].live, 1);
}

QTEST_MAIN(TestGuiVerify)
#include "tst_guiverify.moc"

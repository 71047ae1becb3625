// The window on two Hive stores of one HiveServer2 (the test peer): commands reach Hive, and a
// merge between them can run inside Hive (the Merge dialog's "Merge inside the target"): one
// INSERT … SELECT appends exactly the plan's entries, nothing is sent twice, the window's
// tables follow, the target is verified and the audit log holds the merge. And the window starts
// without a spurious "the store is not open": nothing reads a store before its open completes.
#include "commandbar.h"
#include "commandsession.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "guidriver.h"
#include "hivepeer.h"
#include "mergeactions.h"
#include "mergedialog.h"
#include "mergerunner.h"
#include "oplogmodel.h"
#include "workspacesession.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiHive : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void mergeRunsInsideHive();
    void nothingIsReadBeforeTheStoresOpen();
    void cleanupTestCase() { app_.reset(); }

private:
    void type(const QString& line);
    QString grade(int store, const char* sid, const char* cid);
    int oplogRows(const QString& uri, const char* origin);
    QTemporaryDir dir_;
    lab::HivePeer peer_;
    QString uris_[2];
    std::unique_ptr<GuiApp> app_;
    QStringList startFailures_; // what the stores said went wrong while the window started
};

void TestGuiHive::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    QVERIFY2(peer_.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    for (QString& uri : uris_) {
        uri = lab::hiveFreshDatabase(peer_.uri(), problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    app_ = std::make_unique<GuiApp>(std::vector<StoreSpec>{{"HA", {}, uris_[0].toStdString()},
                                                           {"HB", {}, uris_[1].toStdString()}},
                                    QStringLiteral("hive"));
    // The panels exist, and asked for their oplogs, before the stores are opened.
    connect(app_->session(), &WorkspaceSession::storeFailed, this,
            [this](const QString& message) { startFailures_ << message; });
    app_->start();
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
}

// The oplog views asked for their first page when the panels were made, before Hive's open
// completed: the status bar said "HA: reading the oplog: the store is not open" at every start.
void TestGuiHive::nothingIsReadBeforeTheStoresOpen() {
    QTRY_VERIFY_WITH_TIMEOUT(app_->session()->oplog(0)->rowCount() > 0, 10000);
    QVERIFY2(startFailures_.isEmpty(), qPrintable(startFailures_.join(QLatin1Char('\n'))));
}

void TestGuiHive::type(const QString& line) {
    lab::typeLine(*app_, line);
}

QString TestGuiHive::grade(int store, const char* sid, const char* cid) {
    return lab::panelGrade(*app_, store, sid, cid);
}

// Entries of `origin` in the store's own Hive oplog, read straight from Hive.
int TestGuiHive::oplogRows(const QString& uri, const char* origin) {
    int64_t n = -1;
    const QString problem =
        lab::hiveRun(uri, std::string("SELECT COUNT(*) FROM oplog WHERE origin = '") + origin + "'",
                     [&](HiveRows&& rows) { n = std::get<int64_t>(rows.at(0, 0)); });
    return problem.isEmpty() ? static_cast<int>(n) : -1;
}

void TestGuiHive::mergeRunsInsideHive() {
    type(QStringLiteral("1, HA.SET((SID1,CSE1),A)"));
    type(QStringLiteral("2, HB.SET((SID1,CSE1),B)"));
    type(QStringLiteral("3, HB.SET((SID2,CSE1),C)"));
    type(QStringLiteral("4, HA.SET((SID3,CSE1),D)"));
    QTRY_COMPARE(grade(1, "SID2", "CSE1"), QStringLiteral("C"));
    QTRY_COMPARE(oplogRows(uris_[1], "HB"), 2);

    MergeDialog* dialog = app_->merges()->openMergeDialog();
    MergeRequest request;
    request.targets = {0};
    request.sources = {1};
    request.strategy = MergeStrategy::SourceWins;
    dialog->setRequest(request, {});
    // Only last writer wins is what Hive's statement does.
    QTRY_VERIFY(dialog->applyButton()->isEnabled());
    QVERIFY(!dialog->mergeInsideBox()->isEnabled());
    QVERIFY(dialog->mergeInsideBox()->toolTip().contains(QStringLiteral("last writer wins")));

    request.strategy = MergeStrategy::LastWriterWins;
    dialog->setRequest(request, {});
    QTRY_VERIFY(dialog->applyButton()->isEnabled() && dialog->mergeInsideBox()->isEnabled());
    dialog->mergeInsideBox()->setChecked(true);
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Verified")), 20000);
    QVERIFY2(dialog->statusText().contains(QStringLiteral("inside the target's engine")),
             qPrintable(dialog->statusText()));

    // Hive holds HB's two winning writes once each, beside HA's own.
    QCOMPARE(oplogRows(uris_[0], "HB"), 2);
    QCOMPARE(oplogRows(uris_[0], "HA"), 2);
    QTRY_COMPARE(grade(0, "SID1", "CSE1"), QStringLiteral("B"));
    QTRY_COMPARE(grade(0, "SID2", "CSE1"), QStringLiteral("C"));
    QCOMPARE(grade(0, "SID3", "CSE1"), QStringLiteral("D"));
    // The engine knows the merge: merging again plans nothing, and a GET sees the merged value.
    type(QStringLiteral("HA.MERGE(HB)"));
    type(QStringLiteral("HA.SET((SID9,CSE1),E)"));
    QTRY_COMPARE(grade(0, "SID9", "CSE1"), QStringLiteral("E"));
    QCOMPARE(oplogRows(uris_[0], "HB"), 2);

    // The audit log has the merge, its two keys and its end.
    auto audit = app_->merges()->runner()->readAudit();
    audit.waitForFinished();
    const Result<std::vector<AuditEntry>> rows = audit.result();
    QVERIFY(rows.ok());
    int keys = 0;
    for (const AuditEntry& e : rows.value())
        keys += e.kind == QLatin1String("key");
    QCOMPARE(keys, 2);
}

QTEST_MAIN(TestGuiHive)
#include "tst_guihive.moc"

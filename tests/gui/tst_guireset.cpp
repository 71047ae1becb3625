// Script > Reset after a merge applied through the Merge dialog: it asks first (Cancel changes
// nothing), then rolls the stores back and writes a "reset" entry in the audit chain, which
// still verifies; a decision the reset undid can no longer be "reverted".
#include "auditentry.h"
#include "commandsession.h"
#include "consoleview.h"
#include "guiapp.h"
#include "guidriver.h"
#include "mainwindow.h"
#include "mergeactions.h"
#include "mergedialog.h"
#include "mergerunner.h"
#include "scriptactions.h"
#include "scriptpanel.h"
#include "scriptrunner.h"
#include "undoactions.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace syncscope;

class TestGuiReset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resetAfterAMergeAsksAndIsAudited();
    void quitDuringARunAsksAndTheNextStartOffersToGoOn();

private:
    QTemporaryDir dir_;
};

namespace {

std::vector<AuditEntry> auditRows(MergeRunner* runner) {
    QFuture<Result<std::vector<AuditEntry>>> f = runner->readAudit();
    f.waitForFinished();
    return f.result().ok() ? f.result().value() : std::vector<AuditEntry>{};
}

// Answers the next question box with the given button, once it is up.
void answerNextQuestion(QMessageBox::StandardButton answer, bool* asked) {
    auto* poll = new QTimer;
    QObject::connect(poll, &QTimer::timeout, poll, [poll, answer, asked] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        *asked = true;
        box->button(answer)->click();
        poll->deleteLater();
    });
    poll->start(20);
}

} // namespace

void TestGuiReset::resetAfterAMergeAsksAndIsAudited() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeResetTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("hive.db")).toStdString()}};
    GuiApp app(stores, QStringLiteral("reset"));
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 10000);
    const QString script = dir_.filePath(QStringLiteral("lecture.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("1, SQL.SET((S1,C1),A)\n2, HIVE.SET((S1,C1),B)\n3, SQL.SET((S2,C1),C)\n");
    file.close();
    QSignalSpy pointReady(app.scriptRunner(), &ScriptRunner::resetPointReady);
    app.scripts()->open(script);
    QTRY_COMPARE(pointReady.count(), 1);
    app.scripts()->run(2);
    QTRY_COMPARE(app.scriptRunner()->done(), 2);

    MergeDialog* dialog = app.merges()->openMergeDialog();
    MergeRequest request;
    request.targets = {0};
    request.sources = {1};
    request.priority = {0, 1};
    dialog->setRequest(request, {});
    QTRY_VERIFY(dialog->applyButton()->isEnabled());
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Verified")), 10000);
    dialog->close();
    QTRY_COMPARE(lab::panelGrade(app, 0, "S1", "C1"), QStringLiteral("B"));
    // A typed write, offered for Undo until the Reset below makes it history.
    lab::typeLine(app, QStringLiteral("SQL.SET((S9,C9),T)"));
    QTRY_VERIFY(app.undo()->undoAction()->isEnabled());
    MergeRunner* runner = app.merges()->runner();
    std::vector<AuditEntry> rows;
    QTRY_VERIFY(!(rows = auditRows(runner)).empty() && rows.back().kind == QLatin1String("end"));
    const auto keyRow = std::find_if(rows.begin(), rows.end(), [](const AuditEntry& e) {
        return e.kind == QLatin1String("key");
    });
    QVERIFY(keyRow != rows.end());
    const AuditEntry decision = *keyRow;

    // Cancel: nothing is reset.
    bool asked = false;
    answerNextQuestion(QMessageBox::Cancel, &asked);
    app.scripts()->reset();
    QVERIFY(asked);
    QCOMPARE(app.scriptRunner()->done(), 2);
    QCOMPARE(lab::panelGrade(app, 0, "S1", "C1"), QStringLiteral("B"));

    // Reset: the stores go back to the script's start, and the chain records it.
    QSignalSpy done(app.scriptRunner(), &ScriptRunner::resetDone);
    asked = false;
    answerNextQuestion(QMessageBox::Reset, &asked);
    app.scripts()->reset();
    QVERIFY(asked);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
    QTRY_COMPARE(lab::panelGrade(app, 0, "S1", "C1"), QStringLiteral("<none>"));
    // Undo would write back a value the reset took away.
    QVERIFY(!app.undo()->undoAction()->isEnabled());
    QVERIFY(!app.undo()->redoAction()->isEnabled());
    QTRY_VERIFY((rows = auditRows(runner)).back().kind == QLatin1String("reset"));
    QVERIFY2(rows.back().detail.contains(QStringLiteral("\"mergesUndone\":1")),
             qPrintable(rows.back().detail));
    QVERIFY(rows.back().detail.contains(QStringLiteral("\"commandsUndone\":2")));
    app.merges()->verifyAuditLog();
    QTRY_VERIFY(app.console()->toPlainText().contains(QStringLiteral("Audit log verified")));

    // The decision the reset undid is not "reverted" over what the store holds now.
    QSignalSpy failed(runner, &MergeRunner::failed);
    runner->revert(decision, QStringLiteral("try"));
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("no longer applies")),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(auditRows(runner).back().kind, QStringLiteral("reset"));
}

// Quitting during a Run asks (Cancel keeps the window and the run); after a quit, the next start
// says the run was cut short and reopens the script where it stopped.
void TestGuiReset::quitDuringARunAsksAndTheNextStartOffersToGoOn() {
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("q-sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("q-hive.db")).toStdString()}};
    const QString script = dir_.filePath(QStringLiteral("long.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    // Long enough that the Run is still going while the two questions are answered, however
    // fast the machine (60,000 lines ended inside the questions on a quiet one).
    const int total = 400000;
    for (int i = 1; i <= total; ++i)
        file.write(QStringLiteral("%1, %2.SET((SID%3,CSE1),A)\n")
                       .arg(i)
                       .arg(i % 2 ? QStringLiteral("SQL") : QStringLiteral("HIVE"))
                       .arg(i)
                       .toUtf8());
    file.close();
    int stoppedAt = 0;
    {
        GuiApp app(stores, QStringLiteral("quit"));
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 10000);
        QSignalSpy opened(app.scripts(), &ScriptActions::opened);
        app.scripts()->open(script);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        app.scripts()->run();
        QTRY_VERIFY(app.scriptRunner()->done() > 0);
        QVERIFY(app.scriptRunner()->isBusy());
        bool asked = false;
        answerNextQuestion(QMessageBox::Cancel, &asked);
        app.window()->close();
        QVERIFY(asked);
        QVERIFY(app.window()->isVisible());
        QVERIFY(app.scriptRunner()->isBusy());
        answerNextQuestion(QMessageBox::Yes, &asked);
        app.window()->close();
        // The window closes once the stores have written what they were handed.
        QTRY_VERIFY_WITH_TIMEOUT(!app.window()->isVisible(), 15000);
        QVERIFY(!app.scriptRunner()->isBusy());
        QTRY_VERIFY(!app.scriptRunner()->isBusy());
        stoppedAt = app.scriptRunner()->done();
        QVERIFY2(stoppedAt > 0 && stoppedAt < total, qPrintable(QString::number(stoppedAt)));
    }
    GuiApp again(stores, QStringLiteral("quit"));
    QSignalSpy opened(again.scripts(), &ScriptActions::opened);
    again.start();
    QVERIFY(again.console()->toPlainText().contains(QStringLiteral("was cut short")));
    QVERIFY(again.scriptPanel()->isOfferingResume());
    QTRY_VERIFY_WITH_TIMEOUT(again.commands()->isReady(), 10000);
    again.scriptPanel()->findChild<QPushButton*>(QStringLiteral("script-resume-open"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    QTRY_VERIFY(again.scriptRunner()->done() > 0);
    // Where the run stopped, or a little before (the position is written as the window closes,
    // while the last stretch may still have been on its way).
    QVERIFY2(
        again.scriptRunner()->done() <= stoppedAt &&
            again.scriptRunner()->done() >= stoppedAt - 5000,
        qPrintable(QStringLiteral("%1 vs %2").arg(again.scriptRunner()->done()).arg(stoppedAt)));
}

QTEST_MAIN(TestGuiReset)
#include "tst_guireset.moc"

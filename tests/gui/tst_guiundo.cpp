// Edit > Undo and Redo of typed writes where the window met them half way: a store added or
// removed, an inline completion or a recalled line in the command bar, a store that refuses the
// undo's write, and a MERGE that replaced the value an undo would take back.
#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "fulldiskvfs.h"
#include "guiapp.h"
#include "guidriver.h"
#include "guihost.h"
#include "mainwindow.h"
#include "undoactions.h"
#include "workspaceactions.h"

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace syncscope;

class TestGuiUndo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void stepsOutliveAStoreAddedOrRemoved();
    void firstCtrlZDismissesTheCompletion();
    void ctrlZTakesBackARecalledLine();
    void anUndoAStoreRefusesIsNotReportedWritten();
    void aRepeatedLineRefusedLeavesTheStoredStep();
    void stepsOfAStoreEditedToAnotherDatabaseAreDropped();
    void undoOverAMergedValueAsksFirst();

private:
    std::vector<StoreSpec> stores(const QString& prefix, const QStringList& names) const;
    QTemporaryDir dir_;
};

namespace {

QString undoText(GuiApp& app) {
    return app.undo()->undoAction()->text();
}

// Answers the next message box with the button whose text contains `button`; `asked` gets its
// text (empty: none came).
void answerNextBox(const QString& button, QString* asked) {
    QTimer::singleShot(100, [button, asked] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        *asked = box->text() + QLatin1Char('\n') + box->informativeText();
        for (QAbstractButton* b : box->buttons())
            if (b->text().contains(button))
                b->click();
    });
}

} // namespace

void TestGuiUndo::initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY(lab::FullDisk::install()); // before any store opens
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeUndoTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
}

std::vector<StoreSpec> TestGuiUndo::stores(const QString& prefix, const QStringList& names) const {
    return lab::sqliteStores(dir_, prefix, names);
}

// Adding or removing a store rebuilds the window; the steps go with it, less those of a store
// no longer there (they wiped the whole list before).
void TestGuiUndo::stepsOutliveAStoreAddedOrRemoved() {
    GuiHost host;
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.open(stores(QStringLiteral("keep"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
              QStringLiteral("keep"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    lab::typeLine(*host.app(), QStringLiteral("SQL.SET((S1,C1),A)"));
    QTRY_COMPARE(undoText(*host.app()), QStringLiteral("&Undo: SQL.DELETE(S1,C1)"));
    lab::typeLine(*host.app(), QStringLiteral("HIVE.SET((S1,C1),B)"));
    QTRY_COMPARE(undoText(*host.app()), QStringLiteral("&Undo: HIVE.DELETE(S1,C1)"));

    host.app()->workspace()->addStore(
        {"REDIS", {}, "sqlite://" + dir_.filePath(QStringLiteral("keep-REDIS.db")).toStdString()});
    QTRY_COMPARE(changed.size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    QCOMPARE(undoText(*host.app()), QStringLiteral("&Undo: HIVE.DELETE(S1,C1)"));

    host.app()->workspace()->removeStore(1); // HIVE: its step goes, SQL's stays
    QTRY_COMPARE(changed.size(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    QCOMPARE(undoText(*host.app()), QStringLiteral("&Undo: SQL.DELETE(S1,C1)"));
    QTRY_COMPARE(lab::panelGrade(*host.app(), 0, "S1", "C1"), QStringLiteral("A"));
    host.app()->undo()->undoAction()->trigger();
    QTRY_COMPARE(lab::panelGrade(*host.app(), 0, "S1", "C1"), QStringLiteral("<none>"));
    QVERIFY(!host.app()->undo()->undoAction()->isEnabled());
    QCOMPARE(host.app()->undo()->redoAction()->text(), QStringLiteral("&Redo: SQL.SET((S1,C1),A)"));
}

// "SQ" completes inline to "SQL.SET((": the first Ctrl+Z takes the completion away, the next
// ones the keystrokes, and only then does Ctrl+Z reach the stores' Undo.
void TestGuiUndo::firstCtrlZDismissesTheCompletion() {
    GuiApp app(stores(QStringLiteral("complete"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("complete"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    lab::typeLine(app, QStringLiteral("SQL.SET((S2,C1),A)"));
    QTRY_COMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S2,C1)"));
    QTRY_COMPARE(lab::panelGrade(app, 0, "S2", "C1"), QStringLiteral("A"));

    QLineEdit* edit = app.commandBar()->lineEdit();
    app.window()->activateWindow();
    edit->setFocus();
    QTest::keyClicks(edit, QStringLiteral("SQ"));
    QCOMPARE(edit->text(), QStringLiteral("SQL.SET(("));
    QCOMPARE(edit->selectedText(), QStringLiteral("L.SET(("));
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(edit->text(), QStringLiteral("SQ"));
    QCOMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S2,C1)")); // no store touched
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(edit->text(), QStringLiteral("S"));
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(edit->text(), QStringLiteral("SQ")); // and forth again
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(edit->text(), QString());
    QCOMPARE(lab::panelGrade(app, 0, "S2", "C1"), QStringLiteral("A"));
    // Back where it started: now Ctrl+Z is the stores' Undo.
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(lab::panelGrade(app, 0, "S2", "C1"), QStringLiteral("<none>"));
}

// Up recalls a line; Ctrl+Z then takes the recall back, not the store's last write.
void TestGuiUndo::ctrlZTakesBackARecalledLine() {
    GuiApp app(stores(QStringLiteral("recall"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("recall"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    lab::typeLine(app, QStringLiteral("HIVE.SET((S3,C1),B)"));
    QTRY_COMPARE(undoText(app), QStringLiteral("&Undo: HIVE.DELETE(S3,C1)"));
    QTRY_COMPARE(lab::panelGrade(app, 1, "S3", "C1"), QStringLiteral("B"));

    QLineEdit* edit = app.commandBar()->lineEdit();
    app.window()->activateWindow();
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_Up);
    QCOMPARE(edit->text(), QStringLiteral("HIVE.SET((S3,C1),B)"));
    QTest::keyClicks(edit, QStringLiteral("X")); // edited a little
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(edit->text(), QStringLiteral("HIVE.SET((S3,C1),B)"));
    QTest::keyClick(edit, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(edit->text(), QString());
    QTest::qWait(200);
    QCOMPARE(lab::panelGrade(app, 1, "S3", "C1"), QStringLiteral("B"));
    QCOMPARE(undoText(app), QStringLiteral("&Undo: HIVE.DELETE(S3,C1)"));
}

// The store's disk is full when the undo's write reaches it: the console says the store refused
// it, and never "written at ts N" after the refusal; the step stays to be tried again.
void TestGuiUndo::anUndoAStoreRefusesIsNotReportedWritten() {
    GuiApp app(stores(QStringLiteral("full"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("full"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    lab::typeLine(app, QStringLiteral("SQL.SET((S4,C1),A)"));
    QTRY_COMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S4,C1)"));
    QTRY_COMPARE(lab::panelGrade(app, 0, "S4", "C1"), QStringLiteral("A"));
    const qsizetype before = app.console()->toPlainText().size();

    lab::FullDisk::setBudget(0);
    // The disk has room again however this test ends: the next tests write.
    const std::unique_ptr<void, void (*)(void*)> roomAgain(
        this, [](void*) { lab::FullDisk::setBudget(-1); });
    app.undo()->undoAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(
        app.console()->toPlainText().mid(before).contains(QStringLiteral("NOT written")), 10000);
    const QString after = app.console()->toPlainText().mid(before);
    QVERIFY2(after.contains(QStringLiteral("> SQL.DELETE(S4,C1)")), qPrintable(after));
    QVERIFY2(!after.contains(QStringLiteral("written at ts")), qPrintable(after));
    QVERIFY2(after.contains(QStringLiteral("SQL refused it")), qPrintable(after));
    // Not undone: the step is still there to try again, and nothing to redo.
    QTRY_COMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S4,C1)"));
    QVERIFY(!app.undo()->redoAction()->isEnabled());
}

// The same SET typed twice, the second refused (the disk is full): the first, stored, stays
// Undo's step. The refusal was matched by the line's text and moved the stored step to Redo.
void TestGuiUndo::aRepeatedLineRefusedLeavesTheStoredStep() {
    GuiApp app(stores(QStringLiteral("twice"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("twice"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    lab::typeLine(app, QStringLiteral("SQL.SET((S6,C1),A)"));
    QTRY_COMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S6,C1)"));
    QTRY_COMPARE(lab::panelGrade(app, 0, "S6", "C1"), QStringLiteral("A"));
    const qsizetype before = app.console()->toPlainText().size();

    lab::FullDisk::setBudget(0);
    const std::unique_ptr<void, void (*)(void*)> roomAgain(
        this, [](void*) { lab::FullDisk::setBudget(-1); });
    lab::typeLine(app, QStringLiteral("SQL.SET((S6,C1),A)"));
    QTRY_VERIFY_WITH_TIMEOUT(
        app.console()->toPlainText().mid(before).contains(QStringLiteral("NOT written")), 10000);
    QTest::qWait(100);
    QCOMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S6,C1)"));
    QVERIFY(!app.undo()->redoAction()->isEnabled());
}

// Store > Edit points HIVE at another database: its steps would write the old database's values
// into the new one, so they go, and the console and status bar say so; SQL's stay.
void TestGuiUndo::stepsOfAStoreEditedToAnotherDatabaseAreDropped() {
    GuiHost host;
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.open(stores(QStringLiteral("edit"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
              QStringLiteral("edit"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    lab::typeLine(*host.app(), QStringLiteral("SQL.SET((S7,C1),A)"));
    QTRY_COMPARE(undoText(*host.app()), QStringLiteral("&Undo: SQL.DELETE(S7,C1)"));
    lab::typeLine(*host.app(), QStringLiteral("HIVE.SET((S7,C1),B)"));
    QTRY_COMPARE(undoText(*host.app()), QStringLiteral("&Undo: HIVE.DELETE(S7,C1)"));

    host.app()->workspace()->replaceStore(
        1,
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("edit-other.db")).toStdString()});
    QTRY_COMPARE(changed.size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    QCOMPARE(undoText(*host.app()), QStringLiteral("&Undo: SQL.DELETE(S7,C1)"));
    const QString console = host.app()->console()->toPlainText();
    QVERIFY2(console.contains(QStringLiteral("Undo and Redo forget the typed writes of HIVE")),
             qPrintable(console));
    host.app()->undo()->undoAction()->trigger();
    QTRY_COMPARE(lab::panelGrade(*host.app(), 0, "S7", "C1"), QStringLiteral("<none>"));
    QVERIFY(!host.app()->undo()->undoAction()->isEnabled());

    // Edited back to where it was: nothing of HIVE comes back (the steps are gone), and an
    // edit that keeps the database keeps the steps.
    lab::typeLine(*host.app(), QStringLiteral("HIVE.SET((S8,C1),C)"));
    QTRY_COMPARE(undoText(*host.app()), QStringLiteral("&Undo: HIVE.DELETE(S8,C1)"));
    host.app()->workspace()->replaceStore(
        1, {"HIVE",
            {"HV"},
            "sqlite://" + dir_.filePath(QStringLiteral("edit-other.db")).toStdString()});
    QTRY_COMPARE(changed.size(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    QCOMPARE(undoText(*host.app()), QStringLiteral("&Undo: HIVE.DELETE(S8,C1)"));
}

// A MERGE replaced the value the typed write left: Undo names the key and the value it would
// replace, and writes only when told to.
void TestGuiUndo::undoOverAMergedValueAsksFirst() {
    GuiApp app(stores(QStringLiteral("merged"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("merged"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    lab::typeLine(app, QStringLiteral("500, HIVE.SET((S5,C1),Z)"));
    lab::typeLine(app, QStringLiteral("400, SQL.SET((S5,C1),A)"));
    QTRY_COMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S5,C1)"));
    lab::typeLine(app, QStringLiteral("SQL.MERGE(HIVE)"));
    QTRY_COMPARE(lab::panelGrade(app, 0, "S5", "C1"), QStringLiteral("Z"));

    QString asked;
    answerNextBox(QStringLiteral("Cancel"), &asked);
    app.undo()->undoAction()->trigger();
    QVERIFY2(asked.contains(QStringLiteral("SQL (S5,C1)")) && asked.contains(QStringLiteral("Z")),
             qPrintable(asked));
    QVERIFY(asked.contains(QStringLiteral("will be replaced")));
    QTest::qWait(200);
    QCOMPARE(lab::panelGrade(app, 0, "S5", "C1"), QStringLiteral("Z"));
    QCOMPARE(undoText(app), QStringLiteral("&Undo: SQL.DELETE(S5,C1)"));

    asked.clear();
    answerNextBox(QStringLiteral("Replace"), &asked);
    app.undo()->undoAction()->trigger();
    QVERIFY(!asked.isEmpty());
    QTRY_COMPARE(lab::panelGrade(app, 0, "S5", "C1"), QStringLiteral("<none>"));
}

QTEST_MAIN(TestGuiUndo)
#include "tst_guiundo.moc"

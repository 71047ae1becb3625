// The desktop program driven like a user: commands typed in the command bar reach the stores
// through their workers, and the panels and console show the result; a bad line runs nothing.
#include "auditlog.h"
#include "auditview.h"
#include "clockskewpanel.h"
#include "commandbar.h"
#include "commandform.h"
#include "commandsession.h"
#include "conflictactions.h"
#include "conflictmodel.h"
#include "conflictview.h"
#include "consoleview.h"
#include "dataactions.h"
#include "divergenceplot.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "guidriver.h"
#include "guihost.h"
#include "historyplots.h"
#include "labactions.h"
#include "mainwindow.h"
#include "manualdecisionmodel.h"
#include "mergeactions.h"
#include "mergedialog.h"
#include "mergepreviewmodel.h"
#include "mergerunner.h"
#include "oplogmodel.h"
#include "propertylabdialog.h"
#include "propertylabmodels.h"
#include "storedialog.h"
#include "storepanel.h"
#include "timelineplot.h"
#include "undoactions.h"
#include "workspaceactions.h"
#include "workspacefile.h"
#include "workspacesession.h"

#include "scriptactions.h"
#include "scriptpanel.h"
#include "scriptrunner.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCompleter>
#include <QDialog>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <map>

using namespace syncscope;

class TestGuiApp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandsTypedInTheBarReachTheStores();
    void scriptOpenedThroughTheDialogRunsLikeTheCli();
    void scriptWithErrorsCannotRun();
    void csvImportsIntoTheChosenStores();
    void linesRunTogetherAreAnsweredInOrder();
    void startLinesAndScriptRunInCommandLineOrder();
    void typedWritesAreUndoneAndRedoneAsNewWrites();
    void aLineTypedAfterAStepContinuesAfterTheScriptsTimestamps();
    void workspaceSavedOpenedAndEdited();
    void conflictsExplainAndFollowTheStores();
    void clockSkewShowsWhichWinnersFlip();
    void propertyLabRunsEveryOrderOnTheStoresHistory();
    void mergeResolvedByHandIsAppliedAndAudited();
    void canceledMergeCompletesWithoutDuplicates();
    void copyingAStoreIntoOthersKeepsTheNewerWrites();
    void noTwoActionsShareAShortcut();
    void helpTeachesTheLanguage();

private:
    void type(const QString& line);
    QString cell(int store, const char* sid, const char* cid, int column);
    QTemporaryDir dir_;
    std::unique_ptr<GuiApp> app_;
};

void TestGuiApp::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    std::vector<StoreSpec> stores;
    for (const char* name : {"SQL", "HIVE", "MONGO"})
        stores.push_back(
            {name,
             {},
             "sqlite://" +
                 dir_.filePath(QString::fromLatin1(name) + QStringLiteral(".db")).toStdString()});
    stores[0].aliases = {"MYSQL"};
    app_ = std::make_unique<GuiApp>(stores, QStringLiteral("test"));
    app_->start();
    QVERIFY(QTest::qWaitForWindowExposed(app_->window()));
    QTRY_VERIFY_WITH_TIMEOUT(app_->commands()->isReady(), 20000);
    QVERIFY(app_->commandBar()->lineEdit()->isEnabled());
}

void TestGuiApp::type(const QString& line) {
    lab::typeLine(*app_, line);
}

QString TestGuiApp::cell(int store, const char* sid, const char* cid, int column) {
    GradeTableModel* grades = app_->session()->grades(store);
    const int row = grades->rowOf(sid, cid);
    return row < 0 ? QStringLiteral("<none>") : grades->index(row, column).data().toString();
}

void TestGuiApp::commandsTypedInTheBarReachTheStores() {
    type(QStringLiteral("SQL.SET((SID1033,CSE016),A)"));
    QTRY_COMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("A"));
    QCOMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Timestamp), QStringLiteral("1"));
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), 1);
    QCOMPARE(app_->session()->oplog(0)->index(0, OplogModel::Op).data().toString(),
             QStringLiteral("SET"));
    QVERIFY(app_->commandBar()->lineEdit()->text().isEmpty()); // accepted: cleared

    type(QStringLiteral("5, mysql.GET(SID1033,CSE016)"));
    QTRY_VERIFY(
        app_->console()->toPlainText().contains(QStringLiteral("5, SQL.GET(SID1033,CSE016) = A")));
    QTableView* view = app_->window()->storePanels()[0]->gradeView();
    QCOMPARE(view->selectionModel()->selectedRows().value(0).row(),
             app_->session()->grades(0)->rowOf("SID1033", "CSE016"));

    // The GET is logged too, once its batch is committed.
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), 2);
    QCOMPARE(app_->session()->oplog(0)->index(1, OplogModel::Op).data().toString(),
             QStringLiteral("GET"));

    // A bad line: the error at its column, nothing runs, the text stays for fixing.
    const int oplogRows = app_->session()->oplog(0)->rowCount();
    type(QStringLiteral("SQL.SET((SID1033 CSE016),B)"));
    QCOMPARE(app_->commandBar()->errorText(),
             QStringLiteral("column 18: expected ',' after student id"));
    QCOMPARE(app_->commandBar()->lineEdit()->text(), QStringLiteral("SQL.SET((SID1033 CSE016),B)"));
    type(QStringLiteral("REDIS.GET(a,b)"));
    QVERIFY(app_->commandBar()->errorText().contains(QStringLiteral("unknown store 'REDIS'")));
    QTest::qWait(100);
    QCOMPARE(app_->session()->oplog(0)->rowCount(), oplogRows);

    // Merges and deletes travel like in syncscope-cli; timestamps continue the session's clock.
    type(QStringLiteral("HIVE.SET((SID1033,CSE016),B)")); // ts 6
    type(QStringLiteral("SQL.MERGE(HIVE)"));
    QTRY_COMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("B"));
    QCOMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Origin), QStringLiteral("HIVE"));
    type(QStringLiteral("MONGO.DELETE(SID1033,CSE016)")); // ts 7
    type(QStringLiteral("FULL_SYNC"));
    QTRY_COMPARE(cell(0, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("<none>"));
    QTRY_COMPARE(cell(1, "SID1033", "CSE016", GradeTableModel::Grade), QStringLiteral("<none>"));
    QTRY_COMPARE(app_->session()->oplog(1)->rowCount(), 2); // HIVE: its SET, then the delete

    // Form mode: fields and buttons make the same lines (the grade quoted when it must be).
    QTest::mouseClick(app_->commandBar()->findChild<QToolButton*>(QStringLiteral("form-toggle")),
                      Qt::LeftButton);
    CommandForm* form = app_->commandBar()->form();
    QVERIFY(form->isVisible());
    form->storeBox()->setCurrentText(QStringLiteral("HIVE"));
    QTest::keyClicks(form->studentEdit(), QStringLiteral("SID 2000")); // the space cannot be typed
    QTest::keyClicks(form->courseEdit(), QStringLiteral("CSE001"));
    QTest::keyClicks(form->gradeEdit(), QStringLiteral("A, then B"));
    QCOMPARE(form->lineFor(QStringLiteral("SET")),
             QStringLiteral("HIVE.SET((SID2000,CSE001),\"A, then B\")"));
    QTest::mouseClick(form->findChild<QPushButton*>(QStringLiteral("form-set")), Qt::LeftButton);
    QTRY_COMPARE(cell(1, "SID2000", "CSE001", GradeTableModel::Grade), QStringLiteral("A, then B"));
    QTest::mouseClick(form->findChild<QPushButton*>(QStringLiteral("form-get")), Qt::LeftButton);
    QTRY_VERIFY(app_->console()->toPlainText().contains(
        QStringLiteral("HIVE.GET(SID2000,CSE001) = A, then B")));

    // The form's fields complete from the store's table too: students, then their courses.
    form->studentEdit()->clear();
    QTest::keyClicks(form->studentEdit(), QStringLiteral("SID20"));
    QCOMPARE(form->studentCompleter()->model()->rowCount(), 1);
    QCOMPARE(form->studentCompleter()->model()->index(0, 0).data().toString(),
             QStringLiteral("SID2000"));
    form->studentEdit()->setText(QStringLiteral("SID2000"));
    form->courseEdit()->clear();
    QTest::keyClicks(form->courseEdit(), QStringLiteral("C"));
    QCOMPARE(form->courseCompleter()->model()->rowCount(), 1);
    QCOMPARE(form->courseCompleter()->model()->index(0, 0).data().toString(),
             QStringLiteral("CSE001"));
    form->storeBox()->setCurrentText(QStringLiteral("SQL")); // SQL has no SID2000
    form->courseEdit()->clear();
    QTest::keyClicks(form->courseEdit(), QStringLiteral("C"));
    QCOMPARE(form->courseCompleter()->model()->rowCount(), 0);

    // Keys complete from the store's table: "HIVE.GET(SID20" offers HIVE's keys from SID20 on.
    QLineEdit* edit = app_->commandBar()->lineEdit();
    edit->clear();
    QTest::keyClicks(edit, QStringLiteral("HIVE.GET(SID20"));
    QCompleter* keys = nullptr;
    for (QCompleter* c : app_->commandBar()->findChildren<QCompleter*>())
        if (c->completionMode() == QCompleter::UnfilteredPopupCompletion)
            keys = c;
    QVERIFY(keys);
    QCOMPARE(keys->model()->rowCount(), 1);
    QCOMPARE(keys->model()->index(0, 0).data().toString(),
             QStringLiteral("HIVE.GET(SID2000,CSE001)"));
    edit->clear();
    // Through an alias, in any case.
    type(QStringLiteral("SQL.SET((SID3000,CSE001),A)"));
    QTRY_COMPARE(cell(0, "SID3000", "CSE001", GradeTableModel::Grade), QStringLiteral("A"));
    QTest::keyClicks(edit, QStringLiteral("mysql.set((SID30"));
    QCOMPARE(keys->model()->rowCount(), 1);
    QCOMPARE(keys->model()->index(0, 0).data().toString(),
             QStringLiteral("mysql.set((SID3000,CSE001),"));
    edit->clear();

    // Up walks back through the history.
    QTest::keyClick(app_->commandBar()->lineEdit(), Qt::Key_Up);
    QCOMPARE(app_->commandBar()->lineEdit()->text(), QStringLiteral("SQL.SET((SID3000,CSE001),A)"));
}

namespace {

const char* const kScript = "# stepped in the GUI, run by syncscope-cli: same result\n"
                            "1, HIVE.SET((SID1033,CSE016),A)\n"
                            "2, MYSQL.SET((SID1033,CSE016),B)\n"
                            "MONGO.SET((SID1034,CSE016),C)\n"
                            "HIVE.GET(SID1033,CSE016)\n"
                            "HIVE.MERGE(SQL)\n"
                            "SQL.MERGE(MONGO)\n"
                            "5, MONGO.DELETE(SID1034,CSE016)\n"
                            "SQL.SET((SID1035,CSE001),\"B+ (late)\")\n"
                            "FULL_SYNC(SQL, HIVE)\n"
                            "HIVE.GET(SID1034,CSE016)\n";

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
}

// The --dump rows of a GUI's stores, read from its grade table models.
QString dumpOf(GuiApp& app) {
    QStringList rows;
    for (int s = 0; s < app.session()->storeCount(); ++s) {
        GradeTableModel* g = app.session()->grades(s);
        for (int r = 0; r < g->rowCount(); ++r) {
            QStringList fields{app.session()->description(s).name};
            for (int c : {GradeTableModel::Student, GradeTableModel::Course, GradeTableModel::Grade,
                          GradeTableModel::Timestamp}) {
                QString v = g->index(r, c).data().toString();
                if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')))
                    v = QLatin1Char('"') + v.replace(QStringLiteral("\""), QStringLiteral("\"\"")) +
                        QLatin1Char('"');
                fields << v;
            }
            rows << fields.join(QLatin1Char(','));
        }
    }
    rows.sort();
    return QStringLiteral("store,student_id,course_id,grade,ts\n") + rows.join(QLatin1Char('\n')) +
           QLatin1Char('\n');
}

std::vector<StoreSpec> threeStores(const QTemporaryDir& dir, bool inMemory) {
    std::vector<StoreSpec> stores;
    for (const char* name : {"SQL", "HIVE", "MONGO"})
        stores.push_back({name,
                          {},
                          inMemory ? std::string("sqlite::memory:")
                                   : "sqlite://" + dir.filePath(QString::fromLatin1(name) +
                                                                QStringLiteral(".db"))
                                                       .toStdString()});
    stores[0].aliases = {"MYSQL"};
    return stores;
}

QAction* actionNamed(QWidget* window, const QString& text) {
    for (QAction* a : window->findChildren<QAction*>())
        if (a->text() == text)
            return a;
    qFatal("no action '%s' in the window", qPrintable(text));
}

} // namespace

void TestGuiApp::scriptOpenedThroughTheDialogRunsLikeTheCli() {
    QTemporaryDir dir;
    const QString script = writeFile(dir, QStringLiteral("t.in"), kScript);
    GuiApp app(threeStores(dir, false), QStringLiteral("script test"));
    app.start();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);

    // File ▸ Open Script… through the (non-native) dialog, driven like a user would.
    qputenv("SYNCSCOPE_NON_NATIVE_DIALOGS", "1");
    // The dialog runs its own event loop: a timer finds it among the top-level widgets.
    auto* driver = new QTimer(this);
    connect(driver, &QTimer::timeout, this, [script, driver] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* dialog = qobject_cast<QFileDialog*>(w);
            if (dialog && dialog->isVisible()) {
                driver->stop();
                // Typed into the file name field, as a user would (selectFile() waits for the
                // dialog's directory model, which loads asynchronously).
                auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
                QVERIFY(name);
                name->setText(script);
                QMetaObject::invokeMethod(dialog, "accept"); // protected: as the OK button does
                return;
            }
        }
    });
    driver->start(50);
    QSignalSpy opened(app.scripts(), &ScriptActions::opened);
    actionNamed(app.window(), QStringLiteral("&Open Script…"))->trigger();
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(opened.at(0).at(0).toBool());
    QCOMPARE(app.scriptRunner()->total(), 10);
    QCOMPARE(app.scriptPanel()->view()->currentLine(), 2);

    // Step twice (F10), then Run (F5) to the end.
    QAction* step = actionNamed(app.window(), QStringLiteral("&Step"));
    step->trigger();
    QTRY_COMPARE(app.scriptRunner()->done(), 1);
    step->trigger();
    QTRY_COMPARE(app.scriptRunner()->done(), 2);
    QCOMPARE(app.scriptPanel()->view()->currentLine(), 4);
    actionNamed(app.window(), QStringLiteral("&Run"))->trigger();
    QTRY_COMPARE(app.scriptRunner()->done(), 10);
    QVERIFY(!step->isEnabled());
    QTRY_VERIFY(
        app.console()->toPlainText().contains(QStringLiteral("7, HIVE.GET(SID1034,CSE016) = C")));

    // Every panel ends as syncscope-cli run --dump reports for the same file.
    QProcess cli;
    const QString ws =
        writeFile(dir, QStringLiteral("ws.json"),
                  R"({"stores":[{"name":"SQL","aliases":["MYSQL"],"uri":"sqlite::memory:"},
                                    {"name":"HIVE","uri":"sqlite::memory:"},{"name":"MONGO","uri":"sqlite::memory:"}]})");
    cli.start(QStringLiteral(SYNCSCOPE_CLI),
              {QStringLiteral("run"), script, QStringLiteral("--workspace"), ws,
               QStringLiteral("--dump")});
    QVERIFY(cli.waitForFinished(30000));
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    const QString expected = out.mid(out.indexOf(QStringLiteral("store,student_id")));
    QTRY_COMPARE(dumpOf(app), expected);

    // File > Export Oplogs writes what syncscope-cli --oplog-dir writes for the same file.
    QSignalSpy exported(app.data(), &DataActions::oplogsExported);
    app.data()->exportOplogs(dir.filePath(QStringLiteral("gui-oplogs")));
    QTRY_COMPARE(exported.size(), 1);
    QVERIFY(exported[0][1].toBool());
    QProcess cliExport;
    cliExport.start(QStringLiteral(SYNCSCOPE_CLI),
                    {QStringLiteral("run"), script, QStringLiteral("--workspace"), ws,
                     QStringLiteral("--oplog-dir"), dir.filePath(QStringLiteral("cli-oplogs"))});
    QVERIFY(cliExport.waitForFinished(30000));
    for (const char* name : {"oplog.sql.txt", "oplog.hive.txt", "oplog.mongo.txt"}) {
        QFile gui(dir.filePath(QStringLiteral("gui-oplogs/") + QLatin1String(name)));
        QFile cliFile(dir.filePath(QStringLiteral("cli-oplogs/") + QLatin1String(name)));
        QVERIFY(gui.open(QIODevice::ReadOnly) && cliFile.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(gui.readAll()), QString::fromUtf8(cliFile.readAll()));
    }

    // Reset: every store back to where the script began (empty here), the script to its start.
    QAction* reset = actionNamed(app.window(), QStringLiteral("R&eset"));
    QTRY_VERIFY(reset->isEnabled());
    reset->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady() && app.scriptRunner()->canReset(), 20000);
    QCOMPARE(app.scriptRunner()->done(), 0);
    QTRY_COMPARE(dumpOf(app), QStringLiteral("store,student_id,course_id,grade,ts\n\n"));
    QTRY_COMPARE(app.session()->oplog(0)->rowCount(), 0);
    QVERIFY(app.commandBar()->lineEdit()->isEnabled());
    // And it runs again to the same end.
    actionNamed(app.window(), QStringLiteral("&Run"))->trigger();
    QTRY_COMPARE(app.scriptRunner()->done(), 10);
    QTRY_COMPARE(dumpOf(app), expected);
}

void TestGuiApp::scriptWithErrorsCannotRun() {
    QTemporaryDir dir;
    const QString script = writeFile(dir, QStringLiteral("bad.in"),
                                     "1, SQL.SET((a,b),A)\nSQL.SET((a b),A)\nREDIS.GET(a,b)\n");
    QSignalSpy opened(app_->scripts(), &ScriptActions::opened);
    app_->scripts()->open(script);
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(!opened.at(0).at(0).toBool());
    const QList<ScriptView::Mark> marks = app_->scriptPanel()->view()->errors();
    QCOMPARE(marks.size(), 2);
    QCOMPARE(marks[0].line, 2);
    QCOMPARE(marks[0].message, QStringLiteral("expected ',' after student id"));
    QCOMPARE(marks[1].line, 3);
    QVERIFY(marks[1].message.startsWith(QStringLiteral("unknown store 'REDIS'")));
    QVERIFY(app_->scriptPanel()->statusText().contains(QStringLiteral("2 errors")));
    QVERIFY(!actionNamed(app_->window(), QStringLiteral("&Run"))->isEnabled());
    const int before = app_->session()->oplog(0)->rowCount();
    app_->scripts()->step();
    app_->scripts()->run();
    QTest::qWait(100);
    QCOMPARE(app_->session()->oplog(0)->rowCount(), before);
    QVERIFY(app_->console()->toPlainText().contains(
        QStringLiteral("bad.in:2:12: expected ',' after student id")));
    // Each error is written on its line in the view, not only in a tooltip.
    QCOMPARE(app_->scriptPanel()->view()->inlineMessage(2),
             QStringLiteral("◀ col 12: expected ',' after student id"));
    QVERIFY(app_->scriptPanel()->view()->inlineMessage(1).isEmpty());

    // A binary file is refused whole, and the script that was open stays.
    const QString binary = writeFile(dir, QStringLiteral("picture.in"),
                                     QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    app_->scripts()->open(binary);
    QTRY_COMPARE(opened.count(), 2);
    QVERIFY(!opened.at(1).at(0).toBool());
    QVERIFY(app_->console()->toPlainText().contains(QStringLiteral("not a text file")));
    QCOMPARE(app_->scriptPanel()->view()->errors().size(), 2); // bad.in is still shown
}

void TestGuiApp::csvImportsIntoTheChosenStores() {
    QTemporaryDir dir;
    const QString bad =
        writeFile(dir, QStringLiteral("bad.csv"), "student-ID,course-id,grade\nSID9,CSE9\n");
    QSignalSpy imported(app_->data(), &DataActions::dataImported);
    app_->data()->importCsv(bad, {QStringLiteral("SQL")});
    QTRY_COMPARE(imported.size(), 1);
    QCOMPARE(imported[0][2].toString(),
             QStringLiteral("bad.csv:2:1: row has 2 fields, the header has 3"));

    const QString csv = writeFile(dir, QStringLiteral("g.csv"),
                                  "student-ID,course-id,roll no,email ID,grade\n"
                                  "SID7001,CSE001,1,a@example.edu,A\n"
                                  "SID7002,CSE002,2,b@example.edu,B\n");
    const int mongoRows = app_->session()->grades(2)->rowCount();
    app_->data()->importCsv(csv, {QStringLiteral("SQL"), QStringLiteral("HIVE")});
    QTRY_COMPARE(imported.size(), 2);
    QCOMPARE(imported[1][0].toInt(), 2);
    QVERIFY(!imported[1][1].toBool());
    QTRY_COMPARE(cell(0, "SID7002", "CSE002", GradeTableModel::Grade), QStringLiteral("B"));
    QTRY_COMPARE(cell(1, "SID7001", "CSE001", GradeTableModel::Origin), QStringLiteral("CSV"));
    QCOMPARE(cell(1, "SID7001", "CSE001", GradeTableModel::Timestamp), QStringLiteral("0"));
    QCOMPARE(app_->session()->grades(2)->rowCount(), mongoRows); // MONGO was not chosen

    // Data > Generate Sample Data: students x courses into the chosen store. The progress
    // dialog says how far, how fast and how long is left. Read as the import finishes: this
    // slot runs before DataActions closes the dialog (connected first) and after the last
    // step set its label. A queued read could come after the dialog's deferred delete.
    QStringList labels;
    QObject context;
    connect(app_->commands(), &CommandSession::importFinished, &context, [this, &labels] {
        for (const QProgressDialog* d : app_->window()->findChildren<QProgressDialog*>())
            labels << d->labelText();
    });
    app_->data()->importSample(3, 2, {QStringLiteral("MONGO")});
    QTRY_COMPARE(imported.size(), 3);
    QVERIFY(!labels.isEmpty());
    QVERIFY2(labels.last().startsWith(QStringLiteral("6 of 6 rows imported, ")) &&
                 labels.last().contains(QStringLiteral(" per second, ")) &&
                 labels.last().endsWith(QStringLiteral(" left")),
             qPrintable(labels.join(QLatin1Char('|'))));
    QCOMPARE(imported[2][0].toInt(), 6);
    QTRY_COMPARE(app_->session()->grades(2)->rowCount(), mongoRows + 6);
    QVERIFY(cell(2, "SID1002", "CSE002", GradeTableModel::Grade) != QStringLiteral("<none>"));
}

// `syncscope -e A -e B …` and any caller of runLines: each answer comes under its own line, as
// when typed one at a time. Before, every echo came first and the answers after them all.
void TestGuiApp::linesRunTogetherAreAnsweredInOrder() {
    const QStringList lines{
        QStringLiteral("SQL.SET((SIDORDER,CSE1),A)"), QStringLiteral("SQL.GET(SIDORDER,CSE1)"),
        QStringLiteral("HIVE.MERGE(SQL)"), QStringLiteral("HIVE.GET(SIDORDER,CSE1)")};
    const qsizetype before = app_->console()->toPlainText().size();
    app_->runLines(lines);
    QTRY_VERIFY(app_->console()->toPlainText().mid(before).contains(
        QStringLiteral("HIVE.GET(SIDORDER,CSE1) = A")));
    const QStringList shown =
        app_->console()->toPlainText().mid(before).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    // Every echo is followed by that line's answer before the next echo.
    qsizetype at = 0;
    for (const QString& line : lines) {
        const qsizetype echo = shown.indexOf(QStringLiteral("> ") + line, at);
        QVERIFY2(echo >= at, qPrintable(shown.join(QLatin1Char('|'))));
        QVERIFY2(echo + 1 < shown.size() && !shown[echo + 1].startsWith(QStringLiteral("> ")),
                 qPrintable(shown.join(QLatin1Char('|'))));
        at = echo + 1;
    }

    // A refused line stops the rest, and says how many were not run.
    app_->runLines({QStringLiteral("FOO.GET(S,C)"), QStringLiteral("SQL.GET(S,C)"),
                    QStringLiteral("SQL.GET(S,C)")});
    QTRY_VERIFY(app_->console()->toPlainText().contains(
        QStringLiteral("the 2 lines after it are not run")));
}

// `syncscope -e A -e B --script F --steps 2 -e C`: A, B, F's two steps and C, each answered
// before the next starts. B's answer came after the script's GET: the script opened while the
// lines were still running.
void TestGuiApp::startLinesAndScriptRunInCommandLineOrder() {
    const QString script = dir_.filePath(QStringLiteral("start.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("SQL.SET((SIDSTART,CSE2),B)\nSQL.GET(SIDSTART,CSE2)\n");
    file.close();
    const QStringList lines{QStringLiteral("SQL.SET((SIDSTART,CSE1),A)"),
                            QStringLiteral("SQL.GET(SIDSTART,CSE1)"),
                            QStringLiteral("HIVE.MERGE(SQL)")};
    const StartCommands start = StartCommands::fromArguments(
        {QStringLiteral("syncscope"), QStringLiteral("-e"), lines[0],
         QStringLiteral("--execute=") + lines[1], QStringLiteral("--script"), script,
         QStringLiteral("--steps"), QStringLiteral("2"), QStringLiteral("-e"), lines[2]},
        lines, script, 2);
    QCOMPARE(start.linesBefore, lines.mid(0, 2));
    QCOMPARE(start.linesAfter, lines.mid(2));
    const qsizetype before = app_->console()->toPlainText().size();
    app_->runStartCommands(start);
    QTRY_VERIFY_WITH_TIMEOUT(
        app_->console()->toPlainText().mid(before).contains(QStringLiteral("HIVE.MERGE(SQL): ")),
        10000);
    const QString shown = app_->console()->toPlainText().mid(before);
    const QStringList inOrder{QStringLiteral("> SQL.SET((SIDSTART,CSE1),A)"),
                              QStringLiteral("SQL.GET(SIDSTART,CSE1) = A"),
                              QStringLiteral("SQL.GET(SIDSTART,CSE2) = B"),
                              QStringLiteral("> HIVE.MERGE(SQL)")};
    qsizetype at = 0;
    for (const QString& text : inOrder) {
        const qsizetype found = shown.indexOf(text, at);
        QVERIFY2(found >= at, qPrintable(text + QStringLiteral(" out of order in:\n") + shown));
        at = found + text.size();
    }
    // Lines only, or a script only: all before it.
    QCOMPARE(StartCommands::fromArguments({QStringLiteral("syncscope"), QStringLiteral("-eX")},
                                          {QStringLiteral("X")}, QString(), 0)
                 .linesBefore,
             QStringList{QStringLiteral("X")});
}

// Edit > Undo puts back what the key held before the last typed write, as a new write (the
// oplog keeps both); Redo writes the change again; a write that lost on arrival is not offered.
void TestGuiApp::typedWritesAreUndoneAndRedoneAsNewWrites() {
    QAction* undo = app_->undo()->undoAction();
    QAction* redo = app_->undo()->redoAction();
    type(QStringLiteral("SQL.SET((SIDUNDO,CSE1),A)"));
    QTRY_COMPARE(undo->text(), QStringLiteral("&Undo: SQL.DELETE(SIDUNDO,CSE1)"));
    type(QStringLiteral("SQL.SET((SIDUNDO,CSE1),\"B & C\")"));
    QTRY_COMPARE(undo->text(), QStringLiteral("&Undo: SQL.SET((SIDUNDO,CSE1),A)"));
    QTRY_COMPARE(cell(0, "SIDUNDO", "CSE1", GradeTableModel::Grade), QStringLiteral("B & C"));
    QVERIFY(!redo->isEnabled());
    // The oplog view follows its store a moment after the table: count once it shows the write.
    OplogModel* oplog = app_->session()->oplog(0);
    QTRY_COMPARE(oplog->index(oplog->rowCount() - 1, OplogModel::Value).data().toString(),
                 QStringLiteral("B & C"));
    const int logged = oplog->rowCount();

    // Ctrl+Z in the emptied command bar reaches the window's Undo.
    app_->window()->activateWindow();
    app_->commandBar()->lineEdit()->setFocus();
    QTest::keyClick(app_->commandBar()->lineEdit(), Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(cell(0, "SIDUNDO", "CSE1", GradeTableModel::Grade), QStringLiteral("A"));
    QTRY_COMPARE(app_->session()->oplog(0)->rowCount(), logged + 1); // a new write, logged
    QCOMPARE(redo->text(), QStringLiteral("&Redo: SQL.SET((SIDUNDO,CSE1),\"B && C\")"));
    QCOMPARE(undo->text(), QStringLiteral("&Undo: SQL.DELETE(SIDUNDO,CSE1)"));

    redo->trigger();
    QTRY_COMPARE(cell(0, "SIDUNDO", "CSE1", GradeTableModel::Grade), QStringLiteral("B & C"));
    QCOMPARE(undo->text(), QStringLiteral("&Undo: SQL.SET((SIDUNDO,CSE1),A)"));
    QVERIFY(!redo->isEnabled());

    // Older than what the store holds: it loses on arrival, so there is nothing to undo.
    type(QStringLiteral("1, SQL.SET((SIDUNDO,CSE1),Z)"));
    QTRY_VERIFY(app_->console()->toPlainText().contains(QStringLiteral("superseded on arrival")));
    app_->commands()->whenAnswered([] {});
    QTest::qWait(200);
    QCOMPARE(undo->text(), QStringLiteral("&Undo: SQL.SET((SIDUNDO,CSE1),A)"));
    QCOMPARE(cell(0, "SIDUNDO", "CSE1", GradeTableModel::Grade), QStringLiteral("B & C"));
}

// A script step wrote at ts 5000: a line typed next gets 5001 and wins, never a timestamp under
// the script's (it was superseded on arrival before, and its Undo could never win).
void TestGuiApp::aLineTypedAfterAStepContinuesAfterTheScriptsTimestamps() {
    const QString script = dir_.filePath(QStringLiteral("late.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("5000, SQL.SET((SIDLATE,CSE1),Z)\n");
    file.close();
    QSignalSpy opened(app_->scripts(), &ScriptActions::opened);
    app_->scripts()->open(script);
    QTRY_COMPARE(opened.count(), 1);
    app_->scripts()->step();
    QTRY_COMPARE(cell(0, "SIDLATE", "CSE1", GradeTableModel::Grade), QStringLiteral("Z"));
    type(QStringLiteral("SQL.SET((SIDLATE,CSE1),B)"));
    QTRY_VERIFY(app_->console()->toPlainText().contains(
        QStringLiteral("SQL.SET((SIDLATE,CSE1),B): written at ts 5001")));
    QTRY_COMPARE(cell(0, "SIDLATE", "CSE1", GradeTableModel::Grade), QStringLiteral("B"));
    QTRY_COMPARE(app_->undo()->undoAction()->text(),
                 QStringLiteral("&Undo: SQL.SET((SIDLATE,CSE1),Z)"));
}

void TestGuiApp::workspaceSavedOpenedAndEdited() {
    QTemporaryDir dir;
    GuiHost host;
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.open(threeStores(dir, false), QStringLiteral("three"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    const QString saved = dir.filePath(QStringLiteral("ws.json"));
    QVERIFY(host.app()->workspace()->saveWorkspace(saved).isEmpty());
    const WorkspaceFile back = WorkspaceFile::load(saved);
    QVERIFY(back.error.isEmpty());
    QCOMPARE(back.stores.size(), size_t(3));
    QCOMPARE(back.stores[0].aliases, std::vector<std::string>{"MYSQL"});

    // Store > Add: a new program on four stores; the data of the others is still there.
    host.app()->runLines({QStringLiteral("1, SQL.SET((S,C),A)")});
    QTRY_COMPARE(host.app()->session()->grades(0)->rowCount(), 1);
    host.app()->workspace()->addStore(
        {"REDIS", {}, "sqlite://" + dir.filePath(QStringLiteral("redis.db")).toStdString()});
    QTRY_COMPARE(changed.size(), 2);
    QCOMPARE(host.app()->session()->storeCount(), 4);
    QCOMPARE(host.app()->window()->storePanels().size(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    QTRY_COMPARE(host.app()->session()->grades(0)->rowCount(), 1);
    host.app()->runLines({QStringLiteral("REDIS.MERGE(SQL)")});
    QTRY_COMPARE(host.app()->session()->grades(3)->rowCount(), 1);

    // Store > Remove, then the saved workspace again.
    host.app()->workspace()->removeStore(1);
    QTRY_COMPARE(changed.size(), 3);
    QCOMPARE(host.app()->session()->storeCount(), 3);
    QCOMPARE(host.app()->session()->description(1).name, QStringLiteral("MONGO"));

    // The store dialog refuses what would break the workspace, with the reason.
    StoreDialog dialog({"SQL", {}, "mysql://root@127.0.0.1:3306/db"}, {QStringLiteral("SQL")});
    QVERIFY(dialog.problem().contains(QStringLiteral("already uses the name SQL")));
    StoreDialog unsupported({"OTHER", {}, "cassandra://127.0.0.1:9042/db"}, {});
    QVERIFY(unsupported.problem().contains(QStringLiteral("unknown scheme 'cassandra'")));
    StoreDialog password({"OTHER", {}, "mongodb://u:pw@127.0.0.1:27017/db"}, {});
    QVERIFY(password.problem().contains(QStringLiteral("a password does not belong in a URI")));
    StoreDialog good({"OTHER", {"ALT"}, "sqlite::memory:"}, {QStringLiteral("SQL")});
    QVERIFY(good.problem().isEmpty());
}

// Two concurrent writes show as a concurrent key with its Why; selecting it shows the row in
// the store panels; after FULL_SYNC the key is gone from the grid (the dock follows changes).
void TestGuiApp::conflictsExplainAndFollowTheStores() {
    ConflictActions* conflicts = app_->conflicts();
    ConflictView* view = conflicts->view();
    type(QStringLiteral("1000, SQL.SET((SID5000,CSE005),B)"));
    type(QStringLiteral("1001, HIVE.SET((SID5000,CSE005),A)"));
    conflicts->showConflicts();
    const QString sid = QStringLiteral("SID5000"), cid = QStringLiteral("CSE005");
    QTRY_VERIFY(view->model()->rowOf(sid, cid) >= 0);
    const int row = view->model()->rowOf(sid, cid);
    QCOMPARE(view->model()->index(row, 2).data(ConflictModel::KindRole).toInt(),
             int(ConflictKind::Concurrent));
    QCOMPARE(view->model()->index(row, ConflictModel::kKeyColumns).data().toString(),
             QStringLiteral("B  t=1000"));
    QVERIFY(view->kindButton(ConflictKind::Concurrent)
                ->text()
                .startsWith(QStringLiteral("Concurrent (")));

    // The grid follows the engine; the panels follow the stores' commits, which come after.
    QTRY_VERIFY(app_->session()->grades(0)->rowOf("SID5000", "CSE005") >= 0);
    QTRY_VERIFY(app_->session()->grades(1)->rowOf("SID5000", "CSE005") >= 0);
    app_->window()->storePanels()[0]->gradeView()->clearSelection();
    QVERIFY(view->selectKey(sid, cid));
    QVERIFY2(view->whyText().contains(QStringLiteral("so B is discarded without anyone having "
                                                     "seen it")),
             qPrintable(view->whyText()));
    // The selection shows the key in each store that has it.
    StorePanel* sql = app_->window()->storePanels()[0];
    const int sqlRow = app_->session()->grades(0)->rowOf("SID5000", "CSE005");
    QVERIFY(sqlRow >= 0);
    QCOMPARE(sql->gradeView()->currentIndex().row(), sqlRow);
    QVERIFY(sql->gradeView()->selectionModel()->isRowSelected(sqlRow));

    // Hiding the bucket hides the row; showing it again brings it back.
    view->kindButton(ConflictKind::Concurrent)->click();
    QCOMPARE(view->model()->rowOf(sid, cid), -1);
    view->kindButton(ConflictKind::Concurrent)->click();
    QVERIFY(view->model()->rowOf(sid, cid) >= 0);

    // The History plots tell the same story: both writes on the timeline, SQL's ringed as the
    // one discarded unseen; clicking HIVE's selects the key in the grid.
    conflicts->showPlots();
    TimelinePlot* timeline = conflicts->plots()->timeline();
    QTRY_VERIFY(timeline->snapshot() && timeline->snapshot()->keyRowOf("SID5000", "CSE005") >= 0);
    const TimelineSnapshot* t = timeline->snapshot();
    const auto pointAt = [t](size_t lane, int64_t ts) -> std::optional<size_t> {
        for (size_t i = 0; i < t->points(lane).size(); ++i)
            if (t->points(lane)[i].ts == ts)
                return i;
        return std::nullopt;
    };
    QCOMPARE(t->laneName(0), std::string("SQL"));
    QCOMPARE(t->laneName(1), std::string("HIVE"));
    const std::optional<size_t> sqlWrite = pointAt(0, 1000), hiveWrite = pointAt(1, 1001);
    QVERIFY(sqlWrite && hiveWrite);
    QVERIFY(t->points(0)[*sqlWrite].discarded);
    QVERIFY(!t->points(1)[*hiveWrite].discarded);
    view->grid()->clearSelection();
    view->grid()->setCurrentIndex({});
    QTest::mouseClick(timeline, Qt::LeftButton, {}, timeline->pixelOf(1, *hiveWrite).toPoint());
    QCOMPARE(view->grid()->currentIndex().row(), view->model()->rowOf(sid, cid));

    type(QStringLiteral("FULL_SYNC"));
    QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowOf(sid, cid), -1, 10000);
    QTRY_COMPARE(view->model()->rowCount(), 0); // every store equal after FULL_SYNC
    // …and the divergence chart has fallen to zero for every pair at that command.
    DivergencePlot* chart = conflicts->plots()->divergence();
    QTRY_VERIFY(chart->capture() &&
                chart->capture()->divergence.samples().back().label == "FULL_SYNC");
    for (uint32_t differing : chart->capture()->divergence.samples().back().differing)
        QCOMPARE(differing, 0u);
    const auto& samples = chart->capture()->divergence.samples();
    QVERIFY(samples.size() >= 3);
    QVERIFY(samples[samples.size() - 2].differing[0] > 0); // before it, SQL and HIVE differed
    QCOMPARE(conflicts->plots()->disagreement()->cellValue(0, 1), 0.0);
}

// SQL's clock 5 ahead would have let its older B beat HIVE's A; with the box ticked, what is
// typed for SQL is written 5 later; unticked or at 0, as typed.
void TestGuiApp::clockSkewShowsWhichWinnersFlip() {
    ConflictActions* conflicts = app_->conflicts();
    type(QStringLiteral("3000, SQL.SET((SID7000,CSE007),B)"));
    type(QStringLiteral("3002, HIVE.SET((SID7000,CSE007),A)"));
    conflicts->showConflicts();
    ClockSkewPanel* skew = conflicts->view()->clockSkew();
    QVERIFY(skew->summary().contains(QStringLiteral("Every clock is right")));
    skew->setOffset(0, 5);
    const QString expected = QStringLiteral(
        "(SID7000,CSE007): today HIVE's SET of A (t=3002) wins; with the clocks off, SQL's SET "
        "of B (t=3000, skewed to 3005) would.");
    QTRY_VERIFY(!skew->flipList()->findItems(expected, Qt::MatchExactly).isEmpty());
    QVERIFY2(skew->summary().contains(QStringLiteral("would end with a different winner")),
             qPrintable(skew->summary()));
    // Only 2 ahead: 3002 against HIVE's 3002, and SQL > HIVE breaks the tie.
    skew->setOffset(0, 2);
    QTRY_VERIFY(!skew->flipList()
                     ->findItems(QStringLiteral("(SID7000,CSE007)"), Qt::MatchStartsWith)
                     .isEmpty());
    skew->setOffset(0, 1);
    QTRY_VERIFY(skew->summary().contains(QStringLiteral("compared")));
    QVERIFY(skew->flipList()
                ->findItems(QStringLiteral("(SID7000,CSE007)"), Qt::MatchStartsWith)
                .isEmpty());

    // Typed commands carry the offset while the box is ticked.
    skew->setOffset(0, 5);
    type(QStringLiteral("3010, SQL.SET((SID7001,CSE007),C)"));
    QTRY_COMPARE(cell(0, "SID7001", "CSE007", GradeTableModel::Timestamp), QStringLiteral("3015"));
    type(QStringLiteral("3011, HIVE.SET((SID7001,CSE008),C)")); // other stores: as typed
    QTRY_COMPARE(cell(1, "SID7001", "CSE008", GradeTableModel::Timestamp), QStringLiteral("3011"));
    skew->setApplyToCommands(false);
    type(QStringLiteral("3012, SQL.SET((SID7002,CSE007),C)"));
    QTRY_COMPARE(cell(0, "SID7002", "CSE007", GradeTableModel::Timestamp), QStringLiteral("3012"));
    skew->setApplyToCommands(true);
    skew->setOffset(0, 0);
    QVERIFY(skew->appliedOffsets().empty());
    QVERIFY(app_->commands()->clockOffsets().empty());
    type(QStringLiteral("FULL_SYNC")); // leaves the stores equal for the tests after this one
}

void TestGuiApp::propertyLabRunsEveryOrderOnTheStoresHistory() {
    type(QStringLiteral("4000, SQL.SET((SID8000,CSE008),B)"));
    type(QStringLiteral("4001, HIVE.SET((SID8000,CSE008),A)"));
    QAction* open = nullptr;
    for (QAction* a : app_->window()->findChildren<QAction*>())
        if (a->text() == QStringLiteral("&Property Lab…"))
            open = a;
    QVERIFY(open);
    QCOMPARE(open->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    open->trigger();
    PropertyLabDialog* lab = app_->labs()->dialog();
    QVERIFY(lab && lab->isVisible());
    // Set up with the classic question: SQL.MERGE(HIVE) and HIVE.MERGE(SQL).
    QCOMPARE(lab->steps().size(), size_t(2));
    lab->setStoreChecked(2, false); // MONGO out: the two stores can converge
    QVERIFY(lab->runButton()->isEnabled());
    QTest::mouseClick(lab->runButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(lab->status().startsWith(QStringLiteral("Ran 2 orders")), 10000);
    QVERIFY2(lab->status().contains(QStringLiteral("over 1 key the")), qPrintable(lab->status()));
    LabSummaryModel* summary = lab->summaryModel();
    QCOMPARE(summary->rowCount(), 5);
    QCOMPARE(summary->index(0, 0).data().toString(), QStringLiteral("Last writer wins"));
    for (int c = LabSummaryModel::kPropertyColumn; c < summary->columnCount(); ++c)
        QCOMPARE(summary->index(0, c).data().toString(), QStringLiteral("held"));
    // The first row is shown: one end state, A everywhere.
    LabOutcomeModel* outcomes = lab->outcomeModel();
    QCOMPARE(outcomes->index(0, 0).data().toString(), QStringLiteral("(SID8000,CSE008)"));
    QCOMPARE(outcomes->columnCount(), 3);
    QCOMPARE(outcomes->index(0, 1).data().toString(), QStringLiteral("A"));
    // Source wins: the order decides.
    lab->summaryView()->selectRow(1);
    QCOMPARE(outcomes->columnCount(), 5);
    QVERIFY2(lab->explanation().contains(QStringLiteral(
                 "order-free fails: SQL.MERGE(HIVE), then HIVE.MERGE(SQL) leaves SQL with A")),
             qPrintable(lab->explanation()));
    // The lab ran on copies: the stores are as they were.
    QCOMPARE(cell(0, "SID8000", "CSE008", GradeTableModel::Grade), QStringLiteral("B"));
    QCOMPARE(cell(1, "SID8000", "CSE008", GradeTableModel::Grade), QStringLiteral("A"));
    lab->close();
    type(QStringLiteral("FULL_SYNC"));
}

namespace {
// Runs one statement on an SQLite file behind the program's back.
void runSql(const QString& file, const QString& sql) {
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("behind"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY2(q.exec(sql), qPrintable(sql));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("behind"));
}

std::vector<AuditEntry> auditRows(MergeRunner* runner) {
    QFuture<Result<std::vector<AuditEntry>>> f = runner->readAudit();
    f.waitForFinished();
    return f.result().ok() ? f.result().value() : std::vector<AuditEntry>{};
}
} // namespace

void TestGuiApp::mergeResolvedByHandIsAppliedAndAudited() {
    type(QStringLiteral("2000, SQL.SET((SID6000,CSE006),B)"));
    type(QStringLiteral("2001, HIVE.SET((SID6000,CSE006),A)"));
    type(QStringLiteral("2002, HIVE.SET((SID6001,CSE006),C)"));
    QTRY_COMPARE(cell(1, "SID6001", "CSE006", GradeTableModel::Grade), QStringLiteral("C"));
    MergeActions* merges = app_->merges();
    MergeDialog* dialog = merges->openMergeDialog();
    MergeRequest request;
    request.targets = {0};
    request.sources = {1};
    request.strategy = MergeStrategy::Manual;
    request.priority = {0, 1, 2};
    dialog->setRequest(request, {});

    // The concurrent key waits for a decision; nothing can be applied yet.
    const ManualPickKey key{QStringLiteral("SID6000"), QStringLiteral("CSE006")};
    ManualDecisionModel* decisions = dialog->decisionModel();
    QTRY_VERIFY(decisions->rowOf(key) >= 0);
    QVERIFY(!dialog->applyButton()->isEnabled());
    QCOMPARE(decisions->index(decisions->rowOf(key), ManualDecisionModel::kKeyColumns + 2)
                 .data()
                 .toString(),
             QStringLiteral("needs your decision"));
    // Only that cell is marked, not the note beside it.
    const int waiting = decisions->rowOf(key);
    QVERIFY(decisions->index(waiting, ManualDecisionModel::kKeyColumns + 2)
                .data(ManualDecisionModel::NeedsDecisionRole)
                .toBool());
    QVERIFY(!decisions->index(waiting, ManualDecisionModel::kKeyColumns + 3)
                 .data(ManualDecisionModel::NeedsDecisionRole)
                 .toBool());
    QTRY_VERIFY(dialog->propertiesText().contains(QStringLiteral("✓&nbsp;commutative")));

    ManualPick pick;
    pick.kind = ManualChoice::Kind::TypeValue;
    pick.value = QStringLiteral("A-");
    pick.note = QStringLiteral("agreed with the student");
    dialog->decide(key, pick);
    QTRY_VERIFY(dialog->applyButton()->isEnabled());
    // The preview shows the decision as a new write, and undo/redo take it back and forth.
    MergePreviewModel* preview = dialog->previewModel();
    bool shown = false;
    for (int r = 0; r < preview->rowCount(); ++r)
        shown |= preview->index(r, MergePreviewModel::After)
                     .data()
                     .toString()
                     .startsWith(QStringLiteral("new write A- @t=2002 (SQL)"));
    QVERIFY(shown);
    dialog->undoStack()->undo();
    QTRY_VERIFY(!dialog->applyButton()->isEnabled());
    dialog->undoStack()->redo();
    QTRY_VERIFY(dialog->applyButton()->isEnabled());

    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Verified")), 10000);
    QTRY_COMPARE(cell(0, "SID6000", "CSE006", GradeTableModel::Grade), QStringLiteral("A-"));
    QCOMPARE(cell(0, "SID6000", "CSE006", GradeTableModel::Timestamp), QStringLiteral("2002"));
    QTRY_COMPARE(cell(0, "SID6001", "CSE006", GradeTableModel::Grade), QStringLiteral("C"));
    QCOMPARE(cell(1, "SID6000", "CSE006", GradeTableModel::Grade), QStringLiteral("A")); // source

    // The audit log holds the merge, the two keys (with the note) and the end.
    MergeRunner* runner = merges->runner();
    std::vector<AuditEntry> rows;
    QTRY_VERIFY((rows = auditRows(runner)).size() >= 4);
    const auto keyRow = std::find_if(rows.begin(), rows.end(), [](const AuditEntry& e) {
        return e.kind == QLatin1String("key") && e.studentId == QLatin1String("SID6000");
    });
    QVERIFY(keyRow != rows.end());
    QCOMPARE(keyRow->before, QStringLiteral("B"));
    QCOMPARE(keyRow->after, QStringLiteral("A-"));
    QCOMPARE(keyRow->winner, QStringLiteral("typed"));
    QCOMPARE(keyRow->reason, QStringLiteral("manual"));
    QCOMPARE(keyRow->note, QStringLiteral("agreed with the student"));
    QCOMPARE(keyRow->store, QStringLiteral("SQL"));
    QVERIFY(rows.back().kind == QLatin1String("end"));
    QVERIFY(rows.back().detail.contains(QStringLiteral("\"status\":\"done\"")));
    merges->verifyAuditLog();
    QTRY_VERIFY(app_->console()->toPlainText().contains(QStringLiteral("Audit log verified")));

    // The audit view lists it; reverting writes B back as a new write, logged as a revert.
    AuditView* view = merges->openAuditLog();
    QTRY_VERIFY(view->selectEntry(keyRow->id));
    runner->revert(*keyRow, QStringLiteral("changed my mind"));
    QTRY_COMPARE(cell(0, "SID6000", "CSE006", GradeTableModel::Grade), QStringLiteral("B"));
    QCOMPARE(cell(0, "SID6000", "CSE006", GradeTableModel::Timestamp), QStringLiteral("2003"));
    QTRY_VERIFY(auditRows(runner).back().kind == QLatin1String("revert"));

    // The verification pass catches a difference planted behind the program's back.
    runSql(dir_.filePath(QStringLiteral("SQL.db")),
           QStringLiteral("UPDATE grades SET grade = 'Z' WHERE student_id = 'SID6001'"));
    QSignalSpy verified(runner, &MergeRunner::verified);
    runner->verify();
    QTRY_COMPARE(verified.count(), 1);
    // Two keys differ from the plan now: the planted one, and the one reverted above.
    QCOMPARE(verified.at(0).at(1).toLongLong(), qint64(2));
    QVERIFY2(verified.at(0).at(0).toString().contains(QStringLiteral("SQL (SID6001,CSE006)")),
             qPrintable(verified.at(0).at(0).toString()));

    // Exports, then a tampered entry breaks Verify at that entry.
    QSignalSpy exported(merges, &MergeActions::auditExported);
    const QString html = dir_.filePath(QStringLiteral("audit.html"));
    merges->exportAuditLog(QStringLiteral("html"), html);
    QTRY_COMPARE(exported.count(), 1);
    QFile report(html);
    QVERIFY(report.open(QIODevice::ReadOnly));
    QVERIFY(report.readAll().contains("agreed with the student"));
    runSql(dir_.filePath(QStringLiteral("audit.db")),
           QStringLiteral("UPDATE audit SET note = 'nobody agreed' WHERE id = %1").arg(keyRow->id));
    merges->verifyAuditLog();
    QTRY_VERIFY(
        view->verificationText().contains(QStringLiteral("broken at entry %1").arg(keyRow->id)));
    view->close();
    dialog->close();
}

void TestGuiApp::canceledMergeCompletesWithoutDuplicates() {
    // 50,000 seed rows in MONGO: a merge of three batches into SQL.
    auto seeds = std::make_shared<std::vector<SeedRow>>();
    for (int i = 0; i < 50000; ++i)
        seeds->push_back(
            {QStringLiteral("SID%1").arg(70000 + i).toStdString(), "CSE070", "B", "", 0});
    QSignalSpy imported(app_->commands(), &CommandSession::importFinished);
    app_->commands()->importRows(seeds, {2});
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 20000);

    MergeRunner* runner = app_->merges()->runner();
    MergeRequest request;
    request.targets = {0};
    request.sources = {2};
    QSignalSpy previews(runner, &MergeRunner::previewReady);
    QSignalSpy finished(runner, &MergeRunner::finished);
    QSignalSpy progress(runner, &MergeRunner::progress);
    runner->preview(request, {});
    QTRY_COMPARE(previews.count(), 1);
    const auto first = previews.at(0).at(0).value<std::shared_ptr<const MergePreview>>();
    QVERIFY(first->totalWrites() >= 50000);
    // Cancel as soon as the first batch is in.
    connect(runner, &MergeRunner::progress, runner, &MergeRunner::cancel, Qt::SingleShotConnection);
    runner->apply();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QVERIFY(finished.at(0).at(1).toBool()); // canceled
    // Batches are made while the one before commits: Cancel stops after those under way.
    const qint64 committed = progress.last().at(0).toLongLong();
    QVERIFY(committed >= 10000 && committed < 50000);
    QVERIFY(finished.at(0).at(0).toString().contains(
        QStringLiteral("Canceled after %1 of").arg(committed)));

    // Merging again plans only what is left, and the target logs each key once.
    runner->preview(request, {});
    QTRY_COMPARE(previews.count(), 2);
    const auto rest = previews.at(1).at(0).value<std::shared_ptr<const MergePreview>>();
    QCOMPARE(rest->totalWrites(), first->totalWrites() - static_cast<size_t>(committed));
    runner->apply();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 20000);
    QVERIFY2(!finished.at(1).at(1).toBool(), qPrintable(finished.at(1).at(0).toString()));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("count"));
    {
        db.setDatabaseName(dir_.filePath(QStringLiteral("SQL.db")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM oplog "
                                      "WHERE course_id = 'CSE070'")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 50000);
        QCOMPARE(q.value(1).toInt(), 50000);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("count"));
}

void TestGuiApp::copyingAStoreIntoOthersKeepsTheNewerWrites() {
    type(QStringLiteral("3000, MONGO.SET((SID8000,CSE080),D)"));
    type(QStringLiteral("3001, HIVE.SET((SID8000,CSE080),A)"));
    type(QStringLiteral("3002, HIVE.SET((SID8001,CSE080),B)"));
    type(QStringLiteral("3003, SQL.SET((SID8001,CSE080),C)"));
    QTRY_COMPARE(cell(0, "SID8001", "CSE080", GradeTableModel::Grade), QStringLiteral("C"));
    QAction* action = nullptr;
    for (QAction* a : app_->data()->menu()->actions())
        if (a->text() == QStringLiteral("&Copy Store Into Others…"))
            action = a;
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));

    MergeDialog* dialog = app_->merges()->copyStoreInto(1, {0, 1, 2}); // the source is left out
    const MergeRequest copy = dialog->request();
    QCOMPARE(copy.sources, std::vector<size_t>{1});
    QCOMPARE(copy.targets, (std::vector<size_t>{0, 2}));
    QCOMPARE(copy.strategy, MergeStrategy::LastWriterWins);
    QTRY_VERIFY(dialog->applyButton()->isEnabled());
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Verified")), 20000);
    // Each target keeps whichever of its own and the copied write is newer.
    QTRY_COMPARE(cell(0, "SID8000", "CSE080", GradeTableModel::Grade), QStringLiteral("A"));
    QCOMPARE(cell(0, "SID8001", "CSE080", GradeTableModel::Grade), QStringLiteral("C"));
    QTRY_COMPARE(cell(2, "SID8000", "CSE080", GradeTableModel::Grade), QStringLiteral("A"));
    QCOMPARE(cell(2, "SID8000", "CSE080", GradeTableModel::Timestamp), QStringLiteral("3001"));
    QCOMPARE(cell(2, "SID8001", "CSE080", GradeTableModel::Grade), QStringLiteral("B"));
    QCOMPARE(cell(1, "SID8001", "CSE080", GradeTableModel::Grade), QStringLiteral("B")); // source
    // Every row of the source is now in both targets.
    GradeTableModel* source = app_->session()->grades(1);
    for (int r = 0; r < source->rowCount(); ++r) {
        const std::string sid =
            source->index(r, GradeTableModel::Student).data().toString().toStdString();
        const std::string cid =
            source->index(r, GradeTableModel::Course).data().toString().toStdString();
        for (int target : {0, 2})
            QVERIFY2(app_->session()->grades(target)->rowOf(sid, cid) >= 0,
                     (sid + "," + cid).c_str());
    }
    dialog->close();
}

// Qt runs neither of two window-wide actions that share a key ("Ambiguous shortcut overload"):
// every action of the window, in its menus and docks, is walked, and a key may belong to one.
// Shortcuts local to one widget (a table's Copy) are that widget's alone and not compared.
void TestGuiApp::noTwoActionsShareAShortcut() {
    std::map<QString, QStringList> owners;
    for (QAction* action : app_->window()->findChildren<QAction*>()) {
        const Qt::ShortcutContext context = action->shortcutContext();
        if (context != Qt::WindowShortcut && context != Qt::ApplicationShortcut)
            continue;
        for (const QKeySequence& key : action->shortcuts())
            if (!key.isEmpty())
                owners[key.toString(QKeySequence::PortableText)] << action->text();
    }
    QVERIFY(owners.size() > 10); // the walk found the window's actions
    QStringList shared;
    for (const auto& [key, actions] : owners)
        if (actions.size() > 1)
            shared << key + QStringLiteral(": ") + actions.join(QStringLiteral(", "));
    QVERIFY2(shared.isEmpty(), qPrintable(shared.join(QStringLiteral("; "))));
}

// Help teaches the tool: the script syntax with each command, the shortcuts read from the menus,
// and the sample lecture opened with its grades imported into every store, ready to step.
void TestGuiApp::helpTeachesTheLanguage() {
    const auto action = [this](const QString& text) -> QAction* {
        for (QAction* a : app_->window()->findChildren<QAction*>())
            if (a->text() == text)
                return a;
        return nullptr;
    };
    const auto pageText = [this](const char* name) {
        auto* page = app_->window()->findChild<QDialog*>(QLatin1String(name));
        return page && page->isVisible() ? page->findChild<QTextBrowser*>()->toPlainText()
                                         : QStringLiteral("<no page>");
    };
    QAction* syntax = action(QStringLiteral("Script &Syntax"));
    QVERIFY(syntax);
    syntax->trigger();
    const QString syntaxText = pageText("scriptSyntax");
    for (const char* command : {".SET((", ".GET(", ".DELETE(", ".MERGE(", "FULL_SYNC"})
        QVERIFY2(syntaxText.contains(QLatin1String(command)), command);

    QAction* keys = action(QStringLiteral("&Keyboard Shortcuts"));
    QVERIFY(keys);
    keys->trigger();
    const QString keysText = pageText("keyboardShortcuts");
    QVERIFY2(keysText.contains(QStringLiteral("Script ▸ Run")) &&
                 keysText.contains(QStringLiteral("F5")),
             qPrintable(keysText));
    QVERIFY2(keysText.contains(QStringLiteral("Reload stores")), qPrintable(keysText));

    QSignalSpy opened(app_->scripts(), &ScriptActions::opened);
    QSignalSpy imported(app_->data(), &DataActions::dataImported);
    QAction* lecture = action(QStringLiteral("Open Sample &Lecture"));
    QVERIFY(lecture);
    lecture->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    QCOMPARE(opened.first().first().toBool(), true); // runnable: its stores are the workspace's
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 20000);
    QCOMPARE(imported.first().at(0).toInt(), 1000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, "SID1999", "CSE014", GradeTableModel::Grade),
                              QStringLiteral("B"), 10000);
}

QTEST_MAIN(TestGuiApp)
#include "tst_guiapp.moc"

#include "scriptactions.h"

#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "counttext.h"
#include "errorlist.h"
#include "mainwindow.h"
#include "mergerunner.h"
#include "scriptpanel.h"
#include "scriptrunner.h"
#include "storepanel.h"
#include "workspacesession.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>

namespace syncscope {

ScriptActions::ScriptActions(MainWindow* window, WorkspaceSession* session,
                             CommandSession* commands, ScriptRunner* runner, ScriptPanel* panel,
                             CommandBar* bar, ConsoleView* console, QObject* parent)
    : QObject(parent)
    , window_(window)
    , session_(session)
    , commands_(commands)
    , runner_(runner)
    , panel_(panel)
    , bar_(bar)
    , console_(console) {
    connect(runner_, &ScriptRunner::progress, this, &ScriptActions::showProgress);
    connect(runner_, &ScriptRunner::opened, this, &ScriptActions::showScript);

    // File: just above the window's own actions (Reload stores, Quit).
    QMenu* file = window_->fileMenu();
    QAction* below = window_->reloadAction();
    openAction_ = new QAction(QStringLiteral("&Open Script…"), window_);
    openAction_->setShortcut(QKeySequence::Open);
    connect(openAction_, &QAction::triggered, this, [this] {
        QFileDialog dialog(window_, QStringLiteral("Open a testcase script"));
        dialog.setNameFilters({QStringLiteral("Testcase scripts (*.in *.txt *.script)"),
                               QStringLiteral("All files (*)")});
        dialog.setFileMode(QFileDialog::ExistingFile);
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            dialog.setOption(QFileDialog::DontUseNativeDialog);
        if (dialog.exec() == QDialog::Accepted)
            open(dialog.selectedFiles().value(0));
    });
    file->insertAction(below, openAction_);
    recentMenu_ = new QMenu(QStringLiteral("Recent Scripts"), window_);
    file->insertMenu(below, recentMenu_);
    file->insertSeparator(below);
    rebuildRecentMenu();
    connect(window_, &MainWindow::fileDropped, this, &ScriptActions::open);

    QMenu* menu = window_->addMenuBeforeHelp(QStringLiteral("&Script"));
    stepAction_ = menu->addAction(QStringLiteral("&Step"), this, &ScriptActions::step);
    stepAction_->setShortcut(Qt::Key_F10);
    runAction_ = menu->addAction(QStringLiteral("&Run"), this, [this] { run(); });
    runAction_->setShortcut(Qt::Key_F5);
    runToCursorAction_ =
        menu->addAction(QStringLiteral("Run to &Cursor"), this, &ScriptActions::runToCursor);
    runToCursorAction_->setShortcut(Qt::CTRL | Qt::Key_F10);
    pauseAction_ = menu->addAction(QStringLiteral("&Pause"), this, &ScriptActions::pause);
    pauseAction_->setShortcut(Qt::SHIFT | Qt::Key_F5);
    menu->addSeparator();
    resetAction_ = menu->addAction(QStringLiteral("R&eset"), this, &ScriptActions::reset);
    resetAction_->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F5);
    connect(commands_, &CommandSession::ready, this, &ScriptActions::updateActions);
    connect(runner_, &ScriptRunner::resetPointReady, this, [this] {
        updateActions();
        mergesSinceResetPoint_ = 0;
    });
    connect(runner_, &ScriptRunner::resetDone, this, &ScriptActions::resetDone);
    updateActions();
}

void ScriptActions::countMergesOf(MergeRunner* merges) {
    merges_ = merges;
    connect(merges_, &MergeRunner::finished, this, [this] { ++mergesSinceResetPoint_; });
}

void ScriptActions::open(const QString& path) {
    pause();
    runner_->open(path); // read and parsed off the UI thread: showScript() follows
}

void ScriptActions::reopenAt(const QString& path, int done) {
    connect(
        this, &ScriptActions::opened, this,
        [this, done](bool runnable) {
            if (runnable)
                runner_->skipTo(done);
        },
        Qt::SingleShotConnection);
    open(path);
}

void ScriptActions::showScript(const QString& path, const QString& text,
                               const std::vector<ScriptError>& errors, qsizetype moreErrors,
                               const QString& readError) {
    if (!readError.isEmpty()) {
        window_->showStatus(QStringLiteral("Cannot open %1: %2").arg(path, readError));
        console_->appendError(QStringLiteral("Cannot open %1: %2").arg(path, readError));
        Q_EMIT opened(false);
        return;
    }
    const QString name = QFileInfo(path).fileName();
    QList<ScriptView::Mark> marks;
    for (const ScriptError& e : errors) {
        marks.push_back({static_cast<int>(e.line), static_cast<int>(e.column),
                         QString::fromStdString(e.message)});
        console_->appendError(QStringLiteral("%1:%2:%3: %4")
                                  .arg(name)
                                  .arg(e.line)
                                  .arg(e.column)
                                  .arg(QString::fromStdString(e.message)));
    }
    if (moreErrors > 0)
        console_->appendError(
            QString::fromStdString(moreErrorsLine(static_cast<size_t>(moreErrors))));
    panel_->showScript(name, text, marks);
    if (errors.empty()) {
        panel_->showPosition(runner_->nextLine(), 0, runner_->total());
        runner_->markResetPoint();
    }
    rememberRecent(QFileInfo(path).absoluteFilePath());
    path_ = QFileInfo(path).absoluteFilePath();
    updateActions();
    Q_EMIT opened(errors.empty());
}

void ScriptActions::showProgress(int done) {
    if (runner_->isBusy()) {
        runMarker_.progressed(done);
    } else if (!askingToQuit_ && !quitting_) { // stopped by a quit: the run is not over
        runMarker_.stopped();
        if (done > 0)
            for (StorePanel* panel : window_->storePanels())
                panel->revealNextOplogRows(); // where the run stopped
    }
    panel_->showPosition(runner_->nextLine(), done, runner_->total(), runner_->isBusy());
    updateActions();
}

void ScriptActions::step() {
    runner_->step();
}

void ScriptActions::run(int untilDone) {
    runner_->runTo(untilDone < 0 ? runner_->total() : untilDone);
    if (runner_->isBusy())
        runMarker_.started(path_, runner_->done(), runner_->total());
    updateActions();
}

void ScriptActions::runToCursor() {
    run(runner_->commandsBeforeLine(panel_->view()->cursorLine()));
}

void ScriptActions::pause() {
    runner_->stop();
    runMarker_.stopped();
    updateActions();
}

bool ScriptActions::mayClose() {
    if (!runner_->isBusy())
        return true;
    // Paused while the question is up, so what it says stays true.
    runner_->stop();
    askingToQuit_ = true;
    const QString name = QFileInfo(path_).fileName();
    const int target = runner_->total();
    if (QMessageBox::question(
            window_, QStringLiteral("Quit during a Run?"),
            QStringLiteral("%1 is running: %2 of %3 commands have run, and the stores hold "
                           "them.\n\nQuit anyway? The next start offers to reopen the script "
                           "where it stopped.")
                .arg(name)
                .arg(runner_->done())
                .arg(runner_->total()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes &&
        !quitting_) {
        askingToQuit_ = false;
        runner_->runTo(target); // goes on
        return false;
    }
    askingToQuit_ = false;
    // The window now waits for the stores' writes before it closes: the runner's stop that
    // arrives meanwhile is the quit's, and must not clear the kept place.
    quitting_ = true;
    runMarker_.closing(runner_->done());
    return true;
}

void ScriptActions::keepPlaceAtClose() {
    // Steps the stopped runner had in hand were still answered while the writes were awaited.
    if (quitting_)
        runMarker_.closing(runner_->done());
}

void ScriptActions::stopForQuit() {
    // From now on a question being asked (mayClose) counts as Yes, and the runner's stop is the
    // quit's, not a pause: the run is not over and its place is kept.
    quitting_ = true;
    if (runner_->isBusy())
        runner_->stop();
    runMarker_.closing(runner_->done());
}

void ScriptActions::offerCutShortRun() {
    const auto cut = RunMarker::takeCutShort();
    if (!cut)
        return;
    const QString name = QFileInfo(cut->scriptPath).fileName();
    const QString where = QStringLiteral("%1%2 of %3")
                              .arg(cut->exact ? QString() : QStringLiteral("about "))
                              .arg(cut->done)
                              .arg(countOf(cut->total, "command"));
    console_->appendError(
        QStringLiteral("The last Run of %1 was cut short after %2; the stores hold what ran.")
            .arg(name, where));
    if (!QFileInfo::exists(cut->scriptPath))
        return;
    const QString offer = QStringLiteral("The last Run of %1 was cut short after %2. Reopen it "
                                         "there? (Reset cannot go back past the restart.)")
                              .arg(name, where);
    panel_->offerResume(offer);
    connect(panel_, &ScriptPanel::resumeRequested, this, [this, cut = *cut, offer] {
        if (!commands_->isReady()) {
            panel_->offerResume(offer); // still loading: the offer stands
            return;
        }
        reopenAt(cut.scriptPath, cut.done);
    });
}

void ScriptActions::reset() {
    pause();
    if (!runner_->canReset())
        return;
    // Merges applied through the Merge dialog are audited decisions: undoing them is asked
    // for, and the audit chain records that they were undone.
    if (mergesSinceResetPoint_ > 0 &&
        QMessageBox::question(
            window_, QStringLiteral("Reset the script?"),
            QStringLiteral("Reset rolls every store back to where the script began, undoing %1 "
                           "applied through the Merge dialog since then.\n\nThe audit log keeps "
                           "them and records the reset; their decisions can no longer be "
                           "reverted.")
                .arg(mergesSinceResetPoint_ == 1
                         ? QStringLiteral("1 merge")
                         : QStringLiteral("%1 merges").arg(mergesSinceResetPoint_)),
            QMessageBox::Reset | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Reset)
        return;
    resetUndoes_ = {runner_->done(), mergesSinceResetPoint_};
    bar_->setReady(false, QStringLiteral("Resetting the stores…"));
    runner_->reset();
    updateActions();
}

void ScriptActions::resetDone() {
    if (merges_)
        merges_->recordReset(QFileInfo(path_).fileName(), resetUndoes_.first, resetUndoes_.second);
    mergesSinceResetPoint_ = 0;
    session_->refresh();
    console_->appendResult(QStringLiteral("-- reset: the stores are back where the script began"));
    panel_->showPosition(runner_->nextLine(), 0, runner_->total());
    updateActions();
}

void ScriptActions::updateActions() {
    const bool runnable =
        commands_->isReady() && runner_->hasRunnableScript() && runner_->done() < runner_->total();
    const bool running = runner_->isBusy();
    stepAction_->setEnabled(runnable);
    runAction_->setEnabled(runnable && !running);
    runToCursorAction_->setEnabled(runnable && !running);
    pauseAction_->setEnabled(running);
    resetAction_->setEnabled(runner_->canReset() && !running && runner_->done() > 0);
}

void ScriptActions::rememberRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentScripts")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("recentScripts"), recent.mid(0, 10));
    rebuildRecentMenu();
}

void ScriptActions::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentScripts")).toStringList();
    for (const QString& path : recent)
        recentMenu_->addAction(path, this, [this, path] { open(path); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

} // namespace syncscope

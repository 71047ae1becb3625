#include "guiapp.h"
#include "verifyactions.h"

#include "commandbar.h"
#include "commandsession.h"
#include "conflictactions.h"
#include "consoleview.h"
#include "dataactions.h"
#include "followactions.h"
#include "gradetablemodel.h"
#include "labactions.h"
#include "mainwindow.h"
#include "mergeactions.h"
#include "mergerunner.h"
#include "outsidewritefollower.h"
#include "runmarker.h"
#include "storeloader.h"
#include "storepanel.h"
#include "welcomeview.h"
#include "workspaceactions.h"
#include "workspacesession.h"

#include "errorlist.h"
#include "scriptpanel.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>

// The resources live in this static library: a linker keeps them only when something refers
// to them, and Q_INIT_RESOURCE must be called outside any namespace.
static void initSyncscopeResources() {
    Q_INIT_RESOURCE(syncscope);
}

namespace syncscope {

void GuiApp::loadResources() {
    ::initSyncscopeResources();
}

GuiApp::GuiApp(std::vector<StoreSpec> stores, const QString& workspaceLabel, QObject* parent)
    : QObject(parent) {
    loadResources();
    session_ = std::make_unique<WorkspaceSession>(stores);
    commands_ = std::make_unique<CommandSession>(stores, session_->workers());
    follower_ = std::make_unique<OutsideWriteFollower>(commands_.get(), session_->workers());
    window_ = std::make_unique<MainWindow>(session_->summary(), workspaceLabel);
    for (int i = 0; i < session_->storeCount(); ++i)
        window_->addStorePanel(
            new StorePanel(session_->description(i), session_->grades(i), session_->oplog(i)));
    bar_ = new CommandBar;
    bar_->setStoreNames(commands_->storeNames());
    bar_->setKeySource([this](const QString& store, const QString& prefix) {
        const int index = commands_->storeIndex(store);
        if (index < 0)
            return std::vector<std::pair<std::string, std::string>>{};
        return session_->grades(index)->keysWithPrefix(prefix.toStdString(), 20);
    });
    bar_->setReady(false, QStringLiteral("Loading the stores…"));
    window_->setCommandBar(bar_);
    // Back to the command line from anywhere (a table, the console, the script).
    auto* toBar = new QAction(QStringLiteral("Go to the &Command Line"), window_.get());
    toBar->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(toBar, &QAction::triggered, this, [this] {
        bar_->lineEdit()->setFocus(Qt::ShortcutFocusReason);
        bar_->lineEdit()->selectAll();
    });
    window_->addViewAction(toBar);
    console_ = new ConsoleView;
    window_->setConsole(console_);

    MainWindow* w = window_.get();
    connect(session_.get(), &WorkspaceSession::stateChanged, w,
            [w](int store, const QString& state) { w->storePanels()[store]->setState(state); });
    connect(session_.get(), &WorkspaceSession::countsChanged, w,
            [w](int store, const StoreCounts& c) { w->storePanels()[store]->setCounts(c); });
    connect(session_.get(), &WorkspaceSession::storeFailed, w, &MainWindow::showStatus);
    connect(session_.get(), &WorkspaceSession::allOpened, commands_.get(), &CommandSession::load);
    connect(w, &MainWindow::refreshRequested, session_.get(), &WorkspaceSession::refresh);
    connect(w, &MainWindow::sampleLectureRequested, this, &GuiApp::openSampleLecture);

    connect(commands_.get(), &CommandSession::ready, bar_, [this] {
        bar_->setReady(true);
        bar_->lineEdit()->setFocus();
    });
    connect(commands_.get(), &CommandSession::failed, console_, &ConsoleView::appendError);
    connect(commands_.get(), &CommandSession::commandsDone, console_,
            [this](const QStringList& lines) {
                for (const QString& line : lines)
                    console_->appendResult(line);
            });
    connect(commands_.get(), &CommandSession::failed, w, &MainWindow::showStatus);
    connect(commands_.get(), &CommandSession::outsideWritesCaptured, console_,
            [this](int store, const QStringList& lines) {
                console_->appendResult(
                    QStringLiteral("%1 written outside Syncscope (captured by %2's triggers):\n%3")
                        .arg(lines.size() == 1 ? QStringLiteral("1 change")
                                               : QStringLiteral("%1 changes").arg(lines.size()),
                             commands_->storeNames().value(store), lines.join(QLatin1Char('\n'))));
            });
    connect(commands_.get(), &CommandSession::getsAnswered, this,
            [this](const QStringList& lines, int store, const QString& sid, const QString& cid) {
                console_->appendResult(lines.join(QLatin1Char('\n')));
                // Show the row the last GET read, in its store's panel.
                StorePanel* panel = window_->storePanels()[store];
                const int row =
                    session_->grades(store)->rowOf(sid.toStdString(), cid.toStdString());
                if (row >= 0)
                    panel->showGradeRow(row, true);
            });
    connect(commands_.get(), &CommandSession::storeCommitted, this,
            [this](int store, const std::vector<GradeRecord>& keys) {
                window_->storePanels()[store]->showCommittedWrites(keys, !isRunning());
                session_->loader(store)->refreshTail();
            });
    connect(commands_.get(), &CommandSession::storeRewritten, this,
            [this](int store) { session_->loader(store)->reload(); });
    connect(bar_, &CommandBar::submitted, this, [this](const QString& line) { run(line); });

    // Testcase files.
    scriptPanel_ = new ScriptPanel;
    window_->setScriptPanel(scriptPanel_);
    connect(commands_.get(), &CommandSession::scriptProgress, this, [this](int done) {
        if (isRunning()) {
            runMarker_.progressed(done);
        } else if (!askingToQuit_) { // paused by the quit question: the run is not over
            runMarker_.stopped();
            if (done > 0)
                for (StorePanel* panel : window_->storePanels())
                    panel->revealNextOplogRows(); // where the run stopped
        }
        scriptPanel_->showPosition(commands_->scriptNextLine(), done, commands_->scriptTotal(),
                                   isRunning());
        updateScriptActions();
    });
    QMenu* file = window_->fileMenu();
    QAction* first = file->actions().value(0);
    auto* open = openAction_ = new QAction(QStringLiteral("&Open Script…"), window_.get());
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        QFileDialog dialog(window_.get(), QStringLiteral("Open a testcase script"));
        dialog.setNameFilters({QStringLiteral("Testcase scripts (*.in *.txt *.script)"),
                               QStringLiteral("All files (*)")});
        dialog.setFileMode(QFileDialog::ExistingFile);
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            dialog.setOption(QFileDialog::DontUseNativeDialog);
        if (dialog.exec() == QDialog::Accepted)
            openScript(dialog.selectedFiles().value(0));
    });
    file->insertAction(first, open);
    recentMenu_ = new QMenu(QStringLiteral("Recent Scripts"), window_.get());
    file->insertMenu(first, recentMenu_);
    file->insertSeparator(first);
    rebuildRecentMenu();
    connect(w, &MainWindow::fileDropped, this, [this](const QString& path) { openScript(path); });
    connect(commands_.get(), &CommandSession::scriptOpened, this, &GuiApp::showScript);

    data_ = new DataActions(w, session_.get(), commands_.get(), console_, this);
    verify_ = new VerifyActions(w, session_.get(), commands_.get(), data_->menu(), this);
    follow_ =
        new FollowActions(w, session_.get(), commands_.get(), data_->menu(), workspaceLabel, this);
    workspace_ = new WorkspaceActions(w, stores, workspaceLabel, this); // the list's one owner
    connectUnavailableStores();
    addWelcome();

    QMenu* scriptMenu = window_->addMenuBeforeHelp(QStringLiteral("&Script"));
    stepAction_ = scriptMenu->addAction(QStringLiteral("&Step"), this, &GuiApp::stepScript);
    stepAction_->setShortcut(Qt::Key_F10);
    runAction_ = scriptMenu->addAction(QStringLiteral("&Run"), this, [this] { runScript(); });
    runAction_->setShortcut(Qt::Key_F5);
    runToCursorAction_ =
        scriptMenu->addAction(QStringLiteral("Run to &Cursor"), this, &GuiApp::runToCursor);
    runToCursorAction_->setShortcut(Qt::CTRL | Qt::Key_F10);
    pauseAction_ = scriptMenu->addAction(QStringLiteral("&Pause"), this, &GuiApp::pauseScript);
    pauseAction_->setShortcut(Qt::SHIFT | Qt::Key_F5);
    scriptMenu->addSeparator();
    resetAction_ = scriptMenu->addAction(QStringLiteral("R&eset"), this, &GuiApp::resetScript);
    resetAction_->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F5);
    connect(commands_.get(), &CommandSession::ready, this, &GuiApp::updateScriptActions);
    connect(commands_.get(), &CommandSession::resetPointReady, this, &GuiApp::updateScriptActions);
    connect(commands_.get(), &CommandSession::resetDone, this, [this] {
        merges_->runner()->recordReset(QFileInfo(scriptPath_).fileName(), resetUndoes_.first,
                                       resetUndoes_.second);
        mergesSinceResetPoint_ = 0;
        session_->refresh();
        console_->appendResult(
            QStringLiteral("-- reset: the stores are back where the script began"));
        scriptPanel_->showPosition(commands_->scriptNextLine(), 0, commands_->scriptTotal());
        updateScriptActions();
    });
    updateScriptActions();
    conflicts_ = new ConflictActions(w, session_.get(), commands_.get(), this);
    merges_ = new MergeActions(w, session_.get(), commands_.get(), console_, workspaceLabel, this);
    merges_->addCopyStoreAction(data_->menu());
    connect(merges_->runner(), &MergeRunner::finished, this, [this] { ++mergesSinceResetPoint_; });
    connect(commands_.get(), &CommandSession::resetPointReady, this,
            [this] { mergesSinceResetPoint_ = 0; });
    labs_ = new LabActions(w, merges_->mergeMenu(), commands_.get(), this);
}

// The first thing an empty workspace shows (every oplog empty, no script): the ways in. It
// steps aside for good once there is something to look at.
void GuiApp::addWelcome() {
    auto* welcome = new WelcomeView;
    QDockWidget* dock =
        window_->addConsoleTab(welcome, QStringLiteral("Welcome"), QStringLiteral("dock-welcome"));
    dock->hide();
    welcome_ = dock;
    connect(welcome, &WelcomeView::sampleLectureRequested, this, &GuiApp::openSampleLecture);
    connect(welcome, &WelcomeView::openScriptRequested, openAction_, &QAction::trigger);
    connect(welcome, &WelcomeView::addStoreRequested, workspace_,
            &WorkspaceActions::askForNewStore);
    connect(
        commands_.get(), &CommandSession::ready, this,
        [this] {
            const std::vector<int64_t> ends = commands_->loadedLogEnds();
            const bool empty =
                std::all_of(ends.begin(), ends.end(), [](int64_t end) { return end == 0; });
            if (empty && !commands_->hasRunnableScript() && !carried_) {
                welcome_->show();
                welcome_->raise();
            }
        },
        Qt::SingleShotConnection);
    const auto stepAside = [this] {
        if (welcome_ && welcome_->isVisible()) {
            welcome_->hide();
            window_->consoleDock()->raise();
        }
    };
    connect(this, &GuiApp::scriptOpened, this, stepAside);
    connect(commands_.get(), &CommandSession::commandsDone, this, stepAside);
    connect(data_, &DataActions::dataImported, this, stepAside);
}

// A store that cannot be opened is its panel's problem only: the banner says why and offers
// Retry, Edit and Remove; the engine works without it, and lines naming it are refused.
void GuiApp::connectUnavailableStores() {
    connect(session_.get(), &WorkspaceSession::storeOpenFailed, commands_.get(),
            &CommandSession::setUnavailable);
    connect(
        commands_.get(), &CommandSession::storeUnavailable, this,
        [this](int store, const QString& why) { window_->storePanels()[store]->showProblem(why); });
    connect(commands_.get(), &CommandSession::storeAvailable, this, [this](int store) {
        window_->storePanels()[store]->clearProblem();
        console_->appendResult(QStringLiteral("-- %1 is back: lines may name it again")
                                   .arg(commands_->storeNames().value(store)));
    });
    const auto bringBackIfOpen = [this](int store) {
        if (commands_->isReady() && commands_->isUnavailable(store) && session_->isOpen(store))
            commands_->bringBack(store);
    };
    connect(session_.get(), &WorkspaceSession::storeOpened, this, bringBackIfOpen);
    connect(commands_.get(), &CommandSession::ready, this, [this, bringBackIfOpen] {
        for (int s = 0; s < session_->storeCount(); ++s)
            bringBackIfOpen(s);
    });
    for (int s = 0; s < session_->storeCount(); ++s) {
        StorePanel* panel = window_->storePanels()[s];
        connect(panel, &StorePanel::retryRequested, this, [this, s, panel] {
            panel->showProblem(QStringLiteral("trying to connect again…"));
            session_->retry(s);
        });
        connect(panel, &StorePanel::editRequested, workspace_,
                [this, s] { workspace_->editStore(s); });
        connect(panel, &StorePanel::removeRequested, workspace_,
                [this, s] { workspace_->askToRemoveStore(s); });
    }
}

void GuiApp::openSampleLecture() {
    // The lecture and its grades, from the program's resources into the data folder (a script
    // is opened from a file, and a student may edit the copy).
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                           QStringLiteral("/samples");
    QDir().mkpath(folder);
    QStringList copied;
    for (const char* name : {"lecture.in", "grades.csv"}) {
        const QString target = folder + QLatin1Char('/') + QLatin1String(name);
        QFile::remove(target);
        if (!QFile::copy(QStringLiteral(":/syncscope/samples/") + QLatin1String(name), target)) {
            console_->appendError(
                QStringLiteral("cannot copy the sample lecture to %1").arg(target));
            return;
        }
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                          QFile::ReadOther);
        copied << target;
    }
    // As `syncscope-cli run lecture.in --seed-csv grades.csv`: the grades in every store, then
    // the script, ready to step.
    data_->importCsv(copied[1], commands_->storeNames());
    openScript(copied[0]);
}

void GuiApp::openScript(const QString& path) {
    pauseScript();
    commands_->openScriptFile(path); // read and parsed off the UI thread: showScript() follows
}

void GuiApp::showScript(const QString& path, const QString& text,
                        const std::vector<ScriptError>& errors, qsizetype moreErrors,
                        const QString& readError) {
    if (!readError.isEmpty()) {
        window_->showStatus(QStringLiteral("Cannot open %1: %2").arg(path, readError));
        console_->appendError(QStringLiteral("Cannot open %1: %2").arg(path, readError));
        Q_EMIT scriptOpened(false);
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
    scriptPanel_->showScript(name, text, marks);
    if (errors.empty()) {
        scriptPanel_->showPosition(commands_->scriptNextLine(), 0, commands_->scriptTotal());
        commands_->markResetPoint();
    }
    rememberRecent(QFileInfo(path).absoluteFilePath());
    scriptPath_ = QFileInfo(path).absoluteFilePath();
    updateScriptActions();
    Q_EMIT scriptOpened(errors.empty());
}

void GuiApp::stepScript() {
    commands_->stepScript();
}

void GuiApp::runScript(int untilDone) {
    commands_->runScriptTo(untilDone < 0 ? commands_->scriptTotal() : untilDone);
    if (isRunning())
        runMarker_.started(scriptPath_, commands_->scriptDone(), commands_->scriptTotal());
    updateScriptActions();
}

void GuiApp::runToCursor() {
    runScript(commands_->commandsBeforeLine(scriptPanel_->view()->cursorLine()));
}

void GuiApp::pauseScript() {
    commands_->stopScript();
    runMarker_.stopped();
    updateScriptActions();
}

// Quitting during a Run is a choice, not an accident: asked for, and remembered so the next
// start can offer to go on.
bool GuiApp::mayClose() {
    if (!isRunning())
        return true;
    // Paused while the question is up, so what it says stays true.
    commands_->stopScript();
    askingToQuit_ = true;
    const QString name = QFileInfo(scriptPath_).fileName();
    const int target = commands_->scriptTotal();
    if (QMessageBox::question(
            window_.get(), QStringLiteral("Quit during a Run?"),
            QStringLiteral("%1 is running: %2 of %3 commands have run, and the stores hold "
                           "them.\n\nQuit anyway? The next start offers to reopen the script "
                           "where it stopped.")
                .arg(name)
                .arg(commands_->scriptDone())
                .arg(commands_->scriptTotal()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        askingToQuit_ = false;
        commands_->runScriptTo(target); // goes on
        return false;
    }
    askingToQuit_ = false;
    runMarker_.closing(commands_->scriptDone());
    return true;
}

// A Run the last program did not finish (quit during it, or killed): said in the console, and
// the script offered again where it stopped.
void GuiApp::offerCutShortRun() {
    const auto cut = RunMarker::takeCutShort();
    if (!cut)
        return;
    const QString name = QFileInfo(cut->scriptPath).fileName();
    const QString where = QStringLiteral("%1%2 of %3 commands")
                              .arg(cut->exact ? QString() : QStringLiteral("about "))
                              .arg(cut->done)
                              .arg(cut->total);
    console_->appendError(
        QStringLiteral("The last Run of %1 was cut short after %2; the stores hold what ran.")
            .arg(name, where));
    if (!QFileInfo::exists(cut->scriptPath))
        return;
    const QString offer = QStringLiteral("The last Run of %1 was cut short after %2. Reopen it "
                                         "there? (Reset cannot go back past the restart.)")
                              .arg(name, where);
    scriptPanel_->offerResume(offer);
    connect(scriptPanel_, &ScriptPanel::resumeRequested, this, [this, cut = *cut, offer] {
        if (!commands_->isReady()) {
            scriptPanel_->offerResume(offer); // still loading: the offer stands
            return;
        }
        connect(
            this, &GuiApp::scriptOpened, this,
            [this, done = cut.done](bool runnable) {
                if (runnable)
                    commands_->skipScriptTo(done);
            },
            Qt::SingleShotConnection);
        openScript(cut.scriptPath);
    });
}

bool GuiApp::isRunning() const {
    return commands_->scriptBusy();
}

void GuiApp::resetScript() {
    pauseScript();
    if (!commands_->canReset())
        return;
    // Merges applied through the Merge dialog are audited decisions: undoing them is asked
    // for, and the audit chain records that they were undone.
    if (mergesSinceResetPoint_ > 0 &&
        QMessageBox::question(
            window_.get(), QStringLiteral("Reset the script?"),
            QStringLiteral("Reset rolls every store back to where the script began, undoing %1 "
                           "applied through the Merge dialog since then.\n\nThe audit log keeps "
                           "them and records the reset; their decisions can no longer be "
                           "reverted.")
                .arg(mergesSinceResetPoint_ == 1
                         ? QStringLiteral("1 merge")
                         : QStringLiteral("%1 merges").arg(mergesSinceResetPoint_)),
            QMessageBox::Reset | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Reset)
        return;
    resetUndoes_ = {commands_->scriptDone(), mergesSinceResetPoint_};
    bar_->setReady(false, QStringLiteral("Resetting the stores…"));
    commands_->reset();
    updateScriptActions();
}

void GuiApp::updateScriptActions() {
    const bool runnable = commands_->isReady() && commands_->hasRunnableScript() &&
                          commands_->scriptDone() < commands_->scriptTotal();
    stepAction_->setEnabled(runnable);
    runAction_->setEnabled(runnable && !isRunning());
    runToCursorAction_->setEnabled(runnable && !isRunning());
    pauseAction_->setEnabled(isRunning());
    resetAction_->setEnabled(commands_->canReset() && !isRunning() && commands_->scriptDone() > 0);
}

void GuiApp::rememberRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentScripts")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("recentScripts"), recent.mid(0, 10));
    rebuildRecentMenu();
}

void GuiApp::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentScripts")).toStringList();
    for (const QString& path : recent)
        recentMenu_->addAction(path, this, [this, path] { openScript(path); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

GuiApp::~GuiApp() {
    // A verification reads the stores on a pool thread; it ends before their workers do.
    verify_->stop();
    // A follow's calls go through the stores' workers: it saves its positions and lets go
    // before they end.
    delete follow_;
}

CarriedSession GuiApp::carry() const {
    CarriedSession c;
    c.consoleText = console_->toPlainText();
    c.commandHistory = bar_->history();
    c.geometry = window_->saveGeometry();
    c.dockState = window_->saveDockState();
    if (commands_->hasRunnableScript()) {
        c.scriptPath = scriptPath_;
        c.scriptDone = commands_->scriptDone();
    }
    return c;
}

void GuiApp::takeOver(CarriedSession carried) {
    console_->setPlainText(carried.consoleText);
    console_->appendResult(QStringLiteral("-- the workspace changed: its stores are opened again"));
    bar_->setHistory(carried.commandHistory);
    if (!carried.scriptPath.isEmpty()) {
        // The script comes back where it was once the stores are loaded; what ran before is in
        // them already.
        connect(
            commands_.get(), &CommandSession::ready, this,
            [this, path = carried.scriptPath, done = carried.scriptDone] {
                connect(
                    this, &GuiApp::scriptOpened, this,
                    [this, done](bool runnable) {
                        if (runnable)
                            commands_->skipScriptTo(done);
                    },
                    Qt::SingleShotConnection);
                openScript(path);
            },
            Qt::SingleShotConnection);
    }
    carried_ = std::move(carried);
}

void GuiApp::start() {
    window_->setCloseGuard([this] { return mayClose(); });
    if (carried_)
        window_->showWithLayout(carried_->geometry, carried_->dockState);
    else
        window_->showRestoredOrFitted();
    offerCutShortRun();
    session_->openAll();
}

void GuiApp::runLines(const QStringList& lines) {
    for (qsizetype i = 0; i < lines.size(); ++i) {
        bar_->lineEdit()->setText(lines[i]);
        if (!run(lines[i])) {
            if (i + 1 < lines.size())
                console_->appendError(
                    QStringLiteral("%1 more line(s) not run: they came after a refused one")
                        .arg(lines.size() - i - 1));
            return;
        }
    }
}

bool GuiApp::run(const QString& line) {
    console_->appendCommand(line);
    if (const auto error = commands_->execute(line)) {
        console_->appendError(
            QStringLiteral("column %1: %2").arg(error->column).arg(error->message));
        bar_->showError(error->column, error->message);
        return false;
    }
    bar_->accept();
    return true;
}

} // namespace syncscope

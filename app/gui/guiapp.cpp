#include "guiapp.h"
#include "verifyactions.h"

#include "capturewatch.h"
#include "commandbar.h"
#include "commandsession.h"
#include "conflictactions.h"
#include "consoleview.h"
#include "counttext.h"
#include "dataactions.h"
#include "followactions.h"
#include "followpanel.h"
#include "gradetablemodel.h"
#include "labactions.h"
#include "mainwindow.h"
#include "mergeactions.h"
#include "outsidewritefollower.h"
#include "progresstext.h"
#include "scriptactions.h"
#include "scriptrunner.h"
#include "storeloader.h"
#include "storepanel.h"
#include "undoactions.h"
#include "welcomeview.h"
#include "workspaceactions.h"
#include "workspacesession.h"

#include "errorlist.h"
#include "scriptpanel.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QPointer>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>

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
    script_ = std::make_unique<ScriptRunner>(commands_.get());
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
                    QStringLiteral("%1 written outside Syncscope (captured by %2's %3):\n%4")
                        .arg(lines.size() == 1 ? QStringLiteral("1 change")
                                               : QStringLiteral("%1 changes").arg(lines.size()),
                             commands_->storeNames().value(store),
                             session_->description(store).capturesFromLog()
                                 ? QStringLiteral("log capture")
                                 : QStringLiteral("triggers"),
                             lines.join(QLatin1Char('\n'))));
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
                window_->storePanels()[store]->showCommittedWrites(keys, !script_->isBusy());
                session_->loader(store)->refreshTail();
            });
    connect(commands_.get(), &CommandSession::storeRewritten, this,
            [this](int store) { session_->loader(store)->reload(); });
    connect(bar_, &CommandBar::submitted, this, [this](const QString& line) { run(line); });
    // Edit > Undo / Redo: each a line run as typed, echoed, and not offered back again.
    undo_ = new UndoActions(
        window_->editMenu(), window_.get(),
        [this](const QString& line, quint64 stepId) { return echoAndExecute(line, false, stepId); },
        [this](const QString& store, const QString& sid,
               const QString& cid) -> std::optional<QString> {
            const int index = commands_->storeIndex(store);
            if (index < 0)
                return std::nullopt;
            GradeTableModel* grades = session_->grades(index);
            const int row = grades->rowOf(sid.toStdString(), cid.toStdString());
            if (row < 0)
                return std::nullopt;
            return grades->index(row, GradeTableModel::Grade).data().toString();
        },
        // A store is the database its URI names: a step of it is kept only while that holds.
        [this, stores](const QString& store) {
            const int index = commands_->storeIndex(store);
            return index < 0 ? QString()
                             : QString::fromStdString(stores[static_cast<size_t>(index)].uri);
        },
        this);
    connect(commands_.get(), &CommandSession::writeUndoable, undo_, &UndoActions::offer);
    connect(commands_.get(), &CommandSession::stepNotWritten, undo_, &UndoActions::notWritten);
    // The engine built again from the stores (a Reset, a reload): the steps are history.
    connect(commands_.get(), &CommandSession::engineDropping, undo_, &UndoActions::clear);
    connect(script_.get(), &ScriptRunner::resetDone, undo_, &UndoActions::clear);

    // Testcase files: the panel beside the console; the menus are ScriptActions'.
    scriptPanel_ = new ScriptPanel;
    window_->setScriptPanel(scriptPanel_);

    data_ = new DataActions(w, session_.get(), commands_.get(), console_, this);
    verify_ = new VerifyActions(w, session_.get(), commands_.get(), data_->menu(), this);
    follow_ = new FollowActions(w, session_.get(), commands_.get(), script_.get(), data_->menu(),
                                workspaceLabel, this);
    captureWatch_ = std::make_unique<CaptureWatch>([this] { return session_->workers(); });
    connect(captureWatch_.get(), &CaptureWatch::progressed, w,
            [this, w](int store, const CaptureProgress& progress) {
                w->storePanels()[store]->setCaptureProgress(progress);
                follow_->panel()->setSourceCapture(session_->description(store).name,
                                                   captureText(progress));
            });
    captureWatch_->start();
    workspace_ = new WorkspaceActions(w, stores, workspaceLabel, this); // the list's one owner
    scripts_ = new ScriptActions(w, session_.get(), commands_.get(), script_.get(), scriptPanel_,
                                 bar_, console_, this);
    connectUnavailableStores();
    addWelcome();
    conflicts_ = new ConflictActions(w, session_.get(), commands_.get(), script_.get(), this);
    merges_ = new MergeActions(w, session_.get(), commands_.get(), console_, workspaceLabel, this);
    merges_->addCopyStoreAction(data_->menu());
    scripts_->countMergesOf(merges_->runner());
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
    connect(welcome, &WelcomeView::openScriptRequested, scripts_->openAction(), &QAction::trigger);
    connect(welcome, &WelcomeView::addStoreRequested, workspace_,
            &WorkspaceActions::askForNewStore);
    connect(
        commands_.get(), &CommandSession::ready, this,
        [this] {
            const std::vector<int64_t> ends = commands_->loadedLogEnds();
            const bool empty =
                std::all_of(ends.begin(), ends.end(), [](int64_t end) { return end == 0; });
            if (empty && !script_->hasRunnableScript() && !carried_) {
                welcome_->show();
                welcome_->raise();
            }
        },
        Qt::SingleShotConnection);
    connect(scripts_, &ScriptActions::opened, this, &GuiApp::welcomeStepsAside);
    connect(commands_.get(), &CommandSession::commandsDone, this, &GuiApp::welcomeStepsAside);
    connect(data_, &DataActions::dataImported, this, &GuiApp::welcomeStepsAside);
}

void GuiApp::welcomeStepsAside() {
    if (welcome_ && welcome_->isVisible()) {
        welcome_->hide();
        window_->consoleDock()->raise();
    }
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
    scripts_->open(copied[0]);
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
    c.undo = undo_->history();
    if (script_->hasRunnableScript()) {
        c.scriptPath = scripts_->path();
        c.scriptDone = script_->done();
    }
    return c;
}

void GuiApp::takeOver(CarriedSession carried) {
    console_->setPlainText(carried.consoleText);
    console_->appendResult(QStringLiteral("-- the workspace changed: its stores are opened again"));
    bar_->setHistory(carried.commandHistory);
    if (const QStringList dropped = undo_->restore(carried.undo); !dropped.isEmpty()) {
        // Undo would write one database's old values into another: the steps are gone, and the
        // user hears of it rather than finding the menu emptier.
        const QString why =
            QStringLiteral("Undo and Redo forget the typed writes of %1: the store is no longer "
                           "the database they were written to (removed, renamed or edited)")
                .arg(dropped.join(QStringLiteral(", ")));
        console_->appendResult(QStringLiteral("-- ") + why);
        window_->showStatus(why);
    }
    if (!carried.scriptPath.isEmpty()) {
        // The script comes back where it was once the stores are loaded; what ran before is in
        // them already.
        connect(
            commands_.get(), &CommandSession::ready, this,
            [this, path = carried.scriptPath, done = carried.scriptDone] {
                scripts_->reopenAt(path, done);
            },
            Qt::SingleShotConnection);
    }
    carried_ = std::move(carried);
}

void GuiApp::start() {
    window_->setCloseGuard([this] {
        if (closeWhenWritten_)
            return closeNow_;
        if (!scripts_->mayClose() || !workspace_->mayClose())
            return false;
        closeOnceWritten();
        return closeNow_;
    });
    if (carried_)
        window_->showWithLayout(carried_->geometry, carried_->dockState);
    else
        window_->showRestoredOrFitted();
    scripts_->offerCutShortRun();
    session_->openAll();
}

void GuiApp::quitWithoutAsking() {
    scripts_->stopForQuit();
    quitAfterClose_ = true;
    if (!closeWhenWritten_)
        closeOnceWritten();
}

void GuiApp::closeOnceWritten() {
    // What the stores were handed (a Run's last steps, a typed SET) is written before the
    // program ends: a Run's kept place counts those commands as done. A store that does not
    // answer within the limit (a server down) keeps the rest unwritten, as a kill would.
    closeWhenWritten_ = true;
    window_->showStatus(QStringLiteral("Writing what the stores were handed, then quitting…"));
    const auto closeNow = [this, guard = QPointer<GuiApp>(this)] {
        if (!guard || closeNow_)
            return;
        closeNow_ = true;
        scripts_->keepPlaceAtClose();
        window_->close(); // keeps the layout, as any close does
        if (quitAfterClose_)
            QCoreApplication::quit(); // other windows (Help, the Merge dialog) end too
    };
    commands_->whenAnswered(closeNow);
    QTimer::singleShot(kQuitWaitMs, this, closeNow);
}

void GuiApp::runLines(const QStringList& lines, std::function<void()> then) {
    if (lines.isEmpty()) {
        if (then)
            then();
        return;
    }
    bar_->lineEdit()->setText(lines.front());
    if (!run(lines.front())) {
        const qsizetype left = lines.size() - 1;
        if (left == 1)
            console_->appendError(QStringLiteral("the line after it is not run"));
        else if (left > 1)
            console_->appendError(QStringLiteral("the %1 lines after it are not run").arg(left));
        if (then)
            then();
        return;
    }
    // Each answer is shown under its own line, as when typed one at a time.
    commands_->whenAnswered([this, rest = lines.mid(1), then = std::move(then)]() mutable {
        if (!rest.isEmpty())
            runLines(rest, std::move(then));
        else if (then)
            then();
    });
}

StartCommands StartCommands::fromArguments(const QStringList& arguments, const QStringList& lines,
                                           const QString& script, int steps) {
    // How many -e lines come before --script: QCommandLineParser keeps each option's values
    // in order, but not their place among the others'.
    qsizetype before = lines.size();
    qsizetype seen = 0;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        if (a == QStringLiteral("--"))
            break;
        if (a == QStringLiteral("-e") || a == QStringLiteral("--execute")) {
            ++seen;
            ++i; // its value, whatever it reads
        } else if (a.startsWith(QStringLiteral("--execute=")) ||
                   (a.startsWith(QStringLiteral("-e")) && !a.startsWith(QStringLiteral("--")))) {
            ++seen;
        } else if (!script.isEmpty() &&
                   (a == QStringLiteral("--script") || a.startsWith(QStringLiteral("--script=")))) {
            before = std::min(seen, lines.size());
            break;
        }
    }
    return {lines.mid(0, before), script, steps, lines.mid(before)};
}

void GuiApp::runStartCommands(const StartCommands& start) {
    runLines(start.linesBefore, [this, start] {
        const auto after = [this, rest = start.linesAfter] {
            commands_->whenAnswered([this, rest] { runLines(rest); });
        };
        if (start.script.isEmpty()) {
            after();
            return;
        }
        connect(
            scripts_, &ScriptActions::opened, this,
            [this, steps = start.steps, after](bool runnable) {
                if (!runnable || steps <= 0) {
                    after();
                    return;
                }
                scripts_->run(steps);
                if (!script_->isBusy()) {
                    after();
                    return;
                }
                // The lines after the script wait for its run, and for its answers.
                auto waiting = std::make_shared<QMetaObject::Connection>();
                *waiting = connect(script_.get(), &ScriptRunner::progress, this,
                                   [this, waiting, after](int) {
                                       if (script_->isBusy())
                                           return;
                                       disconnect(*waiting);
                                       after();
                                   });
            },
            Qt::SingleShotConnection);
        scripts_->open(start.script);
    });
}

bool GuiApp::run(const QString& line) {
    if (!echoAndExecute(line, true))
        return false;
    bar_->accept();
    return true;
}

bool GuiApp::echoAndExecute(const QString& line, bool undoable, quint64 stepId) {
    // The echo and the answer are what the user asked to see: a GET answers with no
    // commandsDone, and a refused line with an error only, so the console comes forward now
    // (a line typed, given with -e, or an undo's).
    welcomeStepsAside();
    console_->appendCommand(line);
    const auto error = commands_->execute(line, undoable, stepId);
    if (!error)
        return true;
    console_->appendError(QStringLiteral("column %1: %2").arg(error->column).arg(error->message));
    if (undoable) // a line of the command bar: its error is shown there too
        bar_->showError(error->column, error->message);
    return false;
}

} // namespace syncscope

#include "guiapp.h"

#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "gradetablemodel.h"
#include "mainwindow.h"
#include "storeloader.h"
#include "storepanel.h"
#include "workspacesession.h"

#include "sampledata.h"
#include "scriptpanel.h"
#include "seedcsv.h"
#include "seedformat.h"
#include "storedialog.h"
#include "storeworker.h"
#include "workspacefile.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSaveFile>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace syncscope {

GuiApp::GuiApp(std::vector<StoreSpec> stores, const QString& workspaceLabel, QObject* parent)
    : QObject(parent)
    , stores_(stores)
    , label_(workspaceLabel) {
    session_ = std::make_unique<WorkspaceSession>(stores);
    commands_ = std::make_unique<CommandSession>(stores, session_->workers());
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
    console_ = new ConsoleView;
    window_->setConsole(console_);
    window_->restoreLayout();

    MainWindow* w = window_.get();
    connect(session_.get(), &WorkspaceSession::stateChanged, w,
            [w](int store, const QString& state) { w->storePanels()[store]->setState(state); });
    connect(session_.get(), &WorkspaceSession::countsChanged, w,
            [w](int store, const StoreCounts& c) { w->storePanels()[store]->setCounts(c); });
    connect(session_.get(), &WorkspaceSession::storeFailed, w, &MainWindow::showStatus);
    connect(session_.get(), &WorkspaceSession::allOpened, commands_.get(), &CommandSession::load);
    connect(w, &MainWindow::refreshRequested, session_.get(), &WorkspaceSession::refresh);

    connect(commands_.get(), &CommandSession::ready, bar_, [this] {
        bar_->setReady(true);
        bar_->lineEdit()->setFocus();
    });
    connect(commands_.get(), &CommandSession::failed, console_, &ConsoleView::appendError);
    connect(commands_.get(), &CommandSession::failed, w, &MainWindow::showStatus);
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
                GradeTableModel* grades = session_->grades(store);
                StorePanel* panel = window_->storePanels()[store];
                const int lastRow = grades->applyWrites(keys);
                if (lastRow >= 0)
                    panel->showGradeRow(lastRow, false);
                // The step's changed rows flash (a few: a big batch is not a step to follow).
                if (keys.size() <= 64) {
                    std::vector<int> rows;
                    for (const GradeRecord& g : keys)
                        if (const int r = grades->rowOf(g.studentId, g.courseId); r >= 0)
                            rows.push_back(r);
                    panel->flashGradeRows(rows);
                }
                panel->revealNextOplogRows();
                session_->loader(store)->refreshTail();
                if (!grades->isLoading())
                    panel->setCounts(StoreCounts{grades->rowCount(), -1});
            });
    connect(commands_.get(), &CommandSession::storeRewritten, this,
            [this](int store) { session_->loader(store)->reload(); });
    connect(bar_, &CommandBar::submitted, this, [this](const QString& line) { run(line); });

    // Testcase files.
    scriptPanel_ = new ScriptPanel;
    window_->setScriptPanel(scriptPanel_);
    connect(commands_.get(), &CommandSession::scriptProgress, this, [this](int done) {
        scriptPanel_->showPosition(commands_->scriptNextLine(), done, commands_->scriptTotal());
        updateScriptActions();
    });
    QMenu* file = window_->fileMenu();
    QAction* first = file->actions().value(0);
    auto* open = new QAction(QStringLiteral("&Open Script…"), window_.get());
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

    auto* exportAction = new QAction(QStringLiteral("&Export Oplogs…"), window_.get());
    exportAction->setShortcut(Qt::CTRL | Qt::Key_E);
    connect(exportAction, &QAction::triggered, this, [this] {
        QFileDialog::Options options;
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            options |= QFileDialog::DontUseNativeDialog;
        const QString dir = QFileDialog::getExistingDirectory(
            window_.get(), QStringLiteral("Export every store's oplog into"), QString(),
            options | QFileDialog::ShowDirsOnly);
        if (!dir.isEmpty())
            exportOplogs(dir);
    });
    file->insertAction(first, exportAction);
    connect(this, &GuiApp::oplogsExported, w, [w](const QString& dir, bool ok) {
        w->showStatus(ok ? QStringLiteral("Oplogs exported to %1").arg(dir)
                         : QStringLiteral("Exporting the oplogs to %1 failed").arg(dir));
    });

    createWorkspaceActions();

    QMenu* dataMenu = window_->addMenuBeforeHelp(QStringLiteral("&Data"));
    QAction* importAction = dataMenu->addAction(QStringLiteral("&Import CSV…"), this, [this] {
        QFileDialog::Options options;
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            options |= QFileDialog::DontUseNativeDialog;
        const QString path = QFileDialog::getOpenFileName(
            window_.get(), QStringLiteral("Import grades (student-ID,course-id,…,grade)"),
            QString(), QStringLiteral("CSV files (*.csv);;All files (*)"), nullptr, options);
        if (path.isEmpty())
            return;
        const QStringList targets = chooseStores(window_.get(), commands_->storeNames());
        if (!targets.isEmpty())
            importCsv(path, targets);
    });
    importAction->setShortcut(Qt::CTRL | Qt::Key_I);
    dataMenu->addAction(QStringLiteral("&Generate Sample Data…"), this, [this] {
        bool ok = false;
        const int students =
            QInputDialog::getInt(window_.get(), QStringLiteral("Sample data"),
                                 QStringLiteral("Students (SID1000…)"), 1000, 1, 1000000, 100, &ok);
        if (!ok)
            return;
        const int courses = QInputDialog::getInt(window_.get(), QStringLiteral("Sample data"),
                                                 QStringLiteral("Courses per student (CSE001…)"),
                                                 20, 1, 999, 1, &ok);
        if (!ok)
            return;
        const QStringList targets = chooseStores(window_.get(), commands_->storeNames());
        if (!targets.isEmpty())
            importSample(students, courses, targets);
    });
    connect(this, &GuiApp::dataImported, w,
            [this, w](int rows, bool canceled, const QString& error) {
                const QString message =
                    !error.isEmpty() ? error
                    : canceled       ? QStringLiteral("Import canceled after %1 rows").arg(rows)
                                     : QStringLiteral("Imported %1 rows").arg(rows);
                w->showStatus(message);
                (error.isEmpty() ? console_->appendResult(QStringLiteral("-- ") + message)
                                 : console_->appendError(message));
            });

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
        session_->refresh();
        console_->appendResult(
            QStringLiteral("-- reset: the stores are back where the script began"));
        scriptPanel_->showPosition(commands_->scriptNextLine(), 0, commands_->scriptTotal());
        updateScriptActions();
    });
    updateScriptActions();
}

bool GuiApp::openScript(const QString& path) {
    pauseScript();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        window_->showStatus(QStringLiteral("Cannot open %1: %2").arg(path, file.errorString()));
        return false;
    }
    const QByteArray bytes = file.readAll();
    const std::vector<ScriptError> errors =
        commands_->openScript(QFileInfo(path).fileName(),
                              std::string(bytes.constData(), static_cast<size_t>(bytes.size())));
    QList<ScriptView::Mark> marks;
    for (const ScriptError& e : errors) {
        marks.push_back({static_cast<int>(e.line), static_cast<int>(e.column),
                         QString::fromStdString(e.message)});
        console_->appendError(QStringLiteral("%1:%2:%3: %4")
                                  .arg(QFileInfo(path).fileName())
                                  .arg(e.line)
                                  .arg(e.column)
                                  .arg(QString::fromStdString(e.message)));
    }
    scriptPanel_->showScript(QFileInfo(path).fileName(), QString::fromUtf8(bytes), marks);
    if (errors.empty()) {
        scriptPanel_->showPosition(commands_->scriptNextLine(), 0, commands_->scriptTotal());
        commands_->markResetPoint();
    }
    rememberRecent(QFileInfo(path).absoluteFilePath());
    updateScriptActions();
    return errors.empty();
}

void GuiApp::stepScript() {
    commands_->stepScript();
}

void GuiApp::runScript(int untilDone) {
    commands_->runScriptTo(untilDone < 0 ? commands_->scriptTotal() : untilDone);
    updateScriptActions();
}

void GuiApp::runToCursor() {
    runScript(commands_->commandsBeforeLine(scriptPanel_->view()->cursorLine()));
}

void GuiApp::pauseScript() {
    commands_->stopScript();
    updateScriptActions();
}

bool GuiApp::isRunning() const {
    return commands_->scriptBusy();
}

void GuiApp::resetScript() {
    pauseScript();
    if (!commands_->canReset())
        return;
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

GuiApp::~GuiApp() = default;

void GuiApp::start() {
    window_->show();
    session_->openAll();
}

void GuiApp::createWorkspaceActions() {
    QMenu* file = window_->fileMenu();
    QAction* first = file->actions().value(0);
    QFileDialog::Options options;
    if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
        options |= QFileDialog::DontUseNativeDialog;

    auto* newWs = new QAction(QStringLiteral("&New Workspace"), window_.get());
    newWs->setShortcut(QKeySequence::New);
    connect(newWs, &QAction::triggered, this, [this] {
        const QString dir = WorkspaceSession::defaultDataDir();
        Q_EMIT workspaceRequested(
            WorkspaceSession::defaultStores(dir),
            QStringLiteral("default workspace (embedded SQLite in %1)").arg(dir));
    });
    auto* openWs = new QAction(QStringLiteral("Open &Workspace…"), window_.get());
    openWs->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    connect(openWs, &QAction::triggered, this, [this, options] {
        const QString path = QFileDialog::getOpenFileName(
            window_.get(), QStringLiteral("Open a workspace"), QString(),
            QStringLiteral("Workspaces (*.json)"), nullptr, options);
        if (path.isEmpty())
            return;
        WorkspaceFile ws = WorkspaceFile::load(path);
        if (!ws.error.isEmpty()) {
            QMessageBox::warning(window_.get(), QStringLiteral("Open workspace"), ws.error);
            return;
        }
        Q_EMIT workspaceRequested(ws.stores, path);
    });
    auto* saveWs = new QAction(QStringLiteral("&Save Workspace As…"), window_.get());
    saveWs->setShortcut(QKeySequence::SaveAs);
    connect(saveWs, &QAction::triggered, this, [this, options] {
        const QString path = QFileDialog::getSaveFileName(
            window_.get(), QStringLiteral("Save the workspace"), QStringLiteral("workspace.json"),
            QStringLiteral("Workspaces (*.json)"), nullptr, options);
        if (path.isEmpty())
            return;
        const QString error = saveWorkspace(path);
        window_->showStatus(error.isEmpty() ? QStringLiteral("Workspace saved to %1").arg(path)
                                            : error);
    });
    for (QAction* a : {newWs, openWs, saveWs})
        file->insertAction(first, a);
    file->insertSeparator(first);

    QMenu* storeMenu = window_->addMenuBeforeHelp(QStringLiteral("S&tore"));
    storeMenu->addAction(QStringLiteral("&Add Store…"), this, [this] {
        StoreDialog dialog({}, namesOfOthers(-1), window_.get());
        if (dialog.exec() == QDialog::Accepted)
            addStore(dialog.spec());
    });
    QMenu* edit = storeMenu->addMenu(QStringLiteral("&Edit Store"));
    QMenu* remove = storeMenu->addMenu(QStringLiteral("&Remove Store"));
    for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
        const QString name = QString::fromStdString(stores_[static_cast<size_t>(i)].name);
        edit->addAction(name + QStringLiteral("…"), this, [this, i] {
            StoreDialog dialog(stores_[static_cast<size_t>(i)], namesOfOthers(i), window_.get());
            if (dialog.exec() == QDialog::Accepted)
                replaceStore(i, dialog.spec());
        });
        remove->addAction(name, this, [this, i, name] {
            if (QMessageBox::question(window_.get(), QStringLiteral("Remove store"),
                                      QStringLiteral("Remove %1 from the workspace? Its data stays "
                                                     "where it is.")
                                          .arg(name)) == QMessageBox::Yes)
                removeStore(i);
        });
    }
}

QStringList GuiApp::namesOfOthers(int except) const {
    QStringList names;
    for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
        if (i == except)
            continue;
        names << QString::fromStdString(stores_[static_cast<size_t>(i)].name);
        for (const std::string& a : stores_[static_cast<size_t>(i)].aliases)
            names << QString::fromStdString(a);
    }
    return names;
}

QString GuiApp::saveWorkspace(const QString& path) const {
    return WorkspaceFile::save(path, stores_);
}

void GuiApp::addStore(const StoreSpec& spec) {
    std::vector<StoreSpec> next = stores_;
    next.push_back(spec);
    Q_EMIT workspaceRequested(next, label_);
}

void GuiApp::replaceStore(int index, const StoreSpec& spec) {
    std::vector<StoreSpec> next = stores_;
    next[static_cast<size_t>(index)] = spec;
    Q_EMIT workspaceRequested(next, label_);
}

void GuiApp::removeStore(int index) {
    std::vector<StoreSpec> next = stores_;
    next.erase(next.begin() + index);
    Q_EMIT workspaceRequested(next, label_);
}

void GuiApp::exportOplogs(const QString& dir) {
    if (!QDir().mkpath(dir)) {
        console_->appendError(QStringLiteral("cannot create %1").arg(dir));
        Q_EMIT oplogsExported(dir, false);
        return;
    }
    commands_->whenWritten([this, dir] {
        const std::vector<StoreWorker*> workers = session_->workers();
        auto pending = std::make_shared<size_t>(workers.size());
        auto ok = std::make_shared<bool>(true);
        for (size_t s = 0; s < workers.size(); ++s) {
            const QString name = session_->description(static_cast<int>(s)).name;
            const QString path =
                QDir(dir).filePath(QString::fromStdString(exportFileName(name.toStdString())));
            auto done = [this, dir, pending, ok] {
                if (--*pending == 0)
                    Q_EMIT oplogsExported(dir, *ok);
            };
            if (!workers[s]) {
                *ok = false;
                done();
                continue;
            }
            workers[s]->readOplog().then(
                this, [this, path, ok, done](QFuture<Result<std::vector<LogRecord>>> f) {
                    const Result<std::vector<LogRecord>> log = f.takeResult();
                    std::string text;
                    if (log)
                        for (const LogRecord& r : log.value())
                            appendExportLine(text, r);
                    QSaveFile file(path);
                    if (!log || !file.open(QIODevice::WriteOnly) ||
                        file.write(text.data(), static_cast<qint64>(text.size())) !=
                            static_cast<qint64>(text.size()) ||
                        !file.commit()) {
                        *ok = false;
                        console_->appendError(log ? path + QStringLiteral(": ") + file.errorString()
                                                  : log.error().toString());
                    }
                    done();
                });
        }
    });
}

void GuiApp::importSample(int students, int courses, const QStringList& stores) {
    QtConcurrent::run([students, courses] {
        auto data = std::make_shared<SeedData>();
        data->fileName = "sample";
        data->rows = generateSampleData(students, courses);
        return data;
    }).then(this, [this, stores](std::shared_ptr<SeedData> data) {
        importSeedData(std::move(data), stores);
    });
}

void GuiApp::importCsv(const QString& path, const QStringList& stores) {
    QtConcurrent::run([path] {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return std::make_shared<SeedData>(
                SeedData{path.toStdString(), {}, {{1, 1, file.errorString().toStdString()}}});
        const QByteArray bytes = file.readAll();
        return std::make_shared<SeedData>(
            parseSeedCsv(QFileInfo(path).fileName().toStdString(),
                         std::string_view(bytes.constData(), static_cast<size_t>(bytes.size()))));
    }).then(this, [this, stores](std::shared_ptr<SeedData> data) {
        importSeedData(std::move(data), stores);
    });
}

void GuiApp::importSeedData(std::shared_ptr<SeedData> data, const QStringList& stores) {
    std::vector<int> chosen;
    const QStringList names = commands_->storeNames();
    for (const QString& s : stores)
        if (names.contains(s))
            chosen.push_back(static_cast<int>(names.indexOf(s)));
    if (!data->errors.empty()) {
        for (const ScriptError& e : data->errors)
            console_->appendError(QString::fromStdString(data->formatError(e)));
        Q_EMIT dataImported(0, false,
                            QString::fromStdString(data->formatError(data->errors.front())));
        return;
    }
    auto rows = std::make_shared<const std::vector<SeedRow>>(std::move(data->rows));
    auto* progress =
        new QProgressDialog(QStringLiteral("Importing grades…"), QStringLiteral("Cancel"), 0,
                            static_cast<int>(rows->size()), window_.get());
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    auto update = connect(commands_.get(), &CommandSession::importProgress, progress,
                          &QProgressDialog::setValue);
    connect(progress, &QProgressDialog::canceled, commands_.get(), &CommandSession::cancelImport);
    auto finished = std::make_shared<QMetaObject::Connection>();
    *finished = connect(commands_.get(), &CommandSession::importFinished, this,
                        [this, progress, update, finished](int done, bool canceled) {
                            disconnect(update);
                            disconnect(*finished);
                            progress->close();
                            Q_EMIT dataImported(done, canceled, QString());
                        });
    commands_->importRows(rows, chosen);
}

QStringList GuiApp::chooseStores(QWidget* parent, const QStringList& names) {
    QDialog dialog(parent);
    dialog.setWindowTitle(QStringLiteral("Import into which stores?"));
    auto* list = new QListWidget(&dialog);
    for (const QString& n : names) {
        auto* item = new QListWidgetItem(n, list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(list);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    QStringList chosen;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            chosen << list->item(i)->text();
    return chosen;
}

void GuiApp::runLines(const QStringList& lines) {
    for (const QString& line : lines) {
        bar_->lineEdit()->setText(line);
        if (!run(line))
            return;
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

#include "guiapp.h"

#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "gradetablemodel.h"
#include "mainwindow.h"
#include "storeloader.h"
#include "storepanel.h"
#include "workspacesession.h"

#include <QItemSelectionModel>
#include <QLineEdit>
#include <QTableView>

namespace syncscope {

GuiApp::GuiApp(std::vector<StoreSpec> stores, const QString& workspaceLabel, QObject* parent)
    : QObject(parent) {
    session_ = std::make_unique<WorkspaceSession>(stores);
    commands_ = std::make_unique<CommandSession>(stores, session_->workers());
    window_ = std::make_unique<MainWindow>(session_->summary(), workspaceLabel);
    for (int i = 0; i < session_->storeCount(); ++i)
        window_->addStorePanel(
            new StorePanel(session_->description(i), session_->grades(i), session_->oplog(i)));
    bar_ = new CommandBar;
    bar_->setStoreNames(commands_->storeNames());
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
    connect(commands_.get(), &CommandSession::getAnswered, this,
            [this](const QString& line, int store, const QString& sid, const QString& cid) {
                console_->appendResult(line);
                // Show the row the GET read, in its store's panel.
                StorePanel* panel = window_->storePanels()[store];
                const int row =
                    session_->grades(store)->rowOf(sid.toStdString(), cid.toStdString());
                if (row >= 0) {
                    panel->gradeView()->selectRow(row);
                    panel->gradeView()->scrollTo(panel->gradeView()->model()->index(row, 0));
                }
            });
    connect(commands_.get(), &CommandSession::storeCommitted, this,
            [this](int store, const std::vector<GradeRecord>& keys) {
                GradeTableModel* grades = session_->grades(store);
                StorePanel* panel = window_->storePanels()[store];
                int lastRow = -1;
                for (const GradeRecord& g : keys)
                    lastRow = grades->applyWrite(g);
                if (lastRow >= 0)
                    panel->gradeView()->scrollTo(grades->index(lastRow, 0));
                session_->loader(store)->refreshTail();
                if (!grades->isLoading())
                    panel->setCounts(StoreCounts{grades->rowCount(), -1});
            });
    connect(bar_, &CommandBar::submitted, this, [this](const QString& line) { run(line); });
}

GuiApp::~GuiApp() = default;

void GuiApp::start() {
    window_->show();
    session_->openAll();
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

#include "conflictactions.h"

#include "clockskewpanel.h"
#include "commandsession.h"
#include "conflictview.h"
#include "gradetablemodel.h"
#include "historyplots.h"
#include "mainwindow.h"
#include "scriptrunner.h"
#include "storepanel.h"
#include "workspacesession.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>

namespace syncscope {

ConflictActions::ConflictActions(MainWindow* window, WorkspaceSession* session,
                                 CommandSession* commands, ScriptRunner* script, QObject* parent)
    : QObject(parent)
    , window_(window)
    , session_(session)
    , commands_(commands)
    , view_(new ConflictView(commands->storeNames()))
    , plots_(new HistoryPlots) {
    dock_ =
        window->addConsoleTab(view_, QStringLiteral("Conflicts"), QStringLiteral("dock-conflicts"));
    plotsDock_ = window->addConsoleTab(plots_, QStringLiteral("History"),
                                       QStringLiteral("dock-history-plots"));

    QMenu* menu = window->addMenuBeforeHelp(QStringLiteral("&Conflicts"));
    QAction* show = menu->addAction(QStringLiteral("&Show Conflicts"));
    show->setShortcut(Qt::CTRL | Qt::Key_K);
    connect(show, &QAction::triggered, this, &ConflictActions::showConflicts);
    QAction* again = menu->addAction(QStringLiteral("&Classify Again"));
    again->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_K);
    connect(again, &QAction::triggered, this, &ConflictActions::refresh);
    menu->addSeparator();
    QAction* history = menu->addAction(QStringLiteral("Show &History Plots"));
    history->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_H);
    connect(history, &QAction::triggered, this, &ConflictActions::showPlots);
    QAction* exportPlot = menu->addAction(QStringLiteral("&Export Plot…"));
    exportPlot->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
    connect(exportPlot, &QAction::triggered, this, [this] {
        showPlots();
        plots_->exportWithDialog();
    });

    settle_.setSingleShot(true);
    settle_.setInterval(150);
    connect(&settle_, &QTimer::timeout, this, &ConflictActions::refresh);

    connect(view_, &ConflictView::refreshRequested, this, &ConflictActions::refresh);
    connect(commands, &CommandSession::plotsCaptured, plots_, &HistoryPlots::setCapture);
    ClockSkewPanel* skew = view_->clockSkew();
    connect(commands, &CommandSession::skewWhatIfCaptured, skew, &ClockSkewPanel::setReport);
    connect(skew, &ClockSkewPanel::offsetsChanged, this, [this, skew] {
        commands_->setClockOffsets(skew->appliedOffsets());
        skew->setReport(nullptr); // what was shown was for other offsets
        refresh();
    });
    connect(commands, &CommandSession::conflictsCaptured, this,
            [this](std::shared_ptr<const ConflictSnapshot> snapshot) {
                inFlight_ = false;
                view_->setBusy(false);
                view_->setSnapshot(std::move(snapshot));
                if (again_)
                    refresh();
            });
    // Anything that can change a store's state makes the shown classification stale.
    connect(commands, &CommandSession::ready, this, &ConflictActions::changed);
    connect(commands, &CommandSession::storeCommitted, this, &ConflictActions::changed);
    connect(commands, &CommandSession::storeRewritten, this, &ConflictActions::changed);
    connect(script, &ScriptRunner::progress, this, &ConflictActions::changed);
    connect(commands, &CommandSession::importFinished, this, &ConflictActions::changed);
    // A store whose server is down is left out of the comparison (it would count every key as
    // missing), until it is back.
    connect(commands, &CommandSession::storeUnavailable, this, [this](int store) {
        view_->setStoreAvailable(store, false);
        changed();
    });
    connect(commands, &CommandSession::storeAvailable, this, [this](int store) {
        view_->setStoreAvailable(store, true);
        changed();
    });
    for (QDockWidget* d : {dock_, plotsDock_})
        connect(d, &QDockWidget::visibilityChanged, this, [this](bool visible) {
            if (visible && stale_)
                refresh();
        });
    connect(view_, &ConflictView::keySelected, this,
            [this](const QString& sid, const QString& cid) {
                plots_->selectKey(sid, cid);
                showKey(sid, cid);
            });
    connect(plots_, &HistoryPlots::keySelected, this,
            [this](const QString& sid, const QString& cid) {
                // A key the grid lists is shown through the grid's own selection signal.
                if (!view_->selectKey(sid, cid))
                    showKey(sid, cid);
            });
}

void ConflictActions::showKey(const QString& studentId, const QString& courseId) {
    const QList<StorePanel*> panels = window_->storePanels();
    for (int i = 0; i < panels.size(); ++i) {
        const int row = session_->grades(i)->rowOf(studentId.toStdString(), courseId.toStdString());
        if (row >= 0)
            panels[i]->showGradeRow(row, true);
    }
}

void ConflictActions::showPlots() {
    plotsDock_->show();
    plotsDock_->raise();
    refresh();
}

void ConflictActions::showConflicts() {
    dock_->show();
    dock_->raise();
    refresh();
}

void ConflictActions::changed() {
    stale_ = true;
    // Capture only what someone is looking at; a hidden dock captures when shown.
    const bool seen = !view_->visibleRegion().isEmpty() || !plots_->visibleRegion().isEmpty();
    if (view_->autoRefresh() && seen)
        settle_.start();
}

void ConflictActions::refresh() {
    if (!commands_->isReady())
        return; // ready() triggers one
    if (inFlight_) {
        again_ = true;
        return;
    }
    again_ = false;
    inFlight_ = true;
    stale_ = false;
    view_->setBusy(true);
    commands_->captureConflicts(view_->chosenStores());
    if (view_->clockSkew()->anyOffset())
        commands_->captureSkewWhatIf(view_->chosenStores(), view_->clockSkew()->offsets());
}

} // namespace syncscope

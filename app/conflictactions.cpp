#include "conflictactions.h"

#include "commandsession.h"
#include "conflictview.h"
#include "gradetablemodel.h"
#include "mainwindow.h"
#include "storepanel.h"
#include "workspacesession.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>

namespace syncscope {

ConflictActions::ConflictActions(MainWindow* window, WorkspaceSession* session,
                                 CommandSession* commands, QObject* parent)
    : QObject(parent)
    , window_(window)
    , session_(session)
    , commands_(commands)
    , view_(new ConflictView(commands->storeNames())) {
    dock_ =
        window->addConsoleTab(view_, QStringLiteral("Conflicts"), QStringLiteral("dock-conflicts"));

    QMenu* menu = window->addMenuBeforeHelp(QStringLiteral("&Conflicts"));
    QAction* show = menu->addAction(QStringLiteral("&Show Conflicts"));
    show->setShortcut(Qt::CTRL | Qt::Key_K);
    connect(show, &QAction::triggered, this, &ConflictActions::showConflicts);
    QAction* again = menu->addAction(QStringLiteral("&Classify Again"));
    again->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_K);
    connect(again, &QAction::triggered, this, &ConflictActions::refresh);

    settle_.setSingleShot(true);
    settle_.setInterval(150);
    connect(&settle_, &QTimer::timeout, this, &ConflictActions::refresh);

    connect(view_, &ConflictView::refreshRequested, this, &ConflictActions::refresh);
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
    connect(commands, &CommandSession::scriptProgress, this, &ConflictActions::changed);
    connect(commands, &CommandSession::importFinished, this, &ConflictActions::changed);
    connect(dock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && stale_)
            refresh();
    });
    connect(
        view_, &ConflictView::keySelected, this, [this](const QString& sid, const QString& cid) {
            const QList<StorePanel*> panels = window_->storePanels();
            for (int i = 0; i < panels.size(); ++i) {
                const int row = session_->grades(i)->rowOf(sid.toStdString(), cid.toStdString());
                if (row >= 0)
                    panels[i]->showGradeRow(row, true);
            }
        });
}

void ConflictActions::showConflicts() {
    dock_->show();
    dock_->raise();
    refresh();
}

void ConflictActions::changed() {
    stale_ = true;
    // Classify only what someone is looking at; a hidden dock classifies when shown.
    if (view_->autoRefresh() && !view_->visibleRegion().isEmpty())
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
}

} // namespace syncscope

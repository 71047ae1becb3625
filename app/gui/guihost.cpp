#include "guihost.h"

#include "guiapp.h"
#include "workspaceactions.h"

#include <QTimer>

namespace syncscope {

GuiHost::GuiHost(QObject* parent)
    : QObject(parent) {}

GuiHost::~GuiHost() = default;

void GuiHost::open(std::vector<StoreSpec> stores, const QString& label) {
    // The console, the script, the window's size and docks stay as they were.
    std::optional<CarriedSession> carried;
    if (app_)
        carried = app_->carry();
    app_.reset(); // closes the stores (each worker closes its connection) and the window
    app_ = std::make_unique<GuiApp>(std::move(stores), label);
    if (carried)
        app_->takeOver(std::move(*carried));
    connect(app_->workspace(), &WorkspaceActions::workspaceRequested, this,
            [this](const std::vector<StoreSpec>& next, const QString& nextLabel) {
                QTimer::singleShot(0, this, [this, next, nextLabel] { open(next, nextLabel); });
            });
    app_->start();
    Q_EMIT appChanged(app_.get());
}

} // namespace syncscope

#pragma once

#include "storedirectory.h"

#include <QObject>

#include <memory>
#include <vector>

namespace syncscope {

class GuiApp;

// Keeps the one running program and replaces it when the workspace changes (another file, a
// store added, edited or removed): the old one closes its stores and window first, then the
// new one opens on the new list. The replacement waits for the event loop, so the action
// that asked for it has returned.
class GuiHost : public QObject {
    Q_OBJECT
public:
    explicit GuiHost(QObject* parent = nullptr);
    ~GuiHost() override;

    void open(std::vector<StoreSpec> stores, const QString& label);
    GuiApp* app() const { return app_.get(); }

Q_SIGNALS:
    void appChanged(syncscope::GuiApp* app);

private:
    std::unique_ptr<GuiApp> app_;
};

} // namespace syncscope

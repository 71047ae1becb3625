#pragma once

#include "storedirectory.h"
#include "storesummarymodel.h"

#include <QObject>

#include <memory>
#include <vector>

namespace syncscope {

class StoreWorker;

// The GUI's live workspace: one StoreWorker per store and the summary model they feed. All
// store calls are asynchronous; results land on the UI thread through QFuture continuations.
class WorkspaceSession : public QObject {
    Q_OBJECT
public:
    explicit WorkspaceSession(std::vector<StoreSpec> stores, QObject* parent = nullptr);
    ~WorkspaceSession() override;

    // The default workspace of SPEC §2: one SQLite file per default store in dataDir.
    static std::vector<StoreSpec> defaultStores(const QString& dataDir);

    StoreSummaryModel* summary() { return &summary_; }
    void openAll();
    void refreshCounts();

Q_SIGNALS:
    void storeFailed(const QString& message);

private:
    std::vector<std::unique_ptr<StoreWorker>> workers_;
    std::vector<bool> opened_;
    StoreSummaryModel summary_;
};

} // namespace syncscope

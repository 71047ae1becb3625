#pragma once

#include "store.h"
#include "storedirectory.h"
#include "storesummarymodel.h"

#include <QObject>

#include <functional>

#include <memory>
#include <vector>

namespace syncscope {

class GradeTableModel;
class OplogModel;
class StoreLoader;
class StoreWorker;

// The GUI's live workspace: per store a StoreWorker (its thread and connection), its grade
// table and oplog models and the loader feeding them, plus the summary model. All store calls
// are asynchronous; results land on the UI thread through QFuture continuations.
class WorkspaceSession : public QObject {
    Q_OBJECT
public:
    explicit WorkspaceSession(std::vector<StoreSpec> stores, QObject* parent = nullptr);
    ~WorkspaceSession() override;

    // The default workspace of docs/backends.md: one SQLite file per default store in
    // dataDir.
    static std::vector<StoreSpec> defaultStores(const QString& dataDir);
    // $SYNCSCOPE_DATA_DIR, or the application's data folder + /stores.
    static QString defaultDataDir();

    int storeCount() const { return static_cast<int>(stores_.size()); }
    StoreDescription description(int store) const;
    GradeTableModel* grades(int store) const;
    OplogModel* oplog(int store) const;
    StoreSummaryModel* summary() { return &summary_; }
    StoreLoader* loader(int store) const;
    // The stores' workers, in workspace order (null where a store could not be created).
    std::vector<StoreWorker*> workers() const;

    // Opens every store, then loads its views.
    void openAll();
    void refresh();
    // Opens a store that failed to open again (Retry in its panel); storeOpened() or
    // storeOpenFailed() follows.
    void retry(int store);
    bool isOpen(int store) const;

Q_SIGNALS:
    void stateChanged(int store, const QString& state);
    // Every store answered the open (some may have failed): commands can load.
    void allOpened();
    void countsChanged(int store, const syncscope::StoreCounts& counts);
    // A store failed, or has news while it works (StoreWorker::notice); names the store.
    void storeFailed(const QString& message);
    // A store could not be opened (before allOpened() when at the start), and why; or it
    // opened after a retry() and its views are loading.
    void storeOpenFailed(int store, const QString& reason);
    void storeOpened(int store);

private:
    struct Slot;
    void setState(int store, const QString& state);
    // Reads a server's password from the keychain where it needs one, then opens the store.
    void openStore(int index, std::function<void()> answered);
    void opened(int index, const Status& s, const QString& keychainProblem,
                const std::function<void()>& answered);
    void load(int store);
    // The store answered its open (or ran out of patience): once for each, allOpened() after
    // the last.
    void answer(int store);

    std::vector<std::unique_ptr<Slot>> stores_;
    int openAnswers_ = 0;
    std::vector<char> answered_;
    StoreSummaryModel summary_;
};

} // namespace syncscope

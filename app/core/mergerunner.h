#pragma once

#include "auditlog.h"
#include "logrecord.h"
#include "manualpick.h"
#include "mergeoutcome.h"
#include "mergepreview.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace syncscope {

class CommandSession;
class StoreWorker;

// Plans, applies and verifies the merges MergeDialog sets up, and keeps the audit log.
//
// Planning runs on the command engine's thread (CommandSession::withEngine) and comes back as a
// MergePreview. Apply takes the very plan that preview shows and applies it in batches: the
// engine applies a batch, the targets' workers commit it (one transaction per batch, data and
// oplog together), its key rows go to the audit log, and only then the next batch starts, so
// Cancel stops between batches with nothing half-written, and a second run of the same merge
// plans only what is left. Verify re-reads each target and compares it with what the plan put
// there. Audit calls run one at a time on a pool of one thread, in order.
class MergeRunner : public QObject {
    Q_OBJECT
public:
    MergeRunner(CommandSession* session, std::vector<StoreWorker*> workers, QString auditPath,
                QString workspace, QObject* parent = nullptr);
    ~MergeRunner() override;

    const QString& auditPath() const { return audit_.path(); }
    QStringList storeNames() const;

    // Plans on the engine's thread; previewReady() follows (a later request supersedes).
    void preview(const MergeRequest& request, const ManualPicks& picks);
    // Applies the plan of the last preview; progress() then finished() follow. `inside`: the
    // target's own engine merges the source (Store::mergeInside) where mergeInsideProblem()
    // allows it, so no row passes through Syncscope; elsewhere the usual batches.
    void apply(bool inside = false);
    // Why `request` cannot be merged inside the target's engine; empty when it can.
    QString mergeInsideProblem(const MergeRequest& request, const ManualPicks& picks) const;
    // Stops between batches; a merge inside the target's engine is canceled on the server.
    void cancel() {
        canceled_ = true;
        *stopInside_ = true;
    }
    bool applying() const { return applying_; }
    // Compares each target of the last applied plan with what it should hold; verified().
    void verify();
    // A compensating write for an audit "key" row: the target gets the row's value from before
    // the merge back, as a new write that beats every write of the key; logged as "revert".
    void revert(const AuditEntry& keyRow, const QString& note);
    // Script > Reset rolled every store back: the chain says so ("reset"), so merges listed
    // before it are known to be undone.
    void recordReset(const QString& script, int commandsUndone, int mergesUndone);
    // Records that an interrupted merge will not be completed.
    void abandon(const AuditEntry& mergeRow);

    // Per target (by name): the rows it should hold after the last applied plan.
    using Expected = ExpectedRows;

    // Audit reads and checks, on the audit thread. readAudit(0): every entry.
    QFuture<Result<std::vector<AuditEntry>>> readAudit(size_t newest = 0);
    QFuture<Result<AuditChainCheck>> verifyAudit();
    QFuture<Result<std::optional<AuditEntry>>> unfinishedMerge();

Q_SIGNALS:
    void previewReady(std::shared_ptr<const syncscope::MergePreview> preview);
    void progress(qint64 done, qint64 total, double perSecond, double secondsLeft);
    void finished(const QString& summary, bool canceled);
    void verified(const QString& report, qint64 differences);
    void auditChanged();
    void failed(const QString& message);

private:
    struct EngineSide;
    // One batch as the engine applied it: its audit rows and how far the plan is.
    struct Batch {
        AuditKeyRows rows;
        bool stale = false;
        size_t done = 0, total = 0, skipped = 0;
    };
    static bool planIsStale(const EngineSide& side, const Engine& e, int generation);
    static void applyStretch(EngineSide& side, Batch& batch, Engine& e, size_t end,
                             const AuditEntry& keyRow, const ManualPicks& picks);
    void abandonStale();
    void applyNextBatch();
    void applyInside();
    void mirrorInsideMerge(size_t target, int64_t appended);
    void batchCommitted(Batch& batch);
    void finish(const QString& status, const QString& summary, bool canceled);
    void verifyTargets(std::shared_ptr<const Expected> expected);
    void appendAudit(std::vector<AuditEntry> rows);
    void appendKeyRows(AuditKeyRows rows);
    // Runs an append on the audit thread, after every append asked for before it.
    void auditInOrder(std::function<Result<bool>()> append);
    AuditEntry auditRow(const QString& kind) const;

    CommandSession* session_;
    std::vector<StoreWorker*> workers_;
    AuditLog audit_;
    QString workspace_;
    QThreadPool auditPool_;
    std::shared_ptr<EngineSide> engine_; // touched only on the engine's thread
    std::shared_ptr<const MergePreview> shown_;
    ManualPicks shownPicks_;
    // A preview asked for while a merge applies waits for it: the plan being applied must not
    // be replaced under it.
    std::optional<std::pair<MergeRequest, ManualPicks>> waitingPreview_;
    int previewGeneration_ = 0;
    bool applying_ = false;
    bool canceled_ = false;
    // Read by the target's worker while it merges inside; set by cancel().
    std::shared_ptr<std::atomic<bool>> stopInside_ = std::make_shared<std::atomic<bool>>(false);
    bool inside_ = false;         // this apply runs inside the target's engine
    bool engineFinished_ = false; // the engine has applied the plan's last batch
    int inFlight_ = 0;            // batches asked of the engine and not yet committed
    int64_t mergeId_ = 0;
    qint64 done_ = 0;
    QElapsedTimer clock_;
};

} // namespace syncscope

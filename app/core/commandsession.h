#pragma once

#include "clockskew.h"
#include "conflictsnapshot.h"
#include "logrecord.h"
#include "plotcapture.h"
#include "script.h"
#include "seedcsv.h"
#include "storedirectory.h"
#include "storeshipping.h"

#include <QObject>
#include <QThread>

#include <deque>
#include <functional>

#include <memory>
#include <optional>
#include <vector>

namespace syncscope {

class Catalog;
class CommandExecutor;
class Engine;
class StoreWorker;
struct EngineMirror;
struct EngineOutput;

// Commands typed or stepped in the GUI, run the way syncscope-cli runs them: an engine mirrors
// every store (built from their oplogs in the background) and executes the commands; the
// entries it appends go to the stores' workers through the Outbox (origin first,
// docs/crash-safety.md), never waited on.
//
// The engine lives on a thread of its own: the UI thread parses and binds a line (cheap, and
// errors must show at once), then hands the commands over and gets back, in order, what they
// produced — the records to ship, the states of the keys they wrote, GET answers. A FULL_SYNC
// over a million keys therefore never stalls the window. When a store has committed a batch,
// storeCommitted() tells the views which keys changed and what they held after it.
class CommandSession : public QObject {
    Q_OBJECT
public:
    CommandSession(std::vector<StoreSpec> stores, std::vector<StoreWorker*> workers,
                   QObject* parent = nullptr);
    ~CommandSession() override;

    // Reads every store's oplog and builds the engine in the background; ready() follows.
    void load();
    bool isReady() const { return ready_; }

    struct LineError {
        int column = 0; // 1-based
        QString message;
    };
    // Parses one script line and hands it to the engine. Returns the error (nothing ran) or
    // nothing; the effects arrive asynchronously. A SET or DELETE of an `undoable` line that
    // changes its key is offered back through writeUndoable().
    // `stepId`: the Undo step an undo's (or redo's) line runs for, told back through
    // stepNotWritten() when a store refuses its write (0: none).
    std::optional<LineError> execute(const QString& line, bool undoable = false,
                                     quint64 stepId = 0);

    // A store whose server could not be opened, or whose oplog could not be read, takes no
    // part until it is back: the engine holds nothing for it, and a line or script step naming
    // it is refused with `reason` (at the name). storeUnavailable() follows.
    void setUnavailable(int store, const QString& reason);
    bool isUnavailable(int store) const { return unavailable_[static_cast<size_t>(store)] != 0; }
    // Why the store takes no part, as a line refusing it says it.
    QString unavailableMessage(int store) const;
    // The store opened after all: its oplog enters the engine as at load, and lines may name it
    // again; storeAvailable() follows, or storeUnavailable() with why it still cannot.
    void bringBack(int store);

    QStringList storeNames() const;
    int storeCount() const { return static_cast<int>(stores_.size()); }
    // The workspace's stores as a script names them (a testcase file is bound against them).
    const StoreDirectory& directory() const { return directory_; }
    // The store a script would mean by `spelled` (any case, canonical name or alias), or -1.
    int storeIndex(const QString& spelled) const;

    // Classifies every key across the given stores (docs/script-language.md) on the engine's
    // thread, as of everything handed to the engine so far, and takes what the history plots draw
    // (their oplogs as a timeline, the divergence of every pair so far); plotsCaptured() and then
    // conflictsCaptured() follow.
    void captureConflicts(std::vector<int> stores);

    // The clock-skew what-if. Offsets per store for commands typed from now on: a SET or
    // DELETE typed for store s is written at its timestamp + offsets[s] (a store whose clock
    // is off). Empty or zeros: none.
    void setClockOffsets(std::vector<int64_t> offsets) { clockOffsets_ = std::move(offsets); }
    const std::vector<int64_t>& clockOffsets() const { return clockOffsets_; }
    // Which winners would flip had the stores' clocks been off by `offsets` all along
    // (clockskew.h), over the given stores' oplogs, on the engine thread;
    // skewWhatIfCaptured() follows.
    void captureSkewWhatIf(std::vector<int> stores, std::vector<int64_t> offsets);

    // Runs fn with the engine on its thread, after everything handed to it so far; whatever
    // fn appends to the replicas' logs is shipped to the stores like a command's effects. Then
    // `done` runs on this thread. The merge runner plans and applies merges through it.
    void withEngine(std::function<void(Engine&, Catalog&)> fn, std::function<void()> done = {});
    // As withEngine, for a change store `writtenBy` has already made by itself (a merge run
    // inside its own engine): what fn appends to that store's log counts as committed and is
    // not sent to it again. Only while the store has nothing queued or in flight (storeIdle).
    void withEngineWrittenBy(size_t writtenBy, std::function<void(Engine&, Catalog&)> fn,
                             std::function<void()> done);
    bool storeIdle(size_t store) const { return shipping_->idle(store); }
    // How many records each store has been handed so far, and a call for when each store has
    // committed at least that many: lets a caller wait for one batch while the next is made.
    std::vector<uint64_t> handedOut() const { return shipping_->handedOut(); }
    void whenCommittedUpTo(std::vector<uint64_t> marks, std::function<void()> fn) {
        shipping_->whenCommittedUpTo(std::move(marks), std::move(fn));
    }

    // Calls fn once everything run so far is on its way to the stores: store calls made in fn
    // are served after those writes (a worker serves its calls in order).
    void whenWritten(std::function<void()> fn);
    // Calls fn once every line run so far has had its answer shown (commandsDone,
    // getsAnswered): answers wait for durability, so the next line's echo comes after them.
    void whenAnswered(std::function<void()> fn);

    // Seed rows (a CSV of docs/script-language.md's shape) entering the chosen stores as
    // timestamp-0 writes from origin CSV, in stretches on the engine thread; importProgress()
    // reports each, cancelImport() stops after the current one (what was imported stays, written
    // with its log).
    void importRows(std::shared_ptr<const std::vector<SeedRow>> rows, std::vector<int> stores);
    void cancelImport() { importCanceled_ = true; }

    // Where each store's oplog ended when the engine was last built from it (0: empty): the
    // tail an OutsideWriteFollower reads from.
    std::vector<int64_t> loadedLogEnds() const { return loadedLogEnds_; }
    // Entries read from a store's oplog tail. The writes other clients made there (captured
    // by the store: its own origin, numbered past everything the engine has for it) enter the
    // engine as the store's history; the rest is what this session wrote. outsideWritesCaptured()
    // and storeCommitted() follow when there were any.
    void ingestTail(int store, std::vector<LogRecord> records);
    // Writes a follow (Replicator) has just appended to `store`, from another store: they enter
    // the engine as the store's history (it keeps whichever write is greater, as the store
    // did), so its table shows them while the follow runs; storeCommitted() follows.
    void ingestReplicated(int store, std::shared_ptr<const std::vector<LogRecord>> records);

    // A script's work on the engine (ScriptRunner keeps the script and its position), in order
    // with everything handed to the engine before it. A script just opened starts at its first
    // command, with an executor bound the way it names the stores.
    void restartScript();
    // Runs `script`'s commands (its store names bound as `stores`) from the engine's position
    // in it up to `target`, for about 20 ms; their writes ship as a typed line's do. A command
    // naming an unavailable store stops the stretch before it, and failed() says why at the
    // name. Then `ran` follows on this thread: how many commands have run, and whether such a
    // refusal stopped them.
    void runScriptStretch(std::shared_ptr<const Script> script, std::vector<size_t> stores,
                          int target, std::function<void(int done, bool blocked)> ran);
    // Puts the engine's position in the script at `done` without running anything (those
    // commands ran before: the stores hold their effects); `ran` follows.
    void skipScript(int done, std::function<void(int done, bool blocked)> ran);
    // Once everything run so far is written, reads where every store's oplog ends; `read` gets
    // them (when a store cannot say, failed() does instead).
    void readLogEnds(std::function<void(std::vector<int64_t>)> read);
    // Drops the engine (after whatever it was doing: what it produced still ships), rolls every
    // store back to where its oplog ended at `ends`, and builds the engine again from the
    // stores: `rolledBack` runs once every store has answered, then ready() follows.
    void rollBackTo(std::vector<int64_t> ends, std::function<void()> rolledBack);

Q_SIGNALS:
    void ready();
    // Another writer took an identity a batch needed (StoreError::conflict): the engine is
    // dropped and built again from the stores, and ready() follows. engineDropping() comes at
    // once (nothing more should be handed to the engine), engineDropped() once what the old
    // engine produced has been taken (the next one starts a script from its first command).
    void engineDropping();
    void engineDropped();
    void importProgress(int done, int total);
    void importFinished(int imported, bool canceled);
    // The GET results of a stretch of commands, as syncscope-cli prints them, and where the last
    // one points (a Run answers thousands of GETs: the views follow only the last).
    void getsAnswered(const QStringList& lines, int store, const QString& studentId,
                      const QString& courseId);
    // A store committed a batch: the state of every key it wrote, as of those writes.
    void storeCommitted(int store, const std::vector<syncscope::GradeRecord>& keys);
    // A store committed a batch touching too many keys to list (a FULL_SYNC into an empty
    // store): its views should load again.
    void storeRewritten(int store);
    void failed(const QString& message);
    void storeUnavailable(int store, const QString& reason);
    void storeAvailable(int store);
    // What typed lines and single steps did, one line each ("HIVE.MERGE(SQL): 1 write
    // applied"), once their writes are durable.
    void commandsDone(const QStringList& lines);
    // A typed write changed its key and is durable: `undoLine` puts back what the key held,
    // `redoLine` writes the change again (each a line to run as typed, with a new timestamp).
    void writeUndoable(const QString& undoLine, const QString& redoLine);
    // The line run for Undo step `stepId` (execute()) was refused by a store: never written.
    void stepNotWritten(quint64 stepId);
    void conflictsCaptured(std::shared_ptr<const syncscope::ConflictSnapshot> snapshot);
    void plotsCaptured(std::shared_ptr<const syncscope::PlotCapture> plots);
    void skewWhatIfCaptured(std::shared_ptr<const syncscope::ClockSkewReport> report);
    // Writes made outside Syncscope reached the engine, one script line each
    // ("12, PG.SET((SID1,CSE1),A)").
    void outsideWritesCaptured(int store, const QStringList& lines);

private:
    // Folds the stores' oplogs into a new engine in the background; ready() follows.
    void buildMirror(std::shared_ptr<std::vector<std::vector<LogRecord>>> logs);
    // Runs fn(mirror) on the engine thread; its result comes back to `done` on this thread.
    // `label` names the change in the divergence history when fn wrote anything.
    template <class Fn>
    void onEngine(Fn fn, const char* label = "changes");
    void accept(EngineOutput produced);
    // Shows produced.gets' answers in the console once the writes before them are durable.
    void answerGetsWhenDurable(EngineOutput& produced);
    // ingestTail (outsideOnly: only other clients' writes, each also described as a line) and
    // ingestReplicated.
    void ingest(int store, std::shared_ptr<const std::vector<LogRecord>> records, bool outsideOnly,
                const char* label);
    // withEngine's work; writtenBy: the store that made the change itself (-1: none).
    void runMerge(int writtenBy, std::function<void(Engine&, Catalog&)> fn,
                  std::function<void()> done);
    void requestImportStretch();
    // Another writer took an identity a batch needed (StoreError::conflict): what the engine
    // built on is no longer the store's history, so it is read again.
    void reloadAfterConflict(size_t store);

    std::vector<StoreSpec> stores_;
    StoreDirectory directory_;
    std::vector<StoreWorker*> workers_;
    TimestampClock clock_;
    std::vector<int64_t> clockOffsets_; // per store, for typed SETs and DELETEs
    bool ready_ = false;

    QThread engineThread_;
    QObject* engineContext_ = nullptr;     // lives on engineThread_
    std::shared_ptr<EngineMirror> mirror_; // touched only on engineThread_

    // What the engine handed the stores, on its way to them, and what waits for their commits.
    StoreShipping* shipping_;
    std::vector<int64_t> loadedLogEnds_;
    std::vector<char> unavailable_;       // per store: takes no part (setUnavailable)
    std::vector<QString> unavailableWhy_; // per store: why

    std::shared_ptr<const std::vector<SeedRow>> importRows_;
    std::vector<size_t> importStores_;
    size_t importDone_ = 0;
    bool importCanceled_ = false;
};

} // namespace syncscope

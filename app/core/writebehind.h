#pragma once

#include "engine.h"
#include "exportfiles.h"
#include "logrecord.h"
#include "outbox.h"
#include "storeworker.h"

#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace syncscope {

// The command line's user of the Outbox: ships each replica's new oplog entries to its store's
// worker in batches, origin first, keeping a bounded number of batches in flight so a long
// script neither waits on every write nor piles up memory; exports each entry as it goes; and
// lets the engine drop what is shipped and no longer needed by any merge. The first store
// failure (the cause, not a batch that only waited for it) is kept and stops the run.
class WriteBehind {
public:
    WriteBehind(Engine& engine, std::vector<std::unique_ptr<StoreWorker>>& workers,
                ExportFiles& exports);

    // Entries the store already holds (loaded at start): exported, not shipped again.
    void adoptLoaded(size_t r);
    // Once every store's log is loaded: each store's own writes up to its counter are held
    // (in it, or only as copies elsewhere), so copies of them wait for nothing.
    void holdLoaded();
    // Converts entries appended since the last call; seed entries can carry attributes.
    void collect(size_t r, const std::string* attributes = nullptr);
    void collectAll();
    void trimEngine() { engine_.trim(shipped_); }
    // Ships what is pending and waits for every store; false when one failed.
    bool finish();

    // What Syncscope prints must not run ahead of durability (docs/crash-safety.md): marks() says
    // how many records each store has been handed so far, durable(marks) whether all of them are
    // committed (settling the batches that have answered, without waiting).
    std::vector<uint64_t> marks() const { return handed_; }
    // With `wait`, settles (waiting) until they are, or a store failed.
    bool durable(const std::vector<uint64_t>& marks, bool wait = false);
    // Sends every store's unsent records now, not waiting for a full batch (output that waits
    // on them should not wait for the rest of the run).
    void sendUnsent();

    bool failed() const { return failure_.has_value(); }
    // Whether any batch of this run was written to its store.
    bool landedAny() const { return landedAny_; }
    const StoreError& failure() const { return *failure_; }

private:
    void exportUpTo(size_t r, size_t end);
    void ship(size_t r);
    void settleOldest(size_t r);
    static std::vector<StoreWorker*> plain(std::vector<std::unique_ptr<StoreWorker>>& workers);

    // Two batches in flight keep a worker busy while the engine fills the next; more only
    // holds memory (a LogRecord is about 230 bytes).
    static constexpr size_t kMaxInFlight = 2;
    static constexpr size_t kBatch = 10000;
    Engine& engine_;
    std::vector<std::unique_ptr<StoreWorker>>& workers_;
    ExportFiles& exports_;
    std::vector<size_t> shipped_; // per replica: log entries converted into the outbox
    Outbox outbox_;
    struct InFlight {
        QFuture<Status> done;
        size_t records = 0;
    };
    std::vector<std::deque<InFlight>> inFlight_;
    std::vector<uint64_t> handed_;  // per store: records given to the outbox
    std::vector<uint64_t> durable_; // per store: records of batches that committed
    std::optional<StoreError> failure_;
    bool landedAny_ = false;
};

} // namespace syncscope

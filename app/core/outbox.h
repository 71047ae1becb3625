#pragma once

#include "logrecord.h"
#include "originfirst.h"
#include "result.h"

#include <QFuture>

#include <deque>
#include <string>
#include <vector>

namespace syncscope {

class StoreWorker;

// The one place where the engine's new oplog entries leave for the stores, for the command
// line's write-behind and the window's session alike. It keeps each store's records until
// they are sent, and sends them origin first (docs/crash-safety.md, OriginFirst): a batch carrying
// copies of another store's writes is handed to its worker together with the futures of the origin
// batches holding those writes, and commits only after they did. A store's records are sent
// in the order the engine appended them, so each store's oplog is the engine's.
//
// Used from one thread (the caller's); the workers do the writing.
class Outbox {
public:
    Outbox(std::vector<std::string> names, std::vector<StoreWorker*> workers);

    // Store s holds its own writes up to `seq` already (loaded at start, or written by its own
    // engine): copies of them wait for nothing.
    void markHeld(size_t s, uint64_t seq) { order_.markHeld(s, seq); }
    // Records for store s, in the engine's log order, after those added before.
    void add(size_t s, std::vector<LogRecord> piece);
    // The record after the last one added for store s, to fill in place (no copy). A new piece
    // reserves room for `expected` records: a caller that sends every N records says N, so a
    // piece is never moved while it grows (moving 230-byte records was 2% of a long run) and
    // holds no slack.
    LogRecord& addOne(size_t s, size_t expected = 1024);
    size_t unsent(size_t s) const { return unsent_[s].count; }

    struct Sent {
        size_t store = 0;
        size_t count = 0; // records
        // Read its result, never take it (QFuture::takeResult): batches that copy this one's
        // writes wait on the same future, and a taken future no longer reads as finished.
        QFuture<Status> done;
    };
    // Sends every unsent record of store s, and before them whatever unsent records of other
    // stores they copy: the batches handed to the workers, in the order they were handed.
    std::vector<Sent> send(size_t s);
    // Forgets store s's unsent records (the window drops a queue built on a stale history).
    // Other stores' unsent copies of the writes dropped will never have an origin: the batch
    // carrying one fails, as if the origin's batch had failed (StoreError::upstream), instead
    // of committing a copy ahead of, and without, its origin.
    void dropUnsent(size_t s);
    // A store's batches each wait for the one before, so after a failure nothing more is
    // written to it (and nothing that copies its writes). The window, which has told the user
    // and carries on, starts a new chain here: batches sent from now on no longer wait for
    // the failed one (copies of the failed batch's writes still fail).
    void forgetFailures(size_t s);

private:
    struct Pieces {
        std::deque<std::vector<LogRecord>> pieces;
        size_t frontOffset = 0; // records of the first piece already sent
        size_t count = 0;       // unsent records in all
    };
    class View;
    // The next `count` unsent records of store s, taken off the front.
    std::vector<std::vector<LogRecord>> takeFront(size_t s, size_t count);
    // The futures of the batches holding the writes `waitsFor` names, still in flight.
    std::vector<QFuture<Status>> prerequisites(const OriginFirst::Cut& cut);

    struct InFlight {
        uint64_t lastOwnSeq = 0; // the greatest own seq handed out with it or before it
        QFuture<Status> done;
        uint64_t epoch = 0; // forgetFailures() count when it was sent
    };
    std::vector<StoreWorker*> workers_;
    OriginFirst order_;
    std::vector<Pieces> unsent_;
    std::vector<std::deque<InFlight>> inFlight_; // per store, oldest first
    std::vector<uint64_t> epoch_;                // per store
    std::vector<uint64_t> taken_; // per store: records ever taken off the front (sent or dropped)
    // Per store, ascending: the numbers (taken_'s count) of unsent copies whose origin's write
    // was dropped (dropUnsent).
    std::vector<std::deque<uint64_t>> orphans_;
};

} // namespace syncscope

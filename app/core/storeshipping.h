#pragma once

#include "logrecord.h"
#include "outbox.h"

#include <QObject>

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace syncscope {

class StoreWorker;

// The stores' side of the engine host: what the engine handed each store, on its way through
// the Outbox (origin first, docs/crash-safety.md), what each has committed, and what waits for
// those commits (a GET's answer, a command's summary, the merge runner's next batch). The
// views hear of a store's keys only once the store has committed them: storeCommitted().
//
// Lives on the UI thread with its owner (CommandSession); the workers answer through
// whenFinished, never blocking it.
class StoreShipping : public QObject {
    Q_OBJECT
public:
    // Beyond this many written keys in one batch, listing them costs the UI more than loading
    // the table again (a million-key FULL_SYNC): the states are dropped and the views reload.
    static constexpr size_t kMaxListedKeys = 20000;

    StoreShipping(std::vector<std::string> names, std::vector<StoreWorker*> workers,
                  QObject* parent = nullptr);

    // Records the engine produced for `store`, with the states of the keys they wrote
    // (tooMany: too many to list). Kept until shipIdle(): a command's records for every store
    // are handed first, so that a store's copies of another's writes are planned with those
    // writes already in the outbox.
    void hand(size_t store, std::vector<LogRecord> records, std::vector<GradeRecord> states,
              bool tooMany);
    // Sends what was handed, to each store with no batch in flight (the others send theirs
    // when their batch is answered).
    void shipIdle();
    // `count` records the store wrote itself (a merge run inside its own engine): committed as
    // they stand, and only its views hear of them.
    void handCommitted(size_t store, size_t count, const std::vector<GradeRecord>& states,
                       bool tooMany);
    // The store's own writes up to `seq` are held (in it, or as copies elsewhere).
    void markHeld(size_t store, uint64_t seq) { outbox_.markHeld(store, seq); }
    // Sends whatever is unsent, of every store.
    void flush();
    // Another writer changed the store's history under its queue: what is unsent is dropped
    // (counted as settled, so nothing waits for it).
    void dropUnsent(size_t store);

    bool idle(size_t store) const {
        return views_[store].inFlight == 0 && outbox_.unsent(store) == 0;
    }
    // Per store: records handed over so far.
    const std::vector<uint64_t>& handedOut() const { return handedOut_; }
    // Batches a store refused, ever.
    uint64_t refusedBatches() const { return refusedBatches_; }
    // Records handed to `store` that will never commit, ever.
    uint64_t abandoned(size_t store) const;
    // Per store: records handed so far through hand() (not handCommitted()), numbering them: a
    // caller notes the number before handing a command's records and after, and asks refused()
    // about that stretch once it has settled.
    uint64_t queued(size_t store) const { return queued_[store]; }
    // Whether any of `store`'s records numbered [from, to) (queued()'s numbering) was refused or
    // dropped: the one command whose write was not stored is told so, not every command of the
    // store waiting meanwhile.
    bool refused(size_t store, uint64_t from, uint64_t to) const;
    // Calls fn once each store has committed (or refused for good) at least marks[s] records;
    // callbacks run in the order they were asked for.
    void whenCommittedUpTo(std::vector<uint64_t> marks, std::function<void()> fn);
    void runCommittedCallbacks();

Q_SIGNALS:
    // A store committed a batch: the state of every key it wrote, as of those writes.
    void storeCommitted(int store, const std::vector<syncscope::GradeRecord>& keys);
    // A store committed a batch touching too many keys to list: its views should load again.
    void storeRewritten(int store);
    void failed(const QString& message);
    // Another writer took an identity a batch of `store` needed (StoreError::conflict): what
    // the engine built on must be read again. Its unsent queue is dropped right after.
    void conflicted(int store);

private:
    void ship(size_t store);
    // A sent batch answered: books, views, what waits for commits.
    // Records [from, from + count) of `store` (queued()'s numbers) will never commit.
    void noteAbandoned(size_t store, uint64_t from, uint64_t count);
    // `first`: the number (queued()'s) of its first record.
    void batchAnswered(size_t store, uint64_t first, size_t count, const Status& s,
                       std::shared_ptr<std::vector<GradeRecord>> states, bool tooMany);

    // What the engine handed the stores, waiting in the pieces it came in (appending piece to
    // piece would move every record on the UI thread, and the growing vector's fresh pages
    // cost more still: the longest stall of a script run).
    Outbox outbox_;
    // Per store: what its views hear once everything handed to it so far has committed.
    struct ViewUpdates {
        std::vector<std::vector<GradeRecord>> queuedStates;
        bool queuedTooMany = false; // states dropped: the views reload instead
        int inFlight = 0;           // batches sent and not answered
        uint64_t inFlightRecords = 0;
    };
    std::vector<ViewUpdates> views_;
    std::vector<uint64_t> handedOut_; // per store: records accepted from the engine
    std::vector<uint64_t> committed_; // per store: records its worker has committed
    // Per store: the records that will never commit (a refused batch, and what waited for it; a
    // queue dropped after a conflict), marks counting them as settled so nothing waits forever:
    // their numbers (queued()'s), as stretches
    // [first, end) in order, adjacent ones joined (a store that is down refuses batch after
    // batch: one stretch).
    std::vector<std::vector<std::pair<uint64_t, uint64_t>>> abandonedRanges_;
    std::vector<uint64_t> queued_; // per store: records handed through hand()
    std::vector<uint64_t> sent_;   // per store: of those, sent or dropped (numbered in order)
    uint64_t refusedBatches_ = 0;
    std::deque<std::pair<std::vector<uint64_t>, std::function<void()>>> markCallbacks_;
    bool callbacksQueued_ = false; // the rest of a long run of callbacks is on its way
};

} // namespace syncscope

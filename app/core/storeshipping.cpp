#include "storeshipping.h"

#include "pieces.h"
#include "whenfinished.h"

#include <QElapsedTimer>

#include <algorithm>

namespace syncscope {

StoreShipping::StoreShipping(std::vector<std::string> names, std::vector<StoreWorker*> workers,
                             QObject* parent)
    : QObject(parent)
    , outbox_(std::move(names), workers)
    , views_(workers.size())
    , handedOut_(workers.size(), 0)
    , committed_(workers.size(), 0)
    , abandonedRanges_(workers.size())
    , queued_(workers.size(), 0)
    , sent_(workers.size(), 0) {}

uint64_t StoreShipping::abandoned(size_t store) const {
    uint64_t records = 0;
    for (const auto& [first, end] : abandonedRanges_[store])
        records += end - first;
    return records;
}

bool StoreShipping::refused(size_t store, uint64_t from, uint64_t to) const {
    const auto& ranges = abandonedRanges_[store];
    // The first stretch ending after `from`: refused when it starts before `to`.
    const auto it = std::upper_bound(
        ranges.begin(), ranges.end(), from,
        [](uint64_t at, const std::pair<uint64_t, uint64_t>& r) { return at < r.second; });
    return from < to && it != ranges.end() && it->first < to;
}

void StoreShipping::noteAbandoned(size_t store, uint64_t from, uint64_t count) {
    if (count == 0)
        return;
    auto& ranges = abandonedRanges_[store];
    // Batches of a store are sent in order, but answered in any: kept sorted, joined.
    const std::pair<uint64_t, uint64_t> stretch{from, from + count};
    auto it = std::lower_bound(ranges.begin(), ranges.end(), stretch);
    it = ranges.insert(it, stretch);
    if (it != ranges.begin() && std::prev(it)->second >= it->first) {
        std::prev(it)->second = std::max(std::prev(it)->second, it->second);
        it = std::prev(ranges.erase(it));
    }
    while (std::next(it) != ranges.end() && it->second >= std::next(it)->first) {
        it->second = std::max(it->second, std::next(it)->second);
        ranges.erase(std::next(it));
    }
}

void StoreShipping::hand(size_t store, std::vector<LogRecord> records,
                         std::vector<GradeRecord> states, bool tooMany) {
    ViewUpdates& box = views_[store];
    handedOut_[store] += records.size();
    queued_[store] += records.size();
    // The vectors change hands whole: a FULL_SYNC's million records must not be moved one by
    // one on the UI thread.
    outbox_.add(store, std::move(records));
    if (!states.empty())
        box.queuedStates.push_back(std::move(states));
    if (tooMany) {
        box.queuedTooMany = true;
        box.queuedStates = {};
    }
}

void StoreShipping::shipIdle() {
    for (size_t s = 0; s < views_.size(); ++s)
        if (views_[s].inFlight == 0 && outbox_.unsent(s) > 0)
            ship(s);
}

void StoreShipping::handCommitted(size_t store, size_t count,
                                  const std::vector<GradeRecord>& states, bool tooMany) {
    handedOut_[store] += count;
    committed_[store] += count;
    if (tooMany)
        Q_EMIT storeRewritten(static_cast<int>(store));
    else
        Q_EMIT storeCommitted(static_cast<int>(store), states);
}

void StoreShipping::flush() {
    for (size_t s = 0; s < views_.size(); ++s)
        if (outbox_.unsent(s) > 0)
            ship(s);
}

void StoreShipping::dropUnsent(size_t store) {
    ViewUpdates& box = views_[store];
    const uint64_t unsent = outbox_.unsent(store);
    noteAbandoned(store, sent_[store], unsent);
    sent_[store] += unsent;
    outbox_.dropUnsent(store);
    box.queuedStates.clear();
    box.queuedTooMany = false;
    runCommittedCallbacks();
}

void StoreShipping::whenCommittedUpTo(std::vector<uint64_t> marks, std::function<void()> fn) {
    markCallbacks_.emplace_back(std::move(marks), std::move(fn));
    runCommittedCallbacks();
}

void StoreShipping::runCommittedCallbacks() {
    // Callbacks waiting for marks run in the order they were asked for, as each is reached:
    // every record up to the marks committed, or refused for good.
    const auto reached = [this](const std::vector<uint64_t>& marks) {
        for (size_t s = 0; s < marks.size(); ++s)
            if (committed_[s] + abandoned(s) < marks[s])
                return false;
        return true;
    };
    // A few milliseconds at a time: a Run's thousands of waiting answers are shown over
    // several turns of the event loop, not in one stall of the window.
    QElapsedTimer budget;
    budget.start();
    while (!markCallbacks_.empty() && reached(markCallbacks_.front().first)) {
        std::function<void()> fn = std::move(markCallbacks_.front().second);
        markCallbacks_.pop_front();
        fn();
        if (budget.elapsed() >= 8 && !markCallbacks_.empty()) {
            if (!callbacksQueued_) {
                callbacksQueued_ = true;
                QMetaObject::invokeMethod(
                    this,
                    [this] {
                        callbacksQueued_ = false;
                        runCommittedCallbacks();
                    },
                    Qt::QueuedConnection);
            }
            return;
        }
    }
}

void StoreShipping::ship(size_t store) {
    const std::vector<Outbox::Sent> sent = outbox_.send(store);
    for (size_t i = 0; i < sent.size(); ++i) {
        const Outbox::Sent& batch = sent[i];
        ViewUpdates& box = views_[batch.store];
        ++box.inFlight;
        box.inFlightRecords += batch.count;
        // Its records' numbers: a store's records leave in the order they were handed.
        const uint64_t first = sent_[batch.store];
        sent_[batch.store] += batch.count;
        // The views hear of a store's keys with the batch that leaves nothing of it unsent.
        const bool lastOfStore =
            outbox_.unsent(batch.store) == 0 &&
            std::none_of(sent.begin() + static_cast<std::ptrdiff_t>(i) + 1, sent.end(),
                         [&](const Outbox::Sent& later) { return later.store == batch.store; });
        std::shared_ptr<std::vector<GradeRecord>> states;
        bool tooMany = false;
        if (lastOfStore) {
            states =
                std::make_shared<std::vector<GradeRecord>>(joined(std::move(box.queuedStates)));
            tooMany = box.queuedTooMany;
            box.queuedStates = {};
            box.queuedTooMany = false;
        }
        // Read, not taken: later batches that copy this one's writes wait on the same future.
        whenFinished(batch.done, this,
                     [this, store = batch.store, count = batch.count, first, states,
                      tooMany](QFuture<Status> done) {
                         batchAnswered(store, first, count, done.result(), states, tooMany);
                     });
    }
}

void StoreShipping::batchAnswered(size_t store, uint64_t first, size_t count, const Status& s,
                                  std::shared_ptr<std::vector<GradeRecord>> states, bool tooMany) {
    ViewUpdates& box = views_[store];
    --box.inFlight;
    box.inFlightRecords -= count;
    if (!s) {
        noteAbandoned(store, first, count);
        ++refusedBatches_;
        // Told and carried on: later batches of this store no longer wait for this one (the
        // outbox writes nothing after a failed batch until then). A batch that only waited for
        // another store's failed batch (upstream) is the same for this store: its records,
        // its own writes among them, were not written, and the user hears which.
        outbox_.forgetFailures(store);
        if (s.error().conflict && !s.error().upstream) {
            Q_EMIT failed(s.error().toString() +
                          QStringLiteral(". Reading every store's history again; "
                                         "run the refused commands again."));
            // The owner stops feeding the store first; then its queue goes.
            Q_EMIT conflicted(static_cast<int>(store));
            dropUnsent(store);
            return;
        }
        Q_EMIT failed(s.error().toString());
        // What was queued behind the refused batch goes on its own (a new chain), so it is not
        // left unsent until the next command.
        if (box.inFlight == 0 && outbox_.unsent(store) > 0)
            ship(store);
        runCommittedCallbacks();
        return;
    }
    committed_[store] += count;
    // Past this many keys, the views load again rather than take each key on the UI thread.
    if (tooMany || (states && states->size() > kMaxListedKeys))
        Q_EMIT storeRewritten(static_cast<int>(store));
    else if (states)
        Q_EMIT storeCommitted(static_cast<int>(store), *states);
    if (box.inFlight == 0 && outbox_.unsent(store) > 0)
        ship(store);
    runCommittedCallbacks();
}

} // namespace syncscope

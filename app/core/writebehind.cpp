#include "writebehind.h"

#include "recordconversion.h"
#include "textoutput.h"

namespace syncscope {

WriteBehind::WriteBehind(Engine& engine, std::vector<std::unique_ptr<StoreWorker>>& workers,
                         ExportFiles& exports)
    : engine_(engine)
    , workers_(workers)
    , exports_(exports)
    , shipped_(workers.size(), 0)
    , outbox_(
          [&engine] {
              std::vector<std::string> names;
              for (size_t r = 0; r < engine.replicaCount(); ++r)
                  names.push_back(engine.replica(r).name);
              return names;
          }(),
          plain(workers))
    , inFlight_(workers.size())
    , handed_(workers.size(), 0)
    , durable_(workers.size(), 0) {}

std::vector<StoreWorker*> WriteBehind::plain(std::vector<std::unique_ptr<StoreWorker>>& workers) {
    std::vector<StoreWorker*> out;
    for (auto& w : workers)
        out.push_back(w.get());
    return out;
}

void WriteBehind::holdLoaded() {
    for (size_t r = 0; r < workers_.size(); ++r)
        outbox_.markHeld(r, engine_.replica(r).seq);
}

void WriteBehind::adoptLoaded(size_t r) {
    exportUpTo(r, engine_.replica(r).logEnd());
    shipped_[r] = engine_.replica(r).logEnd();
}

void WriteBehind::collect(size_t r, const std::string* attributes) {
    const Replica& rep = engine_.replica(r);
    const size_t end = rep.logEnd();
    exportUpTo(r, end);
    handed_[r] += end - shipped_[r];
    for (; shipped_[r] < end; ++shipped_[r]) {
        LogRecord& record = outbox_.addOne(r, kBatch);
        toRecord(rep.entryAt(shipped_[r]), engine_.catalog(), record);
        if (attributes)
            record.attributes = *attributes;
    }
    if (outbox_.unsent(r) >= kBatch)
        ship(r);
}

void WriteBehind::collectAll() {
    for (size_t r = 0; r < workers_.size(); ++r)
        collect(r);
}

bool WriteBehind::finish() {
    for (size_t r = 0; r < workers_.size(); ++r)
        if (outbox_.unsent(r) > 0)
            ship(r);
    for (size_t r = 0; r < workers_.size(); ++r)
        while (!inFlight_[r].empty())
            settleOldest(r);
    return !failure_;
}

void WriteBehind::exportUpTo(size_t r, size_t end) {
    if (!exports_.enabled())
        return;
    const Replica& rep = engine_.replica(r);
    std::string& out = exports_.buffer(r);
    for (size_t i = std::max(shipped_[r], rep.logBase); i < end; ++i)
        appendExportLine(out, rep.entryAt(i), engine_.catalog());
    exports_.maybeFlush(r);
}

void WriteBehind::ship(size_t r) {
    // Batches a copy waits for go out first; each store then settles down to its bound (every
    // batch waited on was handed out before the one waiting, so settling always ends).
    for (const Outbox::Sent& sent : outbox_.send(r))
        inFlight_[sent.store].push_back({sent.done, sent.count});
    for (size_t s = 0; s < workers_.size(); ++s)
        while (inFlight_[s].size() > kMaxInFlight)
            settleOldest(s);
}

void WriteBehind::sendUnsent() {
    for (size_t r = 0; r < workers_.size(); ++r)
        if (outbox_.unsent(r) > 0)
            ship(r);
}

bool WriteBehind::durable(const std::vector<uint64_t>& marks, bool wait) {
    if (wait)
        sendUnsent();
    for (size_t r = 0; r < workers_.size(); ++r) {
        while (durable_[r] < marks[r] && !inFlight_[r].empty() &&
               (wait || inFlight_[r].front().done.isFinished()))
            settleOldest(r);
        if (durable_[r] < marks[r])
            return false;
    }
    return true;
}

void WriteBehind::settleOldest(size_t r) {
    QFuture<Status> f = inFlight_[r].front().done;
    const size_t records = inFlight_[r].front().records;
    inFlight_[r].pop_front();
    f.waitForFinished();
    const Status s = f.result();
    if (s)
        durable_[r] += records;
    if (!s && (!failure_ || (failure_->upstream && !s.error().upstream)))
        failure_ = s.error();
    landedAny_ = landedAny_ || s;
}

} // namespace syncscope

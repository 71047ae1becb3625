#include "writebehind.h"

#include "recordconversion.h"
#include "seedformat.h"

namespace syncscope {

WriteBehind::WriteBehind(Engine& engine, std::vector<std::unique_ptr<StoreWorker>>& workers,
                         ExportFiles& exports)
    : engine_(engine)
    , workers_(workers)
    , exports_(exports)
    , shipped_(workers.size(), 0)
    , pending_(workers.size())
    , inFlight_(workers.size()) {}

void WriteBehind::adoptLoaded(size_t r) {
    exportUpTo(r, engine_.replica(r).logEnd());
    shipped_[r] = engine_.replica(r).logEnd();
}

void WriteBehind::collect(size_t r, const std::string* attributes) {
    const Replica& rep = engine_.replica(r);
    const size_t end = rep.logEnd();
    exportUpTo(r, end);
    for (; shipped_[r] < end; ++shipped_[r]) {
        pending_[r].emplace_back();
        toRecord(rep.entryAt(shipped_[r]), engine_.catalog(), pending_[r].back());
        if (attributes)
            pending_[r].back().attributes = *attributes;
    }
    if (pending_[r].size() >= kBatch)
        ship(r);
}

void WriteBehind::collectAll() {
    for (size_t r = 0; r < workers_.size(); ++r)
        collect(r);
}

bool WriteBehind::finish() {
    for (size_t r = 0; r < workers_.size(); ++r)
        if (!pending_[r].empty())
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
    while (inFlight_[r].size() >= kMaxInFlight)
        settleOldest(r);
    inFlight_[r].push_back(workers_[r]->append(std::move(pending_[r])));
    pending_[r] = {};
    pending_[r].reserve(kBatch);
}

void WriteBehind::settleOldest(size_t r) {
    QFuture<Status> f = inFlight_[r].front();
    inFlight_[r].pop_front();
    f.waitForFinished();
    const Status s = f.result();
    if (!s && !failure_)
        failure_ = s.error();
    landedAny_ = landedAny_ || s;
}

} // namespace syncscope

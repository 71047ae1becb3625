#include "originfirst.h"

#include <algorithm>

namespace syncscope {

namespace {
constexpr size_t kNone = static_cast<size_t>(-1);
}

OriginFirst::OriginFirst(std::vector<std::string> names)
    : names_(std::move(names))
    , held_(names_.size(), 0)
    , volatile_(names_.size(), 0)
    , sent_(names_.size(), 0)
    , cursor_(names_.size(), 0)
    , onStack_(names_.size(), 0) {
    for (size_t s = 0; s < names_.size(); ++s)
        index_.emplace(names_[s], s);
}

size_t OriginFirst::storeOf(const std::string& origin) const {
    const auto it = index_.find(origin);
    return it == index_.end() ? kNone : it->second;
}

void OriginFirst::markHeld(size_t s, uint64_t seq) {
    held_[s] = std::max(held_[s], seq);
    sent_[s] = std::max(sent_[s], seq);
}

void OriginFirst::markVolatile(size_t s) {
    volatile_[s] = 1;
}

std::vector<OriginFirst::Cut> OriginFirst::plan(size_t store, const UnsentRecords& unsent) {
    std::fill(cursor_.begin(), cursor_.end(), 0);
    std::vector<Cut> out;
    take(store, 0, unsent, out);
    return out;
}

void OriginFirst::take(size_t s, uint64_t needSeq, const UnsentRecords& unsent,
                       std::vector<Cut>& out) {
    onStack_[s] = 1;
    const size_t n = unsent.size(s);
    size_t start = cursor_[s];
    size_t i = start;
    uint64_t own = sent_[s];
    std::vector<std::pair<size_t, uint64_t>> waits;
    const auto emit = [&] {
        if (i == start)
            return;
        out.push_back({s, i - start, std::move(waits), own});
        waits = {};
        sent_[s] = own;
        cursor_[s] = start = i;
    };
    // Records come in runs of one origin (a merge's copies): look each origin up once a run.
    const std::string* lastOrigin = nullptr;
    size_t lastStore = kNone;
    for (; i < n; ++i) {
        const LogRecord& r = unsent.at(s, i);
        if (!r.isWrite())
            continue;
        if (!lastOrigin || *lastOrigin != r.origin) {
            lastOrigin = &r.origin;
            lastStore = storeOf(r.origin);
        }
        const size_t o = lastStore;
        if (o == s) {
            own = std::max(own, r.seq);
            continue;
        }
        if (o == kNone || r.seq <= held_[o] || volatile_[s] || volatile_[o])
            continue; // CSV seeds, origins outside the run, held writes and stores that end
                      // with the process: nothing to wait for
        if (r.seq > sent_[o]) {
            // The write this record copies has not been handed to its origin yet.
            if (needSeq != 0 && own >= needSeq)
                break; // what was asked for is reached: the rest goes later
            if (!onStack_[o]) {
                emit();
                take(o, r.seq, unsent, out);
                lastOrigin = nullptr; // `unsent` is unchanged, but keep the lookup simple
            }
            // An origin already waiting on this store cannot be waited for again; with the
            // engine's logs it never is (its cut came before the write copied here).
        }
        const auto w =
            std::find_if(waits.begin(), waits.end(),
                         [o](const std::pair<size_t, uint64_t>& x) { return x.first == o; });
        if (w == waits.end())
            waits.emplace_back(o, r.seq);
        else
            w->second = std::max(w->second, r.seq);
    }
    emit();
    onStack_[s] = 0;
}

} // namespace syncscope

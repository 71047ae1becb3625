#include "mergeplan.h"

#include <algorithm>

namespace syncscope {

Write& FoldScratch::slot(KeyId k) {
    if (k >= slots_.size())
        slots_.resize(static_cast<size_t>(k) + 1 + slots_.size() / 2);
    Write& s = slots_[k];
    if (s.isNone())
        touched_.push_back(k);
    return s;
}

void FoldScratch::reset() {
    for (KeyId k : touched_)
        slots_[k] = Write{};
    touched_.clear();
}

void foldOplog(const Oplog& log, size_t from, StoreState& state, const WriteOrder& order) {
    for (size_t i = from; i < log.size(); ++i)
        if (log[i].isWrite())
            state.apply(log[i].write, order);
}

void sortWrites(std::vector<Write>& writes, const WriteOrder& order) {
    std::sort(writes.begin(), writes.end(), order);
}

std::vector<Write> planMergeFromOplog(const Oplog& sourceLog, size_t from, const StoreState& target,
                                      const WriteOrder& order, FoldScratch& scratch) {
    scratch.reset();
    for (size_t i = from; i < sourceLog.size(); ++i) {
        const OplogEntry& e = sourceLog[i];
        if (!e.isWrite())
            continue;
        Write& best = scratch.slot(e.write.key);
        if (order.beats(e.write, best))
            best = e.write;
    }
    std::vector<Write> plan;
    for (KeyId k : scratch.touched()) {
        const Write& w = scratch.slot(k);
        if (order.beats(w, target.at(k)))
            plan.push_back(w);
    }
    scratch.reset();
    sortWrites(plan, order);
    return plan;
}

std::vector<Write> planMergeFromState(const StoreState& source, const StoreState& target,
                                      const WriteOrder& order) {
    std::vector<Write> plan;
    for (KeyId k : source.keys()) {
        const Write& w = source.at(k);
        if (order.beats(w, target.at(k)))
            plan.push_back(w);
    }
    sortWrites(plan, order);
    return plan;
}

} // namespace syncscope

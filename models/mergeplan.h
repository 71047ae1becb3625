#pragma once

#include "oplog.h"
#include "storestate.h"

#include <span>
#include <vector>

namespace syncscope {

// Scratch space for folding part of an oplog: a dense per-key slot array that is reset by
// walking only the keys it touched, so folding a short suffix costs the suffix, not the keys.
class FoldScratch {
public:
    Write& slot(KeyId k);
    const std::vector<KeyId>& touched() const { return touched_; }
    void reset();

private:
    std::vector<Write> slots_;
    std::vector<KeyId> touched_;
};

// state := state ⊔ (greatest write per key of log[from, end)). GET entries are skipped.
void foldOplog(const Oplog& log, size_t from, StoreState& state, const WriteOrder& order);

// T.MERGE(S) as docs/script-language.md defines it: S's greatest write per key, read from S's
// oplog, for the keys where it beats T's state; in ascending write order. Reading only log[from,
// end) is exact when T already held at least S's state as of log position `from` (the engine's
// watermark).
std::vector<Write> planMergeFromOplog(const Oplog& sourceLog, size_t from, const StoreState& target,
                                      const WriteOrder& order, FoldScratch& scratch);

// The same plan computed from S's state instead of its oplog; the property tests check that
// the two agree, which is what lets a backend serve either.
std::vector<Write> planMergeFromState(const StoreState& source, const StoreState& target,
                                      const WriteOrder& order);

// Sorts writes into ascending write order (the order merged entries are appended in).
void sortWrites(std::vector<Write>& writes, const WriteOrder& order);

} // namespace syncscope

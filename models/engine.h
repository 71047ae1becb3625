#pragma once

#include "catalog.h"
#include "mergedecision.h"
#include "mergeplan.h"
#include "oplog.h"
#include "storestate.h"

#include <span>
#include <string>
#include <vector>

namespace syncscope {

// One store as the engine sees it: its state, its oplog and its local write counter.
struct Replica {
    std::string name;
    NameId nameId = kNoOrigin;
    StoreState state;
    // The oplog from position logBase on: entries before it were trimmed (see Engine::trim).
    // Positions (watermarks, what a caller has shipped) count from the first entry ever.
    Oplog log;
    size_t logBase = 0;
    uint64_t seq = 0; // the store's own counter, incremented on every local write
    // Per key, what the store has received beyond its state's write: 0 while that is nothing
    // (the common case: every write it got followed the ones before), else a context id + 1.
    // See Engine::knowledgeOf.
    std::vector<ContextId> knowledge;

    size_t logEnd() const { return logBase + log.size(); }
    const OplogEntry& entryAt(size_t position) const { return log[position - logBase]; }
};

// Executes docs/script-language.md in memory: SET, GET, DELETE, MERGE and FULL_SYNC over a fixed
// set of replicas. Every operation appends to the affected replicas' oplogs; callers that mirror
// the replicas into real stores ship log[i..] after each step.
//
// Merges read the source's oplog, never its state. To keep a long script linear, the engine
// remembers for each (target, source) pair how far into the source's log the target is known
// to hold at least the source's state (after T.MERGE(S) or a FULL_SYNC over both): a later
// merge only folds the source's log from there. Local writes and other merges can only make
// the target's state greater, so the remembered position stays valid.
class Engine {
public:
    explicit Engine(Catalog& catalog)
        : catalog_(catalog) {}

    size_t addReplica(std::string_view canonicalName);
    size_t replicaCount() const { return replicas_.size(); }
    Replica& replica(size_t r) { return replicas_[r]; }
    const Replica& replica(size_t r) const { return replicas_[r]; }
    Catalog& catalog() { return catalog_; }
    const Catalog& catalog() const { return catalog_; }

    // Re-enacts an entry already in a store's log (loading a persistent store). A write of
    // another replica's origin also moves that replica's counter past its seq.
    void restore(size_t r, const OplogEntry& entry);
    // A seed (CSV) write: ts 0, origin CSV, seq = the CSV row. Logged only when it changes the
    // store's state; returns whether it did.
    bool seed(size_t r, KeyId key, ValueId value, uint64_t row);

    const OplogEntry& set(size_t r, KeyId key, ValueId value, int64_t ts);
    const OplogEntry& remove(size_t r, KeyId key, int64_t ts);
    const OplogEntry& get(size_t r, KeyId key, int64_t ts);
    // T.MERGE(S); returns how many entries T appended.
    size_t merge(size_t target, size_t source);
    // FULL_SYNC over the given replicas; returns how many entries were appended in all.
    size_t fullSync(std::span<const size_t> stores);

    // Applies plan.writes[from, to) (`to` from MergePlan::batchEnd): adopted writes are
    // received like a merge's, decisions are made as local writes of their origin that have
    // seen every participant's write. A write whose target changed since the plan was made is
    // skipped (and counted): the plan is then stale and must be made again.
    struct PlanProgress {
        size_t appended = 0;
        size_t skipped = 0;
    };
    PlanProgress applyPlanned(const MergePlan& plan, size_t from, size_t to);
    // After every batch of a plan applied with nothing skipped: each target now holds at least
    // every participant's state as of planning, which later merges may rely on.
    void finishPlan(const MergePlan& plan);

    // Drops oplog entries no future merge can need: those of S before the position every other
    // replica is known to hold, and before keepFrom[S] (what the caller still has to read).
    // Keeps memory flat over a long run; a replica nobody merges from keeps its whole log.
    // Erasing waits until at least minDead entries are dead and they are half the vector.
    void trim(std::span<const size_t> keepFrom, size_t minDead = 4096);

private:
    // What a replica had received for key k, as a context without its own origin: the context
    // its next local write of k gets (causalcontext.h).
    ContextId knowledgeOf(const Replica& rep, KeyId k);
    // Records that replica r receives the foreign write w (before applying it).
    void receive(Replica& rep, const Write& w, bool changesState);
    const OplogEntry& localWrite(size_t r, KeyId key, ValueId value, int64_t ts);
    const OplogEntry& append(size_t r, const Write& w, EntryKind kind, bool changed);
    size_t& watermark(size_t target, size_t source) {
        return watermarks_[target * replicas_.size() + source];
    }

    // The replica whose origin is `name`, or nullptr (CSV, a store outside the engine).
    Replica* replicaNamed(NameId name);

    Catalog& catalog_;
    std::vector<Replica> replicas_;
    size_t lastNamed_ = 0;
    std::vector<size_t> watermarks_;
    FoldScratch scratch_;
    std::vector<uint32_t> marks_; // FULL_SYNC candidate-key dedup, by generation
    uint32_t markGeneration_ = 0;
};

} // namespace syncscope

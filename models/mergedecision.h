#pragma once

#include "conflicts.h"
#include "write.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// How a merge settles a key whose stores disagree (MergeDialog). Last-writer-wins
// is docs/script-language.md's merge; every other strategy can pick a value LWW would not keep, and
// such a pick is applied as a new write that beats every write of the key
// (docs/script-language.md), so later LWW merges carry it instead of undoing it.
enum class MergeStrategy : uint8_t {
    LastWriterWins,
    SourceWins,    // MERGE only: a source's write, when one has the key
    TargetWins,    // MERGE only: the target's own write, when it has one
    StorePriority, // the write held by the most trusted store that has one
    HighestGrade,  // the best grade (A+ > A > A- > … > F > anything else); DELETE loses
    Manual,        // LWW, but every concurrent key waits for the user's decision
};
inline constexpr size_t kMergeStrategies = 6;

// Stable spellings (audit log, CLI, settings) and the names the dialog shows.
std::string_view mergeStrategyId(MergeStrategy s);
bool parseMergeStrategy(std::string_view id, MergeStrategy& out);
std::string_view mergeStrategyTitle(MergeStrategy s);
// Whether the strategy means anything for FULL_SYNC, which has no source/target roles.
bool strategyNeedsRoles(MergeStrategy s);

// Orders grades for HighestGrade: negative when a is worse than b. Letter grades (A+ … F)
// rank above every other value; other values compare by bytes.
int compareGrades(std::string_view a, std::string_view b);

// What to merge: replica indices of one Engine.
struct MergeRequest {
    bool fullSync = false;       // FULL_SYNC over `targets`; otherwise targets.MERGE(sources)
    std::vector<size_t> targets; // at least one; FULL_SYNC: the whole set, first = decision origin
    std::vector<size_t> sources; // MERGE: at least one, none of them a target
    MergeStrategy strategy = MergeStrategy::LastWriterWins;
    std::vector<size_t> priority; // StorePriority: most trusted first; unlisted stores rank last
};

// The user's decision for one key (a manual pick); overrides the strategy for that key.
struct ManualChoice {
    enum class Kind : uint8_t { KeepTarget, TakeStore, TypeValue };
    Kind kind = Kind::KeepTarget;
    size_t store = 0;           // TakeStore: the replica whose write to take
    ValueId value = kTombstone; // TypeValue: the grade (kTombstone: delete the key)
    std::string note;           // why, for the audit log
    bool operator==(const ManualChoice&) const = default;
};
using ManualChoices = std::map<KeyId, ManualChoice>;

enum class DecisionReason : uint8_t {
    Greatest,     // the greatest write (LWW)
    SourceWins,   // the strategy preferred a source's write
    TargetWins,   // the strategy preferred the target's write
    Priority,     // the most trusted store's write
    HighestGrade, // the best grade
    Manual,       // the user's decision
};
std::string_view decisionReasonId(DecisionReason r);

// One change the merge makes to one target. `after` is either a write some participant holds
// (adopted unchanged, as docs/script-language.md's merge does) or, when `decision`, a new write
// made at `after.origin` with seq assigned when it is applied (0 in the plan).
struct PlannedWrite {
    KeyId key = 0;
    uint8_t target = 0;                          // index into MergeRequest::targets
    ConflictKind kind = ConflictKind::Identical; // the key's bucket across the participants
    DecisionReason reason = DecisionReason::Greatest;
    bool decision = false;
    int32_t picked = -1; // replica whose value won (-1: a typed value)
    Write before;        // the target's write now (none: it never had the key)
    Write after;         // the target's write after the merge
    Write greatest;      // what last-writer-wins alone would have given
};

// The dry run and the plan are one object: what the preview shows is what gets applied.
struct MergePlan {
    MergeRequest request;
    std::vector<size_t> participants;  // targets then sources, each once
    std::vector<PlannedWrite> writes;  // ascending write order of `after`, key groups intact
    std::vector<KeyId> concurrent;     // keys concurrent across the participants
    std::vector<KeyId> undecided;      // Manual: concurrent keys still without a decision
    std::vector<size_t> sourceLogEnds; // per replica: its log end when planned
    std::string problem;               // a request that cannot be planned, in words
    bool ok() const { return problem.empty(); }
    bool canApply() const { return ok() && undecided.empty(); }
    // Where a batch of about `size` writes starting at `from` may end: never inside one key's
    // group (a FULL_SYNC decision is made at one target and adopted by the others).
    size_t batchEnd(size_t from, size_t size) const;
};

} // namespace syncscope

#pragma once

#include "catalog.h"
#include "engine.h"
#include "mergedecision.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace syncscope {

// The property lab (teaching aid): the user picks stores and merges; the lab runs
// the merges in every order, once per strategy, on copies of the stores' real history, and
// shows the end states side by side with docs/script-language.md's properties as they turned out:
//
// - commutative: for every MERGE step T.MERGE(S), T.MERGE(S) leaves T with the same values
//   as S.MERGE(T) leaves S (each run alone, from the history as it is);
// - order-free: every order of the steps ends in the same values everywhere (what
//   commutativity and associativity together promise for a batch of merges);
// - idempotent: after any order, running every step once more writes nothing;
// - convergent: after any order, all chosen stores hold the same values.
//
// Merges are planned and applied exactly as the merge dialog does (planMerge,
// applyWholePlan), so what the lab shows is what a merge would do. It works on the keys the
// chosen stores disagree on: a key every store holds the same write for is left alone by
// every merge among them, under every strategy.

inline constexpr size_t kMaxLabSteps = 6;    // 720 orders
inline constexpr size_t kMaxLabKeys = 1000;  // of the keys the stores disagree on
inline constexpr size_t kMaxLabListed = 200; // keys shown side by side

// One merge of the lab: T.MERGE(S), or a FULL_SYNC over every store of the lab. Indices are
// into the lab's stores.
struct LabStep {
    bool fullSync = false;
    size_t target = 0;
    size_t source = 0;
    bool operator==(const LabStep&) const = default;
};

// The chosen stores' history, restricted to the keys they disagree on, with a catalog of its
// own: the lab can run on another thread while the session's engine goes on.
struct LabHistory {
    LabHistory() = default;
    LabHistory(const LabHistory&) = delete;
    LabHistory& operator=(const LabHistory&) = delete;

    Catalog catalog;
    Engine engine{catalog};   // one replica per chosen store, in the order chosen
    std::vector<KeyId> keys;  // the lab's keys (ids of `catalog`), in key order
    size_t differingKeys = 0; // how many keys the stores disagree on (keys keeps the first)
};

// Copies the oplogs of `stores` (replicas of `engine`, at least two), keeping the entries of
// the keys they disagree on. Fails, saying why, when a store's oplog no longer starts at its
// first entry (the engine trimmed it) or the copy does not rebuild the stores' states.
std::unique_ptr<LabHistory> extractLabHistory(const Engine& engine, std::span<const size_t> stores,
                                              std::string& problem, size_t maxKeys = kMaxLabKeys);

enum class LabProperty : uint8_t { Commutative, OrderFree, Idempotent, Convergent };
inline constexpr size_t kLabProperties = 4;
std::string_view labPropertyName(LabProperty p);
// What a property that held was tried on: "held for every MERGE among the steps, swapped" or
// "held in all 24 orders".
std::string describeHeld(LabProperty p, size_t orders);

struct LabVerdict {
    enum class State : uint8_t { Held, Failed, NotTested };
    State state = State::Held;
    std::string why; // Failed: a counter-example; NotTested: the reason
};

// One end state, with the orders that reach it.
struct LabOutcome {
    std::vector<std::vector<uint8_t>> orders; // each a permutation of step indices
    // The listed keys × the lab's stores, row-major: the value, "deleted", or "" (never had it).
    std::vector<std::string> cells;
    bool converged = false; // every store a step merges ends with the same values (all keys)
};

struct LabStrategyResult {
    MergeStrategy strategy = MergeStrategy::LastWriterWins;
    std::string problem;              // why it could not run (a FULL_SYNC has no source)
    std::vector<LabOutcome> outcomes; // the order they were first reached in
    std::array<LabVerdict, kLabProperties> verdicts;
};

struct PropertyLabReport {
    std::string problem; // the lab could not run at all
    std::vector<std::string> storeNames;
    std::vector<std::string> steps; // spelled as in a script
    size_t orders = 0;              // orders run per strategy
    size_t labKeys = 0, differingKeys = 0;
    // The keys shown: those some strategy ends differently on (across orders or stores), or
    // the first keys when none does.
    std::vector<std::pair<std::string, std::string>> listedKeys;
    std::vector<LabStrategyResult> strategies;
};

// Every strategy the lab can run: all but Manual, which waits for the user's decisions.
std::vector<MergeStrategy> labStrategies();

// The lab's stores are history.engine's replicas; StorePriority trusts them in that order.
PropertyLabReport runPropertyLab(LabHistory& history, std::span<const LabStep> steps,
                                 std::span<const MergeStrategy> strategies);

// "SQL.MERGE(HIVE)" or "FULL_SYNC"; an order as "SQL.MERGE(HIVE), then FULL_SYNC".
std::string spellLabStep(const LabStep& step, std::span<const std::string> storeNames);
std::string spellLabOrder(std::span<const uint8_t> order, std::span<const std::string> steps);

} // namespace syncscope

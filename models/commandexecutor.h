#pragma once

#include "engine.h"
#include "script.h"

#include <optional>
#include <span>
#include <vector>

namespace syncscope {

// Runs parsed, bound commands in the engine: the one place where a script line becomes engine
// calls, shared by syncscope-cli and the GUI. Pure (no I/O): callers ship what the engine
// appended to the stores.
class CommandExecutor {
public:
    // storeOfName: Script::names index -> replica index (StoreBinding::storeOfName).
    CommandExecutor(Engine& engine, std::vector<size_t> storeOfName);

    struct Outcome {
        std::optional<OplogEntry> get;     // a GET's entry: what it returned, at which ts
        std::optional<OplogEntry> written; // a SET's or DELETE's entry (changedState: it won)
        size_t appended = 0;               // MERGE, FULL_SYNC: entries appended in all
        size_t store = 0;                  // the replica a SET/GET/DELETE/MERGE touched
        bool touchesAll = false;           // FULL_SYNC: any replica of its set may have new entries
    };

    Outcome run(const Script& script, const Command& command);

    // A command already resolved: its key and value interned in the engine's catalog, its
    // stores replicas.
    struct Resolved {
        Op op = Op::Set;
        size_t store = 0;  // SET/GET/DELETE/MERGE target
        size_t source = 0; // MERGE source
        KeyId key = 0;
        ValueId value = 0;
        int64_t ts = 0;
        std::span<const size_t> syncStores; // FULL_SYNC: ascending, once each; empty: all
    };
    Outcome run(const Resolved& command);

private:
    Engine& engine_;
    std::vector<size_t> storeOfName_;
    std::vector<size_t> everyStore_;
    std::vector<size_t> syncSet_;
};

} // namespace syncscope

#pragma once
// Building the engine from what the stores hold: both front ends start a session this way.
#include "engine.h"
#include "identityclash.h"
#include "logrecord.h"

#include <functional>
#include <optional>
#include <vector>

namespace syncscope {

struct OplogReplay {
    // Two different writes under one identity (docs/crash-safety.md): nothing was replayed.
    std::optional<IdentityClash> clash;
    // The greatest ts of any write the stores hold: typed lines without a timestamp continue
    // after it (docs/script-language.md), so they are not superseded on arrival.
    std::optional<int64_t> heldTs;
};

// Replays each store's oplog (logs[r] for the engine's replica r) into the engine, after
// checking that no identity names two writes. Each log is released once replayed (a million
// records need not stay twice in memory); `replayed(r)` runs after store r.
OplogReplay replayOplogs(Engine& engine, std::vector<std::vector<LogRecord>>& logs,
                         const std::function<void(size_t)>& replayed = {});

} // namespace syncscope

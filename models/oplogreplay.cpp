#include "oplogreplay.h"

#include "recordconversion.h"

#include <algorithm>

namespace syncscope {

OplogReplay replayOplogs(Engine& engine, std::vector<std::vector<LogRecord>>& logs,
                         const std::function<void(size_t)>& replayed) {
    OplogReplay out;
    // One identity, one write, before any replay: stores holding two writes under one identity
    // are not folded into one engine, nor merged.
    out.clash = findIdentityClash(logs);
    if (out.clash)
        return out;
    for (size_t r = 0; r < logs.size(); ++r) {
        for (const LogRecord& rec : logs[r]) {
            if (rec.isWrite())
                out.heldTs = std::max(out.heldTs.value_or(rec.ts), rec.ts);
            engine.restore(r, fromRecord(rec, engine.catalog()));
        }
        logs[r] = {};
        if (replayed)
            replayed(r);
    }
    return out;
}

} // namespace syncscope

#pragma once

#include "logrecord.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace syncscope {

// docs/crash-safety.md: an identity (origin, seq) names one write in every store. Within a run,
// Syncscope gives each new write a seq past every identity its origin holds anywhere, and a copy
// always carries its origin's write, so two writes can share an identity only when the stores came
// to the run that way (a crash under an earlier version, another program's writes). The stores a
// run or the window loads are checked for that before anything is replayed or merged: a store
// must never be offered one write under an identity it holds for another.
struct IdentityClash {
    size_t firstStore = 0;
    size_t secondStore = 0;
    LogRecord first;  // as the first store (in load order) holds it
    LogRecord second; // the other write under the same identity
    // "MARIA:7056 names two writes: (SID1,CSE001)=A at ts 5 in PG and (SID9,CSE002)=B at ts 8
    // in REDIS; nothing was run (docs/crash-safety.md: a corruption; verify lists every such
    // identity)".
    std::string message(const std::vector<std::string>& storeNames) const;
};

// The first identity that names two different writes across `logs` (one per store, in load
// order), or nullopt. Seed writes (origin CSV, seq = the CSV row) are not identities of any
// store and are not compared.
std::optional<IdentityClash> findIdentityClash(std::span<const std::vector<LogRecord>> logs);

} // namespace syncscope

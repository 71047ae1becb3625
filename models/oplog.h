#pragma once

#include "write.h"

#include <cstdint>
#include <vector>

namespace syncscope {

enum class EntryKind : uint8_t { Set, Delete, Get, Seed };

// One line of a store's operation log. For a GET, write.ts is the GET's timestamp, write.value
// what it returned (kTombstone for NULL) and write.origin the store itself.
struct OplogEntry {
    Write write;
    EntryKind kind = EntryKind::Set;
    // False for a local write that was smaller than the state when it arrived: logged, but it
    // changed nothing ("superseded on arrival").
    bool changedState = true;

    bool isWrite() const { return kind != EntryKind::Get; }
};

using Oplog = std::vector<OplogEntry>;

// The kind of entry a write makes when logged (seed writes keep their kind when merged).
inline EntryKind entryKindOf(const Write& w, NameId seedOrigin) {
    if (w.origin == seedOrigin)
        return EntryKind::Seed;
    return w.isTombstone() ? EntryKind::Delete : EntryKind::Set;
}

} // namespace syncscope

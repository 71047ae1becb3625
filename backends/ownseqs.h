#pragma once

#include "logrecord.h"
#include "result.h"

#include <QString>

#include <functional>
#include <optional>
#include <span>
#include <string>

namespace syncscope {

// docs/crash-safety.md's seq claims, the part every backend shares. A write of a store's own origin
// is identified by its seq, and a store may have other writers (capture triggers numbering an
// outside write, a second Syncscope process numbering its own). Before a batch commits, its own
// writes are checked against `claimed`, the greatest own seq the store holds or has claimed:
//  - above it, each seq may be used once in the batch;
//  - at or below it, the seq must be free (a seq freed by a rollback) or held by this very
//    write (a replayed batch, a copy of the store's write coming home): `heldWrite(seq)` reads
//    what the store's oplog holds under it, nullopt when nothing does.
// Anything else is refused whole, as a conflict: nothing of the batch may be written. Each
// backend runs this where its writes are serialised (a transaction, the append lock); how it
// reads `claimed` and `heldWrite` is its own.
Status checkOwnSeqs(std::span<const LogRecord> batch, const QString& store, uint64_t claimed,
                    const std::function<Result<std::optional<LogRecord>>(uint64_t seq)>& heldWrite);

// The greatest own seq among the batch's writes (0: none).
uint64_t greatestOwnSeq(std::span<const LogRecord> batch, const std::string& self);

// Whether `held` is the same write as `r` by content (key, value or tombstone, ts).
bool sameWriteContent(const LogRecord& held, const LogRecord& r);

// What a store keeps beside an own seq it claimed where the claim is a record of its own
// (Redis's <prefix>:ownseqs, MongoDB's ownseqs collection): the write's key, ts and value or
// tombstone, enough to tell the same write again (a replay) from another write that took the
// seq. `keySeparator` joins student and course as each store has always written them (',' in
// Redis, '\x1f' in MongoDB), so that claims already stored keep matching.
std::string ownDigest(const LogRecord& r, char keySeparator);

// The refusals, worded once for every backend.
StoreError seqAlreadyTaken(const QString& store, const LogRecord& r);
StoreError seqGivenTwice(const QString& store, const LogRecord& r);

} // namespace syncscope

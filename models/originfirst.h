#pragma once

#include "logrecord.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace syncscope {

// The records each store has been given by the engine and not yet sent to it, as the
// OriginFirst planner reads them: store by store, front to back.
class UnsentRecords {
public:
    virtual ~UnsentRecords() = default;
    virtual size_t size(size_t store) const = 0;
    virtual const LogRecord& at(size_t store, size_t i) const = 0;
};

// docs/crash-safety.md's "origin first": a write is durable in its origin's oplog before any copy
// of it is durable in another store. The engine appends a write to its origin's log before any
// merge can copy it, so it is enough to send the records of each store in the order the engine
// appended them and to cut them into batches such that a batch carrying a copy of store O's
// write with seq n waits for O's batch holding n. This class decides those cuts; the outbox
// sends the batches and does the waiting. Pure and single-threaded: the outbox's thread owns it.
//
// When store T is to be sent and it carries a copy of a write that O has not been sent yet,
// T's records before that copy go first, then O's records up to that write (and, greedily,
// on as far as O's records need nothing still unsent), then the rest of T's. Each such step
// only reaches back to writes the engine made earlier, so the recursion ends, and every batch
// waits only for batches handed out before it: no two workers ever wait on each other.
class OriginFirst {
public:
    // names[s]: store s's canonical name, the origin its own writes carry.
    explicit OriginFirst(std::vector<std::string> names);

    // A batch to send: the first `count` unsent records of `store`, which may commit only
    // once each (origin store, seq) in `waitsFor` is durable in that origin.
    struct Cut {
        size_t store = 0;
        size_t count = 0;
        std::vector<std::pair<size_t, uint64_t>> waitsFor;
        // The greatest own seq of `store` handed out with this cut and those before it: the
        // batch a copy of a write up to it waits for.
        uint64_t ownSeq = 0;
    };

    // Every unsent record of `store`, and before them whatever of other stores they need, as
    // batches in the order they are to be handed out. The caller then takes each cut's records
    // off the front of its store's unsent records, in order.
    std::vector<Cut> plan(size_t store, const UnsentRecords& unsent);

    // Store s already holds its own writes up to `seq` (read from it at start, or written by
    // its own engine): copies of them wait for nothing.
    void markHeld(size_t s, uint64_t seq);
    // Store s ends with the process (SQLite in memory): a crash leaves it holding nothing, so
    // its batches wait for no origin and copies of its writes wait for nothing.
    void markVolatile(size_t s);
    // The store whose name is `origin`, or npos for an origin outside the stores (CSV).
    size_t storeOf(const std::string& origin) const;
    const std::string& nameOf(size_t s) const { return names_[s]; }

private:
    // Hands out `store`'s unsent records from its cursor: all of them when `needSeq` is 0,
    // else at least up to its own write `needSeq`, then on while nothing blocks.
    void take(size_t store, uint64_t needSeq, const UnsentRecords& unsent, std::vector<Cut>& out);

    std::vector<std::string> names_;
    std::unordered_map<std::string, size_t> index_;
    std::vector<uint64_t> held_; // per store: own writes it held before any was sent
    std::vector<char> volatile_; // per store: ends with the process
    std::vector<uint64_t> sent_; // per store: greatest own seq handed out
    std::vector<size_t> cursor_; // per store, during plan(): records already cut
    std::vector<char> onStack_;  // per store, during plan(): waiting for another store
};

} // namespace syncscope

#pragma once

#include "oplog.h"

#include <cstdint>
#include <string>

namespace syncscope {

// An oplog entry spelled out in strings: what crosses from the engine (one thread, interned
// ids) to a store's worker thread and back. Identifiers and grades are short, so std::string's
// small-buffer storage keeps this free of heap allocation in the common case.
struct LogRecord {
    EntryKind kind = EntryKind::Set;
    std::string studentId;
    std::string courseId;
    std::string value;     // the grade; empty for DELETE and for a GET that returned NULL
    bool hasValue = false; // SET/SEED: true; DELETE: false; GET: whether it returned a value
    int64_t ts = 0;
    std::string origin;
    uint64_t seq = 0;
    int64_t wallMs = 0;     // wall-clock time the store logged it (filled in by the store)
    std::string attributes; // SEED: the CSV row's extra columns as a JSON object
    std::string context;    // causal context, "HIVE:5,SQL:3" (causalcontext.h); "" when empty
    int64_t position = 0;   // the entry's place in the store's own oplog (filled in on reads)

    bool isWrite() const { return kind != EntryKind::Get; }
};

// A live or deleted row of a store's grade table, with the write that put it there.
struct GradeRecord {
    std::string studentId;
    std::string courseId;
    std::string value;
    bool deleted = false; // a tombstone kept so last-writer-wins still knows about the delete
    int64_t ts = 0;
    std::string origin;
    uint64_t seq = 0;
    std::string attributes;
};

const char* entryKindName(EntryKind kind); // "SET", "DELETE", "GET", "SEED"
bool entryKindFromName(std::string_view name, EntryKind& kind);

} // namespace syncscope

namespace syncscope {
// docs/script-language.md's write order on records: (ts, origin byte-wise, seq).
bool writeLess(const LogRecord& a, const LogRecord& b);
// The order stores list their rows in: student id, then course id, byte-wise.
bool keyLess(const GradeRecord& a, const GradeRecord& b);
bool sameKey(const GradeRecord& a, const GradeRecord& b);
// docs/script-language.md's order between a write and the grade row it meets.
bool writeBeats(const LogRecord& write, const GradeRecord& row);
// The row a write leaves, keeping the attributes of `previous` where the write brings none
// (as the SQL stores' upsert does). For the stores that decide rows themselves (Redis, MongoDB).
GradeRecord rowAfter(const LogRecord& write, const GradeRecord* previous);

// Why a record breaks docs/script-language.md (naming the key), or an empty string when it is
// valid. Stores check every record of a batch before writing any, so bad input changes nothing.
std::string recordProblem(const LogRecord& record);
} // namespace syncscope

#pragma once
// Oplog records as the store tests write them.
#include "logrecord.h"

#include <string>

inline syncscope::LogRecord setRecord(std::string sid, std::string cid, std::string value,
                                      int64_t ts, std::string origin, uint64_t seq) {
    syncscope::LogRecord r;
    r.kind = syncscope::EntryKind::Set;
    r.studentId = std::move(sid);
    r.courseId = std::move(cid);
    r.value = std::move(value);
    r.hasValue = true;
    r.ts = ts;
    r.origin = std::move(origin);
    r.seq = seq;
    return r;
}

inline syncscope::LogRecord deleteRecord(std::string sid, std::string cid, int64_t ts,
                                         std::string origin, uint64_t seq) {
    syncscope::LogRecord r =
        setRecord(std::move(sid), std::move(cid), {}, ts, std::move(origin), seq);
    r.kind = syncscope::EntryKind::Delete;
    r.hasValue = false;
    return r;
}

// A seed-CSV row's write: ts 0, origin CSV, seq = the row, with the row's extra columns.
inline syncscope::LogRecord seedRecord(std::string sid, std::string cid, std::string value,
                                       uint64_t row, std::string attributes) {
    syncscope::LogRecord r =
        setRecord(std::move(sid), std::move(cid), std::move(value), 0, "CSV", row);
    r.kind = syncscope::EntryKind::Seed;
    r.attributes = std::move(attributes);
    return r;
}

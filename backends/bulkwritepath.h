#pragma once

#include "logrecord.h"

#include <QString>

#include <span>
#include <string>

namespace syncscope {

// A server's own bulk loader as SqlStore's batch write: PostgreSQL's COPY (PostgresCopyPath),
// MariaDB's LOAD DATA LOCAL INFILE (MariadbLoadPath). The oplog rows go in by the loader; the
// grade rows by the loader into a temporary table, then one set-based upsert that replaces a row
// only when the write beats it, as the Qt Sql path's multi-row upserts do.
//
// Runs inside the caller's transaction (after its append lock), on the caller's thread.
class BulkWritePath {
public:
    virtual ~BulkWritePath() = default;

    // A loader takes a few more round trips than one multi-row INSERT: a command's few records
    // go faster as INSERTs (a SET's round trip was 1.6 ms by COPY, 0.7 ms without).
    static constexpr size_t kLeastRows = 256;

    // Whether a batch goes by the loader: big enough, and without attributes (extra seed-CSV
    // columns), which are kept from the last write that carried some, as a set-based upsert
    // cannot tell.
    static bool suits(std::span<const LogRecord> batch);

    // Writes the batch; false with `error` set (the caller rolls back).
    virtual bool writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) = 0;

protected:
    // The tab-separated text both loaders read (COPY's text format; LOAD DATA's defaults):
    // \N for NULL, and backslash, tab, newline and carriage return inside a value escaped with
    // a backslash.
    // An oplog row: op, student, course, grade, ts, origin, seq, wall_ms, context.
    static void appendOplogRow(std::string& out, const LogRecord& r, qint64 wallMs);
    // A grade row of a write: student, course, grade (\N: a delete), ts, origin, seq.
    static void appendGradeRow(std::string& out, const LogRecord& r);
};

} // namespace syncscope

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
    // The server's code for the last failure (SQLSTATE, or MariaDB's error number; empty when
    // the server gave none), which says whether the rows were refused (sqlrefusal.h).
    const QString& errorCode() const { return errorCode_; }

protected:
    QString errorCode_;

    // The tab-separated text both loaders read (COPY's text format; LOAD DATA's defaults):
    // \N for NULL, and backslash, tab, newline and carriage return inside a value escaped with
    // a backslash.
    // The batch's oplog rows (op, student, course, grade, ts, origin, seq, wall_ms, context)
    // in place of what `out` held.
    static void writeOplogRows(std::string& out, std::span<const LogRecord> batch, qint64 wallMs);
    // The grade rows of the batch's writes (student, course, grade or \N for a delete, ts,
    // origin, seq) in place of what `out` held; GETs are logged but change nothing. False when
    // the batch has no write.
    static bool writeGradeRows(std::string& out, std::span<const LogRecord> batch);
};

} // namespace syncscope

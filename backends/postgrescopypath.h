#pragma once

#include "logrecord.h"

#include <QString>
#include <QVariant>

#include <span>
#include <string>

struct pg_conn;

namespace syncscope {

// PostgreSQL's fast write path, on the connection's native libpq handle (Qt Sql hands it out
// through QSqlDriver::handle()). A batch of multi-row INSERT … ON CONFLICT statements through
// QPSQL ran at about a quarter of COPY's rate: QPSQL sends every bound value as a quoted literal
// inside the statement text, which the server parses again for each statement. Here the oplog
// rows go in by COPY FROM STDIN, and the grade rows by COPY into a temporary table followed by
// one set-based upsert that keeps, per key, the greatest write of the batch (SPEC §1's order:
// ts, then origin byte-wise, then seq) and replaces a row only when that write beats it: the
// same outcome as applying the writes one by one, as the Qt Sql path does.
//
// Runs inside the caller's transaction (after its append lock), on the caller's thread.
class PostgresCopyPath {
public:
    static pg_conn* nativeHandle(const QVariant& handle);

    explicit PostgresCopyPath(pg_conn* conn)
        : conn_(conn) {}

    // COPY takes five round trips where one multi-row INSERT takes one: a command's few
    // records go faster as INSERTs (a SET's round trip was 1.6 ms by COPY, 0.7 ms without).
    static constexpr size_t kLeastRows = 256;

    // Whether a batch goes by COPY: big enough, and without attributes (extra seed-CSV columns),
    // which are kept from the last write that carried some, as a per-key maximum cannot tell.
    static bool suits(std::span<const LogRecord> batch);
    // Writes the batch; false with `error` set (the caller rolls back).
    bool writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error);

private:
    bool exec(const char* sql, QString& error);
    bool copy(const char* sql, QString& error); // sends buffer_
    QString lastError() const;

    pg_conn* conn_;
    std::string buffer_; // one COPY's text, reused across batches
};

} // namespace syncscope

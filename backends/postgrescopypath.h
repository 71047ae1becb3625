#pragma once

#include "bulkwritepath.h"

#include <QString>
#include <QVariant>

#include <span>
#include <string>

struct pg_conn;
struct pg_result;

namespace syncscope {

// PostgreSQL's bulk write path, on the connection's native libpq handle (Qt Sql hands it out
// through QSqlDriver::handle()). A batch of multi-row INSERT … ON CONFLICT statements through
// QPSQL ran at about a quarter of COPY's rate: QPSQL sends every bound value as a quoted literal
// inside the statement text, which the server parses again for each statement. Here the oplog
// rows go in by COPY FROM STDIN, and the grade rows by COPY into a temporary table followed by
// one set-based upsert that keeps, per key, the greatest write of the batch
// (docs/script-language.md's order: ts, then origin byte-wise, then seq) and replaces a row only
// when that write beats it: the same outcome as applying the writes one by one, as the Qt Sql path
// does.
class PostgresCopyPath final : public BulkWritePath {
public:
    static pg_conn* nativeHandle(const QVariant& handle);
    // The connection's socket, or -1 when there is none.
    static int socketOf(const QVariant& handle);

    explicit PostgresCopyPath(pg_conn* conn)
        : conn_(conn) {}

    bool writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) override;

private:
    bool exec(const char* sql, QString& error);
    bool copy(const char* sql, QString& error); // sends buffer_
    QString lastError() const;
    // A failed result's message in `error`, and its SQLSTATE in errorCode_.
    void fail(const pg_result* r, QString& error);

    pg_conn* conn_;
    std::string buffer_; // one COPY's text, reused across batches
};

} // namespace syncscope

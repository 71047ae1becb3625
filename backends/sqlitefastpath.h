#pragma once

#include "logrecord.h"

#include <QString>
#include <QVariant>

#include <functional>
#include <span>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace syncscope {

// The hot paths of SQLite stores, batch writes and oplog reads, on the connection's native
// handle (Qt Sql hands it out through QSqlDriver::handle()). Going through QSqlQuery cost about
// 8 µs per oplog entry written and 1.7 µs per entry read, mostly QVariant and UTF-16
// conversions; bound UTF-8 text on prepared statements costs a fraction of that. Same SQL,
// same bound parameters, same transactions as the Qt Sql path.
class SqliteFastPath {
public:
    // Call before the first SQLite connection of the process: turns off SQLite's global
    // memory statistics, whose mutex every allocation takes. With one worker thread per store
    // that mutex, not SQLite's work, was most of a multi-store run's time. Also drops the
    // per-connection mutexes: a connection is only ever used from its worker's thread.
    static void configureProcess();
    static sqlite3* nativeHandle(const QVariant& handle);
    // Adds syncscope_token(sid, cid), syncscope_digest(sid, cid, grade) (the numbers of
    // models/rangechecksum.h, as signed 64-bit integers) and the aggregate syncscope_xor(x)
    // to a connection, for range checksums computed by SQLite itself. False if SQLite refused.
    static bool registerChecksumFunctions(sqlite3* db);

    explicit SqliteFastPath(sqlite3* db)
        : db_(db) {}
    ~SqliteFastPath();
    SqliteFastPath(const SqliteFastPath&) = delete;
    SqliteFastPath& operator=(const SqliteFastPath&) = delete;

    // Prepares the statements; false with `error` set when the schema is not there.
    bool prepare(const QString& readOplogSql, const QString& insertOplogSql,
                 const QString& upsertGradeSql, QString& error);
    // Writes one batch inside one transaction; on failure rolls back and sets `error`.
    bool writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error);
    // Appends the oplog entries after position `after` to `out`, in order; checks for
    // cancellation every 64k rows (then returns false with `canceled` set).
    bool readOplog(int64_t after, size_t limit, std::vector<LogRecord>& out,
                   const std::function<bool()>& isCanceled, bool& canceled, QString& error);

private:
    bool exec(const char* sql, QString& error);
    QString lastError() const;

    sqlite3* db_;
    sqlite3_stmt* insertOplog_ = nullptr;
    sqlite3_stmt* upsertGrade_ = nullptr;
    sqlite3_stmt* readOplog_ = nullptr;
    std::vector<const LogRecord*> writes_; // reused across batches
};

} // namespace syncscope

#pragma once

#include "logrecord.h"

#include <QString>
#include <QVariant>

#include <array>
#include <functional>
#include <span>
#include <string>
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

    // `self`: the store's canonical name, the origin of the writes whose seqs it claims.
    SqliteFastPath(sqlite3* db, std::string self)
        : db_(db)
        , self_(std::move(self)) {}
    ~SqliteFastPath();
    SqliteFastPath(const SqliteFastPath&) = delete;
    SqliteFastPath& operator=(const SqliteFastPath&) = delete;

    // Rows per multi-row INSERT: a statement's own cost (starting, stepping, halting and
    // resetting the program) was about 0.45 µs per row on a one-row INSERT, as much as a
    // small row's insertion itself; 32 rows share it.
    static constexpr int kRowsPerStatement = 32;

    // Prepares the statements from SQL for `rows` rows (1 and kRowsPerStatement); false with
    // `error` set when the schema is not there.
    bool prepare(const QString& readOplogSql,
                 const std::function<QString(int rows)>& insertOplogSql,
                 const std::function<QString(int rows)>& upsertGradeSql, QString& error);
    // Writes one batch inside one transaction; on failure rolls back and sets `error`.
    bool writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error);
    // Whether the last failed writeBatch was refused because another writer holds a seq the
    // batch gives to one of its own writes (StoreError::conflict).
    bool refusedAsConflict() const { return conflict_; }
    // SQLite's extended result code for the last failed writeBatch (0 when it had none), which
    // says whether its rows were refused by a rule of the file's own (sqlrefusal.h).
    int failureCode() const { return failureCode_; }
    // Appends the oplog entries after position `after` to `out`, in order; checks for
    // cancellation every 64k rows (then returns false with `canceled` set).
    bool readOplog(int64_t after, size_t limit, std::vector<LogRecord>& out,
                   const std::function<bool()>& isCanceled, bool& canceled, QString& error);

private:
    bool exec(const char* sql, QString& error);
    QString lastError() const;
    // docs/crash-safety.md's seq claims, inside the batch's IMMEDIATE transaction (so no other
    // process writes between the check and the commit): the store's own writes in the batch take
    // seqs no other write of this origin holds, and the counter of claimed seqs moves past them.
    bool claimOwnSeqs(std::span<const LogRecord> batch, QString& error);
    // The greatest own seq claimed so far (the counter, or the oplog's greatest when none yet).
    bool claimedSeq(uint64_t& claimed, QString& error);
    // The content the oplog holds for own seq `seq`; false when no write holds it.
    bool heldWrite(uint64_t seq, LogRecord& held, QString& error);
    sqlite3_stmt* statement(sqlite3_stmt*& cached, const char* sql, QString& error);

    sqlite3* db_;
    std::string self_;
    bool conflict_ = false;
    int failureCode_ = 0;
    sqlite3_stmt* readClaim_ = nullptr;
    sqlite3_stmt* writeClaim_ = nullptr;
    sqlite3_stmt* greatestOwn_ = nullptr;
    sqlite3_stmt* heldWrite_ = nullptr;
    // [0]: one row, [1]: kRowsPerStatement rows.
    std::array<sqlite3_stmt*, 2> insertOplog_{};
    std::array<sqlite3_stmt*, 2> upsertGrade_{};
    sqlite3_stmt* readOplog_ = nullptr;
    std::vector<const LogRecord*> writes_; // reused across batches
    // The grade rows to upsert: the greatest write of each key, with the attributes it keeps.
    std::vector<std::pair<const LogRecord*, const std::string*>> grades_;
};

} // namespace syncscope

#pragma once

#include "logrecord.h"
#include "pgoutputdecoding.h"
#include "result.h"
#include "store.h"

#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct pg_conn;
class QSocketNotifier;
class QTimer;

namespace syncscope {

// capture=log on PostgreSQL: outside writes read from the server's write-ahead log through a
// logical replication slot and the pgoutput plugin, instead of triggers on grades.
//
// - The slot and publication are made on the first open that writes (names: slotName,
//   publicationName below); the publication holds grades. Every Syncscope transaction of the
//   store begins with ownWriteLock(), which puts a logical message in it: a transaction that
//   carries one is Syncscope's own (its entries are logged already) and its rows are dropped.
//   Before PostgreSQL 14 (pgoutput sends no messages) the oplog is published too, and a
//   transaction that writes it is Syncscope's own.
// - Each committed outside transaction becomes oplog entries exactly as the capture trigger of
//   sqldialect_servers.cpp makes them (origin = the store, seq = its greatest + 1, ts = the
//   greatest ts + 1, context = per other origin the greatest seq held for the key; a DELETE as a
//   delete; an UPDATE that renames a key as a DELETE and a SET), written in one transaction,
//   under the append lock, with the commit's end LSN saved in syncscope_meta (capture_lsn). The
//   slot is confirmed to that LSN only after the commit, and a transaction at or below the
//   saved LSN (the slot sends it again after a crash) is skipped: nothing lost, nothing twice.
// - A row breaking the data rules cannot be refused at its INSERT here: it is set aside in
//   syncscope_set_aside (position, key, raw value, reason, when) and reported; so is a TRUNCATE
//   of grades or a change of its columns.
// - An outside DELETE leaves no tombstone row (as MariaDB's triggers do), so that an outside
//   INSERT of that key again is not refused by the primary key.
//
// Runs on the store's thread, on the store's own connection (`store`) for what it writes, and a
// second connection of its own in replication mode for what it reads.
class PostgresLogCapture {
public:
    struct Server {
        QString host;
        int port = 0;
        QString user;
        QString password;
        QString database;
        QString connectOptions; // the Qt Sql driver's "key=value;…" connect options
    };
    // Writes captured entries (oplog rows and their grade upserts) inside the open transaction.
    using WriteEntries = std::function<Status(std::span<const LogRecord>)>;

    PostgresLogCapture(QString store, Server server, pg_conn* storeConnection, WriteEntries write);
    ~PostgresLogCapture();
    PostgresLogCapture(const PostgresLogCapture&) = delete;
    PostgresLogCapture& operator=(const PostgresLogCapture&) = delete;

    // The slot's name for a store's database: slots are the whole cluster's, so it names the
    // database ("syncscope_" + the name in [a-z0-9_], with a hash of the name when that changed
    // it or it is long). The publication is the database's own, under the same name.
    static QString slotName(const QString& database);
    static QString publicationName(const QString& database) { return slotName(database); }

    // The append lock of a store captured from the log: the store's own lock, plus the message
    // that marks the transaction as Syncscope's.
    static const char* ownWriteLock();

    // Checks the server can (wal_level, the REPLICATION attribute), makes the publication, the
    // slot and the set-aside table when missing, then drops the capture triggers (after the slot
    // exists, so no write falls between the two).
    Status prepare();
    // Reads the slot to the server's current end of WAL, capturing every committed outside
    // write. When another process holds the slot (it captures meanwhile), waits until it has
    // confirmed past that end instead.
    Status drain();

    // Keeps reading as writes commit; `captured` after each capture transaction commits,
    // `problem` for what is set aside or goes wrong (the store is named). When the slot is
    // another process's, retries each second: that process captures meanwhile.
    // `storeLost` when the store's own connection broke (the server went away): the store
    // connects again, which makes a new capture.
    void startStreaming(std::function<void()> captured, std::function<void(const QString&)> problem,
                        std::function<void()> storeLost);

    // What the store's description shows: "log (slot NAME)".
    static QString describe(const QString& database);
    // The rows set aside, for verify (Store::unaccountedRows): the key as it was written, and
    // where and why. None when the table does not exist (the store never captured from the log).
    static Result<std::vector<UnaccountedRow>> setAsideRows(pg_conn* conn, const QString& store);

    // Where it stands: the last transaction captured and its lag, or why it is not reading.
    CaptureProgress progress() const;

    // What drain() set aside or met, for the first watcher to hear.
    std::vector<QString> takeProblems();

private:
    struct Change {
        enum Kind { Set, Delete } kind = Set;
        std::string student;
        std::string course;
        std::optional<std::string> grade;
        bool gradeUnchanged = false; // an UPDATE left a TOASTed grade out
    };
    struct Transaction {
        uint64_t endLsn = 0;
        int64_t commitTime = 0; // microseconds since 2000-01-01 UTC
        bool own = false;
        std::vector<Change> changes;
        std::vector<QString> events; // TRUNCATE, schema changes: reported and kept
    };
    struct Relation {
        std::string name;
        int student = -1;
        int course = -1;
        int grade = -1;
        std::vector<std::string> columns;
    };
    struct SetAside {
        QString position;
        std::string student;
        std::string course;
        std::optional<std::string> grade;
        QString reason;
    };

    StoreError error(const QString& what, const QString& detail) const;
    Result<QString> queryValue(const char* sql, const std::vector<QString>& params = {});
    Status exec(const char* sql, const std::vector<QString>& params = {});
    Status connectReplication();
    void disconnectReplication();
    Status startReplication(bool& slotBusy);
    // Reads what the connection has, after waiting up to `waitMs` for something to come.
    Status readAvailable(int waitMs);
    Status handleFrame(std::string_view frame);
    Status handleMessage(const PgMessage& m);
    void markOwn();
    void addChange(const Relation& rel, const PgTuple& row, Change::Kind kind);
    // Writes the committed outside transactions read so far, then confirms them.
    Result<bool> captureCommitted();
    Status writeTransactions(std::vector<Transaction>& batch);
    // Lowers the ts of captured entries whose row a logged write changed after them; the keys
    // as the unit-separated lists the statements unnest.
    Status yieldToLaterWrites(std::vector<LogRecord>& records, const QString& students,
                              const QString& courses);
    Status confirm(uint64_t lsn, bool replyRequested);
    void report(const QString& problem);
    void pump();
    void tick();

    QString store_;
    Server server_;
    pg_conn* storeConn_;
    WriteEntries write_;
    QString slot_;
    bool marksOwn_ = false; // the server sends logical messages (14 and later)
    pg_conn* repl_ = nullptr;
    std::map<uint32_t, Relation> relations_;
    std::unique_ptr<Transaction> open_;  // between Begin and Commit
    std::vector<Transaction> committed_; // read, not yet captured
    size_t committedChanges_ = 0;
    uint64_t serverEnd_ = 0; // the server's end of WAL, as it last said
    uint64_t confirmed_ = 0; // what the slot was last told
    uint64_t frames_ = 0;    // frames read, to tell a quiet moment
    std::vector<QString> problems_;
    std::function<void()> captured_;
    std::function<void(const QString&)> problem_;
    std::function<void()> storeLost_;
    std::unique_ptr<QSocketNotifier> notifier_;
    std::unique_ptr<QTimer> timer_;
    QString lastFailure_; // what starting to read the slot last failed with
    CaptureProgress progress_;
};

} // namespace syncscope

#pragma once

#include "logrecord.h"
#include "rangechecksum.h"
#include "result.h"

#include <QString>

#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace syncscope {

// What a long store call is told by its caller: whether to stop (checked between batches) and
// where to report how far it got.
struct BatchControl {
    std::function<bool()> isCanceled = [] { return false; };
    std::function<void(qint64 done, qint64 total)> progress = [](qint64, qint64) {};
    // Something the user should know while the call goes on ("lost the connection, retrying in
    // 2 s"); the message names the store.
    std::function<void(const QString& message)> notice = [](const QString&) {};
};

struct StoreDescription {
    QString name;     // canonical store name (origin of its local writes)
    QString kind;     // "SQLite", "MariaDB", "PostgreSQL", "MongoDB", "Hive", "Redis"
    QString location; // URI without credentials, or "in memory"
    bool embedded = false;
    // How outside writes reach the oplog on a server store: "triggers", or "log (…)" naming where
    // the server's log is read from. Empty where the engine has no such choice.
    QString capture = {};

    bool capturesFromLog() const { return capture.startsWith(QLatin1String("log")); }
};

// Where a capture from the server's log (capture=log) stands, for the window to show.
struct CaptureProgress {
    QString position;  // the last transaction captured: "LSN 0/1A2B3C", "mariadb-bin.000003:4242"
    qint64 lagMs = -1; // from its commit to its entries committed in the oplog; -1: none yet
    qint64 lagResolutionMs = 1; // the commit time's resolution (MariaDB's binlog: whole seconds)
    QString waiting; // why the log is not being read now (the server away, another reader)
};

// What a backend can promise; the UI and the merge workers adapt to it.
struct StoreCapabilities {
    // A batch's grade rows and oplog entries commit together (SQL transaction, MULTI/EXEC, a
    // Mongo transaction on a replica set). Without it the oplog entry is written first and
    // replay is idempotent.
    bool atomicBatches = true;
    // Writes made by other clients reach the store's oplog (triggers, keyspace notifications,
    // change streams, snapshot comparison), so following the oplog tail sees them.
    bool capturesOutsideWrites = false;
    // What the store holds outlives this process (a file or a server). An in-memory SQLite
    // store ends with the process, so a crash can never leave it holding a copy its origin
    // lacks, nor leave another store holding a copy of its writes that it still has: origin
    // first (docs/crash-safety.md) has nothing to order for it, and its batches wait for no other
    // store.
    bool outlivesProcess = true;
};

// Where a page of grade rows starts: after this key (both empty: at the beginning).
struct GradeCursor {
    std::string studentId;
    std::string courseId;
    bool atStart() const { return studentId.empty() && courseId.empty(); }
};

// A row a store holds that readGrades cannot return and no oplog accounts for: another
// client's write the store could not log (on Redis, a field of the grades hash that is not a
// row Syncscope wrote and breaks the data rules). verify names each as corrupted.
struct UnaccountedRow {
    std::string studentId; // the key, as far as it can be read (the raw field when it cannot)
    std::string courseId;
    std::string detail; // what the store holds there, and why it is not a row
};

struct StoreCounts {
    qint64 liveKeys = 0;
    qint64 oplogEntries = 0;
    int64_t lastPosition = 0; // position of the newest oplog entry (0: none)
};

// Why store `store` refuses a database (a file, a key prefix) another store already holds:
// one database holds one store, so two stores' histories never mix. "wrong database: <where>
// holds store <holder>, not <store>", then `remedy` in parentheses when there is one. The
// whole error is made here so that every backend words it the same.
StoreError heldByAnotherStore(const QString& where, const QString& holder, const QString& store,
                              const QString& remedy = {});

// One store of a workspace, whatever engine holds it. A Store is used from one thread only
// (its StoreWorker's), holds one connection, and reports failures as values.
//
// The contract every backend keeps (tests/store/storecontract):
//  - append() logs each record in the store's oplog and, for writes, applies it to the grade
//    table when it beats the row there (ts, origin, seq): applying is idempotent, so replaying
//    a batch after a crash is harmless. Tombstones stay in the grade table, marked deleted.
//  - A batch's data and oplog rows commit together where the engine allows it; where it does
//    not, the oplog row is written first.
//  - readOplog(after, limit) returns the entries appended after position `after` (0: from the
//    start), at most `limit` of them (0: no limit), in the
//    order they were appended, each with its position. Following a store means calling it
//    again with the last position seen: whatever captures outside writes (see
//    StoreCapabilities) lands in the oplog, so one mechanism serves every backend.
class Store {
public:
    virtual ~Store() = default;

    virtual StoreDescription description() const = 0;
    virtual StoreCapabilities capabilities() const = 0;
    // The password for a server login, given before open() (the GUI's keychain, else
    // SYNCSCOPE_PASSWORD_<STORE>). Stores without a login (SQLite) ignore it.
    virtual void setPassword(const QString& password) { (void)password; }
    // Before open(): this store is only read (verify). The SQL stores then open their database
    // read-only and create nothing in it; MongoDB and Hive create no collection, table or index
    // and claim no name; each refuses a database that holds no store of its own, naming it.
    // Redis logs no outside write it finds (verify names them instead).
    virtual void setReadOnly() {}
    // Connects and creates the schema on first use.
    virtual Status open() = 0;
    virtual void close() = 0;

    virtual Status append(std::span<const LogRecord> records, const BatchControl& control) = 0;
    virtual Result<std::vector<LogRecord>> readOplog(int64_t after, size_t limit,
                                                     const BatchControl& control) = 0;
    // Grade rows (tombstones included) in (student_id, course_id) byte order, after `after`
    // (an empty cursor: from the first), at most `limit` (0: all). Pages for chunked loading.
    virtual Result<std::vector<GradeRecord>> readGrades(const GradeCursor& after, size_t limit,
                                                        const BatchControl& control) = 0;
    // The row for one key, deleted or not; nullopt when the key was never written.
    virtual Result<std::optional<GradeRecord>> readKey(const std::string& studentId,
                                                       const std::string& courseId) = 0;
    virtual Result<StoreCounts> counts() = 0;
    // Takes the store back to how it was when its newest oplog entry was at `position`: the
    // entries after it go, and every key they touched gets back the greatest write left in
    // the log (or loses its row). One transaction where the engine allows it. Used by Reset.
    virtual Status rollbackTo(int64_t position) = 0;

    // T.MERGE(S) of docs/script-language.md run by the engine that holds both stores, without the
    // rows passing through Syncscope: where this store can read `source`'s oplog itself (two Hive
    // databases on one HiveServer2). Appends S's greatest write of every key where it beats this
    // store's, in ascending write order, as a merge through the program would. nullopt where it
    // does not apply; else how many entries it appended.
    virtual Result<std::optional<int64_t>> mergeInside(const StoreDescription& source,
                                                       const BatchControl& control) {
        (void)source;
        (void)control;
        return std::optional<int64_t>{};
    }

    // Checksums of the live rows over `ranges` ranges of the key-hash space
    // (models/rangechecksum.h), for verify to compare stores without reading them. The SQL
    // backends compute them in the server; by default every row is read and hashed here, and
    // the live rows are kept for the readRanges that follows, so each row is read once.
    virtual Result<RangeChecksums> rangeChecksums(uint32_t ranges, const BatchControl& control);
    // The live rows whose key falls in the ranges `which` (of `ranges`), in key order. By
    // default from the rows the last rangeChecksums kept, when the oplog has not moved since;
    // else every row is read and the others dropped.
    virtual Result<RangeRows> readRanges(uint32_t ranges, const std::vector<uint32_t>& which,
                                         const BatchControl& control);

    // Rows nothing accounts for (UnaccountedRow). None on the engines whose tables only hold
    // rows Syncscope or its triggers wrote in its layout.
    virtual Result<std::vector<UnaccountedRow>> unaccountedRows(const BatchControl& control) {
        (void)control;
        return std::vector<UnaccountedRow>{};
    }

    // Records per atomic batch in append(): chosen by measurement for each backend.
    virtual size_t batchSize() const = 0;

    // Asks to be told, on the store's thread, whenever another client's write may have reached
    // the oplog (PostgreSQL's LISTEN/NOTIFY, Redis's keyspace notifications), and what goes
    // wrong with that meanwhile (`problem`, naming the store). Returns false where the engine
    // has no such push: the caller then polls readOplog() for the tail, which is cheap (a
    // primary-key range). An error says outside writes cannot be captured at all, and why.
    virtual Result<bool> watchChanges(std::function<void()> changed,
                                      std::function<void(const QString&)> problem) {
        (void)changed;
        (void)problem;
        return false;
    }

    // Where the capture from the server's log stands; none where the store does not read one.
    virtual std::optional<CaptureProgress> captureProgress() const { return std::nullopt; }

private:
    // The live rows the default rangeChecksums read, for the readRanges after it.
    struct KeptRows {
        uint32_t ranges = 0;
        int64_t lastPosition = 0; // the oplog's end when they were read
        std::vector<GradeRecord> rows;
    };
    std::optional<KeptRows> keptRows_;
};

} // namespace syncscope

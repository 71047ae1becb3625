#pragma once

#include "processidentity.h"
#include "store.h"

#include <QString>

#include <memory>
#include <string>

namespace syncscope {

class LostConnectionWait;

// A store in MongoDB through libmongoc (docs/script-language.md's mongodb:// URI), in one database:
//   grades          {_id: {s, c}, grade (string, null for a tombstone), deleted, ts, origin,
//                    seq, attributes (a seed's, absent otherwise)}: one document per key
//   oplog           {_id: position, op, s, c, v (absent without a value), ts, o, q, w, a, x}
//   syncscope_meta  {_id: "store", name}: the owner; {_id: "applied", pos}: the grades
//                   reflect the oplog up to pos; {_id: "rollback", pos}: a rollback under way
//   ownseqs         {_id: seq, d}: which write of the store's own origin holds each seq
// A standalone server has no multi-document transactions, so a batch's oplog entries are
// written first (one ordered insert at the next positions, whose unique _id also refuses a
// second writer's), then its grade rows, each an upsert that only matches when the write beats
// the row there: replaying a batch changes nothing, and after a crash the store replays the
// entries past "applied" when it opens. Values only ever travel as BSON strings inside
// documents whose field names are the program's own, so nothing a user types is read as an
// operator.
class MongoStore : public Store {
public:
    struct Options {
        QString name;     // canonical store name
        QString location; // the URI as given (it never holds a password), for display
        std::string uri;
        std::string password; // SYNCSCOPE_PASSWORD_<STORE> or the keychain's
        std::string database; // the URI's, else syncscope_<name>
        // Records per batch, by measurement on the test peer (bench_mongo_apply, 20,000 rows
        // at each size), rows/s for 1,000 / 2,000 / 5,000 / 10,000 / 20,000: 75k / 74k / 75k /
        // 73k / 72k. Flat, so the smaller size that answers a cancel sooner.
        size_t batchRows = 2000;
    };

    explicit MongoStore(Options options);
    ~MongoStore() override;

    // Why `uri` is not a MongoDB URI libmongoc can use, or empty.
    static std::string uriProblem(const std::string& uri);

    StoreDescription description() const override;
    // On a replica set a batch is one transaction; on a standalone server its oplog entries
    // go first, then the rows, and replay is idempotent. Writes by other clients are captured
    // by comparing the rows with what Syncscope wrote.
    StoreCapabilities capabilities() const override { return {transactions_, true}; }
    void setPassword(const QString& password) override {
        options_.password = password.toStdString();
    }
    // Only read (verify): the database's name is not claimed, its indexes not made, no crash's
    // work finished; a database without a Syncscope store is refused, naming it.
    void setReadOnly() override { readOnly_ = true; }
    Status open() override;
    void close() override;
    Status append(std::span<const LogRecord> records, const BatchControl& control) override;
    Result<std::vector<LogRecord>> readOplog(int64_t after, size_t limit,
                                             const BatchControl& control) override;
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor& after, size_t limit,
                                                const BatchControl& control) override;
    Result<std::optional<GradeRecord>> readKey(const std::string& studentId,
                                               const std::string& courseId) override;
    Result<StoreCounts> counts() override;
    Status rollbackTo(int64_t position) override;
    size_t batchSize() const override { return options_.batchRows; }
    // A standalone server has no change streams: every grade row is compared with what
    // Syncscope wrote (each row carries a fingerprint of its fields), on a timer whose period
    // follows the comparison's cost (1 s at least), and the lag is reported through `problem`.
    Result<bool> watchChanges(std::function<void()> changed,
                              std::function<void(const QString&)> problem) override;

    // The driver's handles and the outside-write watch, defined where the store's files
    // share them (mongodocuments.h); opaque to everyone else.
    struct Handles;
    struct Watch;

private:
    StoreError failure(const QString& what, const std::string& why) const;
    Status connectAndClaim();
    Status recover(const BatchControl& control);
    Status finishRollback(int64_t position, const BatchControl& control);
    Status writeBatch(std::span<const LogRecord> batch, const BatchControl& control);
    // On a replica set: the batch's seq claims, oplog entries and rows in one transaction.
    Status writeBatchInTransaction(std::span<const LogRecord> batch, const BatchControl& control);
    enum class CommitOutcome { Committed, NotCommitted, Failed };
    CommitOutcome commit(std::span<const LogRecord> batch, int64_t first, LostConnectionWait& lost,
                         const BatchControl& control, StoreError& why);
    // Whether the server answers (after a call failed: lost connection, or its own refusal).
    bool reachable();
    // Standalone: the oplog entries, then the rows; `done` counts the records that landed.
    Status writeLogFirst(std::span<const LogRecord> batch, size_t& done,
                         const BatchControl& control);
    // Refuses a batch with a write of the store's own origin whose seq another write holds.
    Status claimOwnSeqs(std::span<const LogRecord> batch);
    Status releaseOwnSeqs(std::span<const LogRecord> dropped);
    // Whether a claim on `seq` made at `claimedMs` was left behind by a writer that never
    // logged the write (a crash between claim and log): old, and no entry holds the seq.
    Result<bool> staleClaim(uint64_t seq, int64_t claimedMs, const ProcessIdentity& claimer);
    // How many of `records`, in order from position `first`, are in the oplog.
    Result<size_t> landedPrefix(std::span<const LogRecord> records, int64_t first);
    // Brings the grade rows up to `records` (entries already in the oplog): idempotent.
    Status applyToGrades(std::span<const LogRecord> records);
    // Inside a transaction a duplicate key would abort it, so the rows a batch meets are read
    // (in its snapshot), decided here, and only the beaten ones replaced.
    Status applyToGradesInTransaction(std::span<const LogRecord> records);
    Status replayAfter(int64_t position, const BatchControl& control);
    Result<int64_t> greatestPosition();
    Result<int64_t> metaPosition(const char* id, bool& present);
    Status setMetaPosition(const char* id, int64_t position);
    Status removeMeta(const char* id);
    Result<qint64> countWhere(bool grades, bool liveOnly);

    // Outside writes (mongooutsidewrites.cpp).
    Status learnLog();
    // One comparison: logs and applies every outside write found; whether it found any.
    Result<bool> captureOutsideWrites();
    void compareLater();
    // Keeps the watch's view current with the store's own writes and rollbacks.
    void noteWritten(std::span<const LogRecord> written);
    void noteRowGone(const std::string& studentId, const std::string& courseId);

    Options options_;
    std::unique_ptr<Handles> h_;
    std::unique_ptr<Watch> watch_;
    int64_t next_ = 1;          // the position the next entry takes
    bool transactions_ = false; // the server is a replica set: known once open
    bool readOnly_ = false;
};

} // namespace syncscope

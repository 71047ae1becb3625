#pragma once

#include "hiveconnection.h"
#include "hivewriterlock.h"
#include "store.h"

#include <QString>

#include <string>

namespace syncscope {

// A store in Apache Hive through HiveServer2 (docs/script-language.md's hive2:// URI). Without ACID
// tables Hive can neither UPDATE nor DELETE, so the store is its oplog:
//   oplog           append-only: pos (the position, assigned here: one past the greatest),
//                   op, student_id, course_id, grade (NULL without a value), ts, origin, seq,
//                   wall_ms, attributes (a seed's, else NULL), context
//   grades (VIEW)   the greatest write of every key in docs/script-language.md's order (ts, origin,
//   seq),
//                   tombstones included, computed with ROW_NUMBER() over the oplog; a key's
//                   attributes are those of its greatest write that carries any
//   syncscope_meta  k/v: "store" names the owner
// Where the server has ACID tables, a transactional grades_acid table (same columns as the
// view) is kept too: each batch is folded into it with MERGE after its INSERT, and reads use it.
// A batch is one multi-row INSERT, so a batch lands whole or not at all. Applying is
// idempotent by construction: the view takes the greatest write whatever else the log holds.
// Seq claims (docs/crash-safety.md): Hive has no transaction to make a check and a write one, so
// every append, inside merge and rollback holds the store's writer lock (hivewriterlock.h) while it
// reads the oplog's end and its own greatest seq, refuses a batch whose own writes take a seq the
// oplog holds for another write (checkOwnSeqs) and appends. A second process writing as this store
// waits for the first, then is refused for the seqs the first took.
// Every value reaches Hive through hiveStringLiteral (hiveql.h); Hive has no bind parameters.
class HiveStore : public Store {
public:
    struct Options {
        QString name;     // canonical store name
        QString location; // URI without credentials, for display
        HiveEndpoint endpoint;
        // Rows per INSERT, by measurement on the test peer (bench_hive_apply, 20,000 rows at
        // each size), rows/s for 500 / 1,000 / 2,000 / 5,000 / 10,000 rows: 218k / 229k /
        // 225k / 212k / 178k. Flat up to 2,000, then the server's parsing of one long
        // statement costs more than the round trips it saves.
        size_t batchRows = 2000;
    };

    explicit HiveStore(Options options);
    ~HiveStore() override;

    StoreDescription description() const override;
    const HiveEndpoint& endpoint() const { return options_.endpoint; }
    // A batch is one INSERT statement: atomic. Hive has no triggers, so writes made by other
    // clients are not captured.
    StoreCapabilities capabilities() const override { return {true, false}; }
    void setPassword(const QString& password) override;
    // Only read (verify): the database's tables and view are not created, its name not
    // claimed, the transactional grade table not created or folded; a database without a
    // Syncscope store is refused, naming it.
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
    // Why `target` cannot merge `source` inside Hive, or empty: both must be Hive stores in
    // different databases of one HiveServer2.
    static std::string mergeInsideProblem(const StoreDescription& target,
                                          const StoreDescription& source);
    // One INSERT … SELECT joining the two databases' latest-write windows.
    Result<std::optional<int64_t>> mergeInside(const StoreDescription& source,
                                               const BatchControl& control) override;
    size_t batchSize() const override { return options_.batchRows; }

private:
    StoreError error(const QString& what, const HiveOutcome& outcome) const;
    Status openAndCheckSchema();
    Status checkSchemaToRead();
    Status learnAcid();
    Status openGradeTable();
    Status foldIntoGradeTable(int64_t first, int64_t last, const BatchControl& control);
    // Runs a statement that can safely run twice (DDL with IF NOT EXISTS, reads): after a lost
    // connection it reconnects with back-off and runs it again.
    Status query(const QString& what, const std::string& statement, const BatchControl& control,
                 const std::function<void(HiveRows&&)>& take = {},
                 const HiveWhileRunning& whileRunning = {});
    Status reconnect(const QString& what, const QString& why, const BatchControl& control);
    Status writeBatch(std::span<const LogRecord> batch, int64_t first, const BatchControl& control);
    // The oplog's greatest position, and the greatest seq of the store's own writes in it
    // (docs/crash-safety.md's seq claims: Hive has no transaction to claim them in, see the class
    // comment).
    struct LogEnds {
        int64_t position = 0;
        uint64_t ownSeq = 0;
    };
    Result<LogEnds> logEnds(const BatchControl& control);
    Result<int64_t> greatestPosition(const BatchControl& control);
    // The content of the store's own write with `seq`, if its oplog holds one.
    Result<std::optional<LogRecord>> heldOwnWrite(uint64_t seq);
    // How many oplog entries sit at positions first..last (a batch's own, after a lost
    // connection or a cancel: all of them or none).
    Result<int64_t> entriesBetween(int64_t first, int64_t last);
    Result<std::vector<GradeRecord>> latest(const std::string& where, const std::string& after,
                                            size_t limit, const BatchControl& control);

    // A write makes the open page statement stale.
    void forgetPages();

    // Rows per statement when everything is read (readOplog and readGrades with limit 0).
    static constexpr size_t kWholeReadPage = 1000000;
    // Pages one grade statement's LIMIT holds (Hive's strict checks refuse ORDER BY without one).
    static constexpr size_t kPagesPerStatement = 1000;

    Options options_;
    HiveConnection conn_;
    HiveWriterLock writerLock_;
    bool open_ = false;
    bool readOnly_ = false;              // verify: nothing is created, claimed or folded
    bool acid_ = false;                  // the server has ACID tables: grades_acid is kept and read
    std::optional<GradeCursor> pageEnd_; // the last key the open page statement returned
    size_t pageLimit_ = 0;               // the page size the open page statement was made for
    size_t pagesLeft_ = 0;               // pages its LIMIT still holds
};

} // namespace syncscope

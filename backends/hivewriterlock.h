#pragma once
// One writer at a time on a Hive store's oplog, across processes and machines.
//
// Hive has no transaction to make "read the oplog's end and the store's greatest own seq, check
// the batch's seqs, append" one step, so two processes appending at once would number entries
// and claim seqs alike. Each append therefore holds this lock, kept in the table
// syncscope_writer_lock with INSERT and SELECT only (no row is ever changed or deleted by a
// writer: an INSERT OVERWRITE reads then replaces, and would lose a row inserted meanwhile):
//  1. insert a claim row under a fresh token (who the process is, the time);
//  2. read every claim;
//  3. the lock is held when the only live claim read is this one; otherwise insert a release
//     row for it, wait a random moment and start again under a new token.
// Two writers cannot both hold it: whichever reads second sees the other's claim, since each
// inserted before reading and a claim only ends by a release row its owner writes. Both may step
// back at once; the random wait separates them.
// A claim is dead when its process is known to have ended (same machine and pid namespace: the
// pid is gone or is another process now, or the machine restarted) or, seen from elsewhere,
// when its newest row is older than the lease (a holder renews its claim between batches). The
// one who can tell writes its release row. Rows older than twice the lease are ignored, and now
// and then a holder drops them (the one INSERT OVERWRITE, of rows nobody reads any more; a
// release row written at that moment by a writer stepping back can be lost, which leaves its
// claim looking live until its owner tries again or it ages out). A writer that cannot take the
// lock within the wait limit is refused and writes nothing. docs/crash-safety.md has the whole
// argument.
#include "hiveconnection.h"
#include "processidentity.h"
#include "store.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace syncscope {

// One claim as the lock table holds it: its rows folded (the newest time, released or not).
struct HiveWriterClaim {
    std::string token;
    std::string owner; // the HiveWriterLock that made it
    ProcessIdentity process;
    int64_t claimedMs = 0;
    bool released = false;
};

// Whether `claim` is dead: its process ended (as seen from this machine), or it is older than
// `leaseMs` where its process cannot be seen from here.
bool hiveClaimIsDead(const HiveWriterClaim& claim, ProcessLiveness liveness, int64_t nowMs,
                     int64_t leaseMs);

class HiveWriterLock {
public:
    // Runs one statement on the store's connection, reconnecting as the store does; `take`
    // receives a result's rows.
    using Run = std::function<Status(const QString& what, const std::string& statement,
                                     const BatchControl& control,
                                     const std::function<void(HiveRows&&)>& take)>;

    struct Timing {
        // A claim seen from another machine lives this long after its newest row. A holder
        // renews it between batches, and while one long statement runs (a merge inside Hive, a
        // rollback) through keepAlive().
        int64_t leaseMs = 30 * 60 * 1000;
        int64_t giveUpMs = 120 * 1000; // a writer waits this long for the lock at most
        int64_t noticeAfterMs = 3000;  // and says it waits after this long
    };

    HiveWriterLock(QString store, Run run);
    HiveWriterLock(QString store, Run run, Timing timing);

    // Takes the lock, waiting while another live writer holds it. An error when canceled, when
    // a statement fails, or when the wait limit passes (naming the holder); nothing is held then.
    Status acquire(const BatchControl& control);
    // While held: renews the claim when a quarter of the lease has passed since the last one.
    Status renew(const BatchControl& control);
    // For HiveConnection::execute of a long statement while held: renews the claim beside it
    // (on the same session) when a quarter of the lease has passed.
    HiveWhileRunning keepAlive();
    // Ends this writer's claim. Best effort: a release row that could not be written is written
    // at the next acquire() or release(); a claim that stays is a dead one once this process
    // ends.
    void release();
    bool held() const { return held_; }
    // A new connection (the store was opened again) may face a database without the table.
    void forgetTable() { tableReady_ = false; }

private:
    Status ensureTable(const BatchControl& control);
    Status insertClaim(const BatchControl& control);
    std::string claimStatement(int64_t now) const;
    Result<std::vector<HiveWriterClaim>> readClaims(const BatchControl& control);
    // Writes a release row for each of `tokens` (and for those still owed), in one statement;
    // on failure they stay owed.
    Status releaseClaims(std::vector<std::string> tokens, const BatchControl& control);
    // Drops rows nobody reads any more (older than twice the lease), while holding the lock.
    void dropOldRows(const BatchControl& control);

    QString store_;
    Run run_;
    Timing timing_;
    ProcessIdentity self_;
    std::string owner_;             // this lock's own id, on each of its claims
    std::string token_;             // the current claim's
    std::vector<std::string> owed_; // claims of this lock whose release row is not written yet
    bool tableReady_ = false;
    bool held_ = false;
    int64_t lastClaimMs_ = 0;
    int64_t nextSideTryMs_ = 0; // after a renewal beside a running statement failed
};

} // namespace syncscope

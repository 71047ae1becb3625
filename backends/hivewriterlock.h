#pragma once
// One writer at a time on a Hive store's oplog, across processes and machines.
//
// Hive has no transaction to make "read the oplog's end and the store's greatest own seq, check
// the batch's seqs, append" one step, so two processes appending at once would number entries
// and claim seqs alike. Each append therefore holds this lock, kept as rows of the table
// syncscope_writer_lock, using only what every Hive has (INSERT, SELECT, INSERT OVERWRITE):
//  1. insert a claim row (a random token, who the process is, the time);
//  2. read every claim;
//  3. the lock is held when the only live claim read is this one; otherwise take this claim
//     back, wait a random moment and start again.
// Two writers cannot both hold it: whichever reads second sees the other's claim, since each
// inserted before reading. Both may step back at once; the random wait separates them.
// A claim is dead, and is removed by whoever reads it, when its process is known to have ended
// (same machine: pid gone, or another process now, or the machine restarted) or, for a process
// on another machine, when it is older than the lease (a holder renews its claim while it
// holds). A writer that cannot take the lock within the wait limit is refused and writes
// nothing. docs/crash-safety.md has the whole argument.
#include "hiveconnection.h"
#include "processidentity.h"
#include "store.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace syncscope {

// One claim as the lock table holds it (the newest row of its token).
struct HiveWriterClaim {
    std::string token;
    ProcessIdentity process;
    int64_t claimedMs = 0;
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
        int64_t leaseMs = 10 * 60 * 1000; // a claim from another machine lives this long
        int64_t giveUpMs = 120 * 1000;    // a writer waits this long for the lock at most
        int64_t noticeAfterMs = 3000;     // and says it waits after this long
    };

    HiveWriterLock(QString store, Run run);
    HiveWriterLock(QString store, Run run, Timing timing);

    // Takes the lock, waiting while another live writer holds it. An error when canceled, when
    // a statement fails, or when the wait limit passes (naming the holder); nothing is held then.
    Status acquire(const BatchControl& control);
    // While held: renews the claim when a quarter of the lease has passed since the last one.
    Status renew(const BatchControl& control);
    // Removes this writer's claim. Best effort: a claim that stays is a dead one once this
    // process ends.
    void release();
    bool held() const { return held_; }
    // A new connection (the store was opened again) may face a database without the table.
    void forgetTable() { tableReady_ = false; }

private:
    Status ensureTable(const BatchControl& control);
    Status insertClaim(const BatchControl& control);
    Result<std::vector<HiveWriterClaim>> readClaims(const BatchControl& control);
    // Rewrites the table without the claims of `tokens`.
    Status removeClaims(const std::vector<std::string>& tokens, const BatchControl& control);

    QString store_;
    Run run_;
    Timing timing_;
    ProcessIdentity self_;
    std::string token_;
    bool tableReady_ = false;
    bool held_ = false;
    int64_t lastClaimMs_ = 0;
};

} // namespace syncscope

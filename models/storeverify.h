#pragma once
// Verification of stores against each other and against themselves: what
// `syncscope-cli verify` and Data > Verify report. The stores' rows arrive key by key (the
// caller merges their key-ordered pages); each store's oplog is folded first. Nothing here
// reads a store.
//
// Findings:
//  - missing: a key live in some stores and absent (or deleted) in others;
//  - differs: a key live everywhere with different grades;
//  - duplicate: a store returned more than one row for a key (a Hive table has no key);
//  - corrupted: a row breaks docs/script-language.md's data rules (identifiers, grade, origin);
//  - oplog: a row is not its key's greatest write in the store's own oplog, or the oplog's
//    greatest write for a key is a SET with no row;
//  - logged-twice: the oplog holds one write (origin, seq) more than once: a change applied
//    twice (a batch written again after a lost connection, a replication that delivered it
//    twice);
//  - identity-reused: two different writes share one identity (origin, seq);
//  - ahead-of-origin: a store holds a copy of a write that its origin, verified with it, does
//    not hold in its own oplog (docs/crash-safety.md's origin first broken, by a crash under a
//    version that did not keep it). verify --repair writes such writes back into their origin.
#include "logrecord.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace syncscope {

struct VerifyFinding {
    // IdentityReused: two different writes share one identity (origin, seq), in one store's
    // oplog or across stores (docs/crash-safety.md: a corruption, never the same change twice).
    enum class Kind {
        Missing,
        Differs,
        Duplicate,
        Corrupted,
        AgainstOplog,
        LoggedTwice,
        IdentityReused,
        AheadOfOrigin
    };
    Kind kind = Kind::Missing;
    std::string store; // the store it is about; empty for missing and differs (all of them)
    std::string studentId;
    std::string courseId;
    std::string detail; // in words, naming stores and values
};

const char* verifyKindName(VerifyFinding::Kind kind); // "missing", "differs", …

struct VerifyStoreSummary {
    std::string name;
    int64_t rows = 0;    // rows read, duplicates included
    int64_t live = 0;    // keys with a grade
    int64_t deleted = 0; // tombstones
    int64_t oplogEntries = 0;
};

// How a --checksums verify went: the key-hash ranges compared and how many differed
// (models/rangechecksum.h). The grade rows that crossed from each store to compare them are
// its summary's `rows`, as for a full verify.
struct VerifyChecksums {
    uint32_t ranges = 0; // 0: a full verify, not by checksums
    uint32_t differingRanges = 0;
};

struct VerifyReport {
    std::vector<VerifyStoreSummary> stores;
    VerifyChecksums checksums;
    std::vector<VerifyFinding> findings; // the first kMaxFindings, in key order
    int64_t findingCount = 0;            // all of them
    // Every ahead-of-origin write (not only the first kMaxFindings), once each however many
    // stores hold it, with the index
    // of its origin among the stores: what verify --repair writes back.
    struct MissingFromOrigin {
        size_t origin = 0;
        LogRecord write;
    };
    std::vector<MissingFromOrigin> missingFromOrigin;
    // Ahead-of-origin writes left out of missingFromOrigin: their identity names another
    // write too (identity-reused), so which to write back is a person's choice.
    int64_t heldBackFromRepair = 0;
    static constexpr size_t kMaxFindings = 10000;

    bool clean() const { return findingCount == 0; }
    // The grade rows read from every store together.
    int64_t rowsTransferred() const {
        int64_t n = 0;
        for (const VerifyStoreSummary& s : stores)
            n += s.rows;
        return n;
    }
    // One line per store, one per finding, then the total.
    std::string text() const;
    std::string json() const;
};

class VerifyCheck {
public:
    // `againstOplog` false: the stores are compared with each other only (verify
    // --checksums, which reads no oplog).
    explicit VerifyCheck(std::vector<std::string> stores, bool againstOplog = true);

    // A store's whole oplog, before any of its rows.
    void setOplog(size_t store, const std::vector<LogRecord>& log);
    // Once every oplog is set: the stores holding copies whose origin's oplog came after theirs
    // and lacks them. The check no longer has those copies' content: hand each such store's
    // oplog again to resolveAheadOfOrigin (a healthy workspace has none, so nothing is read
    // twice).
    std::vector<size_t> storesToReadAgain();
    void resolveAheadOfOrigin(size_t store, const std::vector<LogRecord>& log);
    // Every store's rows for one key (none, one, or duplicates), keys in ascending order.
    void compareKey(const std::vector<std::vector<const GradeRecord*>>& rowsPerStore);
    // A row `store` holds that it cannot return as a row and no oplog accounts for (another
    // client's write it could not log): a corrupted finding.
    void addUnaccounted(size_t store, const std::string& sid, const std::string& cid,
                        std::string detail);
    // The oplogs' writes no row answered, then the report.
    VerifyReport finish();

private:
    struct Greatest {
        std::string value;
        bool deleted = false;
        int64_t ts = 0;
        std::string origin;
        uint64_t seq = 0;
    };
    void add(VerifyFinding::Kind kind, const std::string& store, const std::string& sid,
             const std::string& cid, std::string detail);
    void checkAgainstOplog(size_t store, const GradeRecord& row);
    // The index of the verified store named `origin`, or npos.
    size_t storeNamed(const std::string& origin) const;
    bool originHolds(size_t origin, uint64_t seq) const;
    void reportAheadOfOrigin(size_t store, size_t origin, const LogRecord& r);

    VerifyReport report_;
    bool againstOplog_ = true;
    // Per store: key ("sid\ncid") -> the greatest write the oplog holds for it; a key is taken
    // out when its row is compared, so what is left at the end has no row.
    std::vector<std::unordered_map<std::string, Greatest>> greatest_;
    // Every identity seen in any oplog: its content's digest and the first store holding it.
    struct FirstHeld {
        uint64_t digest = 0;
        size_t store = 0;
    };
    std::unordered_map<std::string, std::unordered_map<uint64_t, FirstHeld>> identities_;
    // Per store, once its oplog is set: the seqs of its own writes there, sorted; and whether it
    // is set yet.
    std::vector<std::vector<uint64_t>> ownSeqs_;
    std::vector<char> oplogSet_;
    // Copies of a verified store's write met before that store's oplog was set, to be checked
    // against it at the end: (origin, seq, holder).
    struct Deferred {
        size_t origin = 0;
        uint64_t seq = 0;
        size_t holder = 0;
    };
    std::vector<Deferred> deferred_;
    // "origin:seq" of every identity found naming two writes: never written back by repair.
    std::unordered_set<std::string> reused_;
    // Per origin: the seqs of writes found ahead of it, in missingFromOrigin once each.
    std::vector<std::unordered_set<uint64_t>> writtenBack_;
    // Deferred copies found missing, by holder: (origin, seq) still to be named.
    std::unordered_map<size_t, std::vector<std::pair<size_t, uint64_t>>> unresolved_;
};

} // namespace syncscope

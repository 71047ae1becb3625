#pragma once
// Verification of stores against each other and against themselves (issue 9): what
// `syncscope-cli verify` and Data > Verify report. The stores' rows arrive key by key (the
// caller merges their key-ordered pages); each store's oplog is folded first. Nothing here
// reads a store.
//
// Findings:
//  - missing: a key live in some stores and absent (or deleted) in others;
//  - differs: a key live everywhere with different grades;
//  - duplicate: a store returned more than one row for a key (a Hive table has no key);
//  - corrupted: a row breaks SPEC §1's data rules (identifiers, grade, origin);
//  - oplog: a row is not its key's greatest write in the store's own oplog, or the oplog's
//    greatest write for a key is a SET with no row;
//  - logged-twice: the oplog holds one write (origin, seq) more than once: a change applied
//    twice (a batch written again after a lost connection, a replication that delivered it
//    twice).
#include "logrecord.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace syncscope {

struct VerifyFinding {
    // IdentityReused: two different writes share one identity (origin, seq), in one store's
    // oplog or across stores (SPEC §8: a corruption, never the same change twice).
    enum class Kind {
        Missing,
        Differs,
        Duplicate,
        Corrupted,
        AgainstOplog,
        LoggedTwice,
        IdentityReused
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
    // Every store's rows for one key (none, one, or duplicates), keys in ascending order.
    void compareKey(const std::vector<std::vector<const GradeRecord*>>& rowsPerStore);
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
};

} // namespace syncscope

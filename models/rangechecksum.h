#pragma once
// Checksums over ranges of the key-hash space: two large stores compared without moving their
// rows, as Cassandra's repair compares token ranges and pt-table-checksum compares
// chunks. A live row's token is the first 4 bytes of MD5(student_id 0x1F course_id) and its
// digest the first 8 bytes of MD5(student_id 0x1F course_id 0x1F grade), both big-endian. Of N
// ranges, range r holds the rows whose token % N is r; its checksum is how many rows it holds
// and the XOR of their digests. The SQL backends compute the same numbers inside the server
// (MD5 and BIT_XOR on MariaDB, md5 and bit_xor on PostgreSQL, functions registered on SQLite),
// so a store answers N pairs of numbers, and only the ranges where stores disagree are read.
// Tombstones are not rows here: a deleted key and an absent one checksum alike.
#include "logrecord.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace syncscope {

uint32_t keyToken(std::string_view studentId, std::string_view courseId);
uint64_t rowDigest(std::string_view studentId, std::string_view courseId, std::string_view grade);

struct RangeChecksum {
    int64_t rows = 0;
    uint64_t digest = 0;
    bool operator==(const RangeChecksum&) const = default;
};

// A store's checksums, and how many of its rows crossed to the client to make them (0 where
// the server computed them).
struct RangeChecksums {
    std::vector<RangeChecksum> ranges;
    int64_t rowsTransferred = 0;
};

// Live rows of some ranges, and how many rows were read to find them.
struct RangeRows {
    std::vector<GradeRecord> rows;
    int64_t rowsTransferred = 0;
};

// Adds a live row to its range's checksum (tombstones are left out).
void addToChecksums(std::vector<RangeChecksum>& ranges, const GradeRecord& row);

// How many ranges to split `liveRows` rows into: about 64 rows per range, 16 to 65,536.
uint32_t rangesFor(int64_t liveRows);

} // namespace syncscope

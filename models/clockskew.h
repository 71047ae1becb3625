#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace syncscope {

class Engine;

// The clock-skew what-if: had some stores' clocks been off by an offset, every write they made
// would carry timestamp + offset, and last-writer-wins would keep a different write for some
// keys. For each key the write that LWW converges to is the greatest of all writes ever made
// to it (what a FULL_SYNC leaves everywhere); this compares that winner under the real
// timestamps and the skewed ones and lists the keys whose winner flips.
struct ClockSkewFlip {
    std::string studentId, courseId;
    struct Side {
        std::string origin; // the store that made the write
        std::string value;  // empty for a DELETE
        bool deleted = false;
        int64_t ts = 0; // as written
        int64_t skewedTs = 0;
    };
    Side real;   // the winner today
    Side skewed; // the winner had the clocks been off
};

struct ClockSkewReport {
    size_t flips = 0;                  // keys whose winner changes
    std::vector<ClockSkewFlip> listed; // the first maxListed of them, in key order
    size_t writesCompared = 0;
};

// In plain words: "(SID1,CSE1): today HIVE's SET of A at t=5 wins; with the clocks off,
// SQL's SET of B (t=3, skewed to 8) would."
std::string describeFlip(const ClockSkewFlip& flip);

// Over the oplogs of `stores` (replica indices): writes each store made itself, and CSV seeds.
// offsets[r] applies to writes whose origin is replica r (seeds and other origins: 0).
ClockSkewReport whatIfClocksSkewed(const Engine& engine, std::span<const size_t> stores,
                                   std::span<const int64_t> offsets, size_t maxListed);

} // namespace syncscope

#pragma once

#include <cstdint>
#include <vector>

namespace syncscope {

// Percentiles of a set of delays (a follow's per-write lag, in ms), as the CLI prints them and
// the follow panel plots them.
struct LagSummary {
    int64_t count = 0;
    int64_t p50 = 0;
    int64_t p99 = 0;
    int64_t max = 0;
};

// Nearest-rank percentiles (p99 of 100 samples is the 99th smallest); all zero when empty.
LagSummary summarizeLags(std::vector<int64_t> samples);

} // namespace syncscope

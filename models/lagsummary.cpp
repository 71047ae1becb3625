#include "lagsummary.h"

#include <algorithm>
#include <cmath>

namespace syncscope {

namespace {
// The smallest sample with at least `fraction` of them at or below it.
int64_t rank(std::vector<int64_t>& samples, double fraction) {
    const auto n = static_cast<double>(samples.size());
    const auto at = static_cast<size_t>(std::max(1.0, std::ceil(fraction * n))) - 1;
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(at),
                     samples.end());
    return samples[at];
}
} // namespace

LagSummary summarizeLags(std::vector<int64_t> samples) {
    LagSummary s;
    if (samples.empty())
        return s;
    s.count = static_cast<int64_t>(samples.size());
    s.max = *std::max_element(samples.begin(), samples.end());
    s.p99 = rank(samples, 0.99);
    s.p50 = rank(samples, 0.50);
    return s;
}

} // namespace syncscope

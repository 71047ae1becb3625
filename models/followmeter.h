#pragma once

#include "lagsummary.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace syncscope {

// One target's figures over an interval of a follow: what the CLI prints and the Follow dock
// shows and plots every second.
struct FollowInterval {
    double writesPerSecond = 0;
    LagSummary lag;
};

// Collects what a follow delivered to each target between two reports.
class FollowMeter {
public:
    explicit FollowMeter(size_t targets = 0)
        : lags_(targets)
        , writes_(targets, 0) {}

    void delivered(size_t target, int64_t writes, const std::vector<int64_t>& lagMs) {
        lags_[target].insert(lags_[target].end(), lagMs.begin(), lagMs.end());
        writes_[target] += writes;
    }
    // The figures since the last take() for `target` (over `intervalMs`), and a new interval.
    FollowInterval take(size_t target, int64_t intervalMs) {
        FollowInterval out;
        out.lag = summarizeLags(std::move(lags_[target]));
        lags_[target].clear();
        if (intervalMs > 0)
            out.writesPerSecond =
                static_cast<double>(writes_[target]) * 1000.0 / static_cast<double>(intervalMs);
        writes_[target] = 0;
        return out;
    }

private:
    std::vector<std::vector<int64_t>> lags_;
    std::vector<int64_t> writes_;
};

} // namespace syncscope

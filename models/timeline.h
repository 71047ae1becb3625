#pragma once

#include "oplog.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

class Engine;

// The oplogs of a set of stores as points in time, for the timeline plot: one lane per store,
// each entry at its timestamp. Made on the engine's thread (capture), then read anywhere: keys,
// values and store names are copied out.
class TimelineSnapshot {
public:
    static constexpr int16_t kNoLane = -1;

    struct Point {
        int64_t ts = 0;
        uint64_t position = 0; // in the store's oplog, counting from the first entry ever
        uint32_t keyRow = 0;   // into the snapshot's keys
        uint32_t value = 0;    // into the snapshot's values; kTombstone for a DELETE or a NULL GET
        uint32_t origin = 0;   // into the snapshot's origins: the store (or CSV) that wrote it
        int16_t originLane = kNoLane; // the lane of the store that made the write, when shown
        EntryKind kind = EntryKind::Set;
        bool mergedIn = false;  // a write another store made, received by a merge
        bool discarded = false; // LWW discards this write although the winner never saw it
    };

    // Lanes are `stores` (replica indices) in that order. Each lane keeps its newest
    // `maxPerLane` entries (what a plot can show legibly); omitted() says how many it left out.
    static TimelineSnapshot capture(const Engine& engine, std::span<const size_t> stores,
                                    size_t maxPerLane);

    size_t laneCount() const { return lanes_.size(); }
    const std::string& laneName(size_t lane) const { return lanes_[lane].name; }
    // In timestamp order (log order among equal timestamps).
    std::span<const Point> points(size_t lane) const { return lanes_[lane].points; }
    size_t omitted(size_t lane) const { return lanes_[lane].omitted; }

    size_t keyCount() const { return keys_.size(); }
    const std::string& studentId(uint32_t keyRow) const { return keys_[keyRow].first; }
    const std::string& courseId(uint32_t keyRow) const { return keys_[keyRow].second; }
    // The key's row, or -1 when no point has that key.
    int64_t keyRowOf(std::string_view studentId, std::string_view courseId) const;
    std::string_view value(const Point& p) const;
    std::string_view origin(const Point& p) const { return origins_[p.origin]; }

    // "SQL #12: MERGE-IN SET (SID1,CSE1) = A at t=21, from HIVE"
    std::string describe(size_t lane, const Point& p) const;

private:
    struct Lane {
        std::string name;
        std::vector<Point> points;
        size_t omitted = 0;
    };
    std::vector<Lane> lanes_;
    std::vector<std::pair<std::string, std::string>> keys_; // by keyRow
    std::vector<std::string> values_;                       // by the snapshot's own value ids
    std::vector<std::string> origins_;                      // by the snapshot's own origin ids
};

} // namespace syncscope

#pragma once

#include "conflicts.h"
#include "identifiers.h"

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

class Engine;

// The conflicts between a set of stores at one moment, self-contained: made on the engine's
// thread (capture), then read anywhere without touching the engine again. Keys and values are
// copied out of the catalog (only those the listed rows use), so a view can hold a snapshot
// while the engine goes on.
class ConflictSnapshot {
public:
    struct StaleReadRow {
        size_t store = 0; // index into the snapshot's stores
        StaleRead stale;  // writes with this snapshot's value and origin ids
        std::string studentId, courseId;
    };

    // `stores` are replica indices of the engine; at most kMaxConflictStores.
    static ConflictSnapshot capture(const Engine& engine, std::span<const size_t> stores);

    size_t storeCount() const { return stores_.size(); }
    const std::string& storeName(size_t i) const { return stores_[i]; }

    // Keys that are not identical everywhere, in key order.
    size_t rowCount() const { return rows_.size(); }
    const KeyConflict& row(size_t r) const { return rows_[r]; }
    std::string_view studentId(size_t r) const;
    std::string_view courseId(size_t r) const;
    // The write store s holds for row r's key (none when it has none).
    const Write& cell(size_t r, size_t s) const { return cells_[r * stores_.size() + s]; }
    const Write& winner(size_t r) const { return cell(r, rows_[r].winner); }

    std::string_view value(const Write& w) const { return values_[w.value]; }
    std::string_view origin(const Write& w) const { return origins_[w.origin]; }
    bool isSeed(const Write& w) const { return origin(w) == kSeedOrigin; }

    size_t count(ConflictKind k) const { return counts_[static_cast<size_t>(k)]; }
    const std::vector<StaleReadRow>& staleReads() const { return stale_; }

private:
    std::vector<std::string> stores_;
    std::vector<KeyConflict> rows_;
    std::vector<Write> cells_;
    std::string keyBytes_; // "sid\0cid" of each row back to back
    std::vector<size_t> keyEnds_;
    std::vector<std::string> values_;  // by the snapshot's own value ids
    std::vector<std::string> origins_; // by the snapshot's own origin ids
    std::array<size_t, kConflictKinds> counts_{};
    std::vector<StaleReadRow> stale_;
};

} // namespace syncscope

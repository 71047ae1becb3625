#pragma once

#include "result.h"
#include "storeverify.h"

#include <atomic>
#include <functional>
#include <vector>

namespace syncscope {

class StoreWorker;

// Verifies open stores through their workers (VerifyCheck): each store's oplog first, then the
// grade rows page by page, merged across the stores in key order, so the stores' rows never
// sit in memory together. Waits on the workers' futures: call it off the UI thread (the CLI's
// main thread, or a pool thread in the GUI). `progress` hears the rows read so far and the
// stores' total (from their counts, a guide only); `canceled` is polled between pages.
struct VerifyControl {
    std::function<void(int64_t read, int64_t total)> progress;
    const std::atomic<bool>* canceled = nullptr;
    size_t pageRows = 10000;
};

Result<VerifyReport> verifyStores(const std::vector<StoreWorker*>& workers,
                                  const VerifyControl& run);

// verify --checksums: the stores compared by checksums over ranges of the key-hash space
// (Store::rangeChecksums, computed in the server where the backend can), then only the rows of
// the ranges where they disagree read and compared key by key: missing, differs, duplicate and
// corrupted, but no oplog checks (no oplog is read). `ranges` 0: about 64 rows per range of the
// largest store. The report says how many rows crossed from each store. `run` as for
// verifyStores: progress over the differing ranges' rows, and Cancel.
Result<VerifyReport> verifyByChecksums(const std::vector<StoreWorker*>& workers,
                                       const VerifyControl& run = {}, uint32_t ranges = 0);

} // namespace syncscope

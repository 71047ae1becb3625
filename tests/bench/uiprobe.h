#pragma once

// Shared by the GUI benchmarks: the probe of the UI thread's longest stall
// (tests/support/latencyprobe.h), and a store filled with a million keys to start from.
#include "latencyprobe.h"
#include "storefactory.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace bench {

// `rows` SETs of distinct keys by `origin` (20 courses per student), as a store logs them.
inline std::vector<syncscope::LogRecord> storeRows(const char* origin, int rows) {
    using namespace syncscope;
    std::vector<LogRecord> batch;
    batch.reserve(static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i) {
        LogRecord& r = batch.emplace_back();
        r.kind = EntryKind::Set;
        r.studentId = "SID" + std::to_string(100000 + i / 20);
        r.courseId = "CSE" + std::to_string(100 + i % 20);
        r.value = std::string(1, static_cast<char>('A' + i % 6));
        r.hasValue = true;
        r.ts = i + 1;
        r.origin = origin;
        r.seq = static_cast<uint64_t>(i + 1);
    }
    return batch;
}

// A store holding storeRows(origin, rows), written in one append.
inline bool fillStore(const QString& uri, const char* origin, int rows) {
    using namespace syncscope;
    auto made = StoreFactory::create(QString::fromLatin1(origin), uri);
    std::unique_ptr<Store> store = std::move(made.value());
    if (!store->open())
        return false;
    return store->append(storeRows(origin, rows), BatchControl{}).ok();
}

} // namespace bench

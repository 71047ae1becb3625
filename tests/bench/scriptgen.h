#pragma once

// Random testcase scripts in the course data's shape, for benchmarks: students SID1000..,
// courses CSE001..CSE020, grades A-F, a mix of every command.
#include <cstdint>
#include <random>
#include <string>

namespace bench {

struct ScriptMix {
    int sets = 60, gets = 15, deletes = 10, merges = 14, fullSyncs = 1; // percent
    int keys = 100000;
    const char* const* stores = nullptr;
    int storeCount = 0;
};

// Hands `sink` the script's text a piece at a time (up to 64 KiB), so a script of any size can
// go to a file without being held: a benchmark that measures a child's memory must not have
// held hundreds of megabytes itself.
template <typename Sink>
void writeRandomScript(size_t lines, const ScriptMix& mix, uint64_t seed, Sink&& sink) {
    static const char* const defaultStores[] = {"SQL", "HIVE", "MONGO", "REDIS"};
    const char* const* stores = mix.stores ? mix.stores : defaultStores;
    const int storeCount = mix.stores ? mix.storeCount : 4;
    std::mt19937_64 rng(seed);
    std::string out;
    out.reserve(1 << 16);
    char buf[160];
    const int students = std::max(1, mix.keys / 20);
    for (size_t i = 0; i < lines; ++i) {
        const int what = static_cast<int>(rng() % 100);
        const char* store = stores[rng() % storeCount];
        const int key = static_cast<int>(rng() % static_cast<uint64_t>(mix.keys));
        const int sid = 1000 + key % students, cid = 1 + key / students;
        const long long ts = static_cast<long long>(i + 1 - rng() % 8);
        int n;
        if (what < mix.sets)
            n = std::snprintf(buf, sizeof buf, "%lld, %s.SET((SID%d,CSE%03d),%c)\n", ts, store, sid,
                              cid, static_cast<char>('A' + rng() % 6));
        else if (what < mix.sets + mix.gets)
            n = std::snprintf(buf, sizeof buf, "%lld, %s.GET(SID%d,CSE%03d)\n", ts, store, sid,
                              cid);
        else if (what < mix.sets + mix.gets + mix.deletes)
            n = std::snprintf(buf, sizeof buf, "%lld, %s.DELETE(SID%d,CSE%03d)\n", ts, store, sid,
                              cid);
        else if (what < mix.sets + mix.gets + mix.deletes + mix.merges)
            n = std::snprintf(buf, sizeof buf, "%s.MERGE(%s)\n", store, stores[rng() % storeCount]);
        else
            n = std::snprintf(buf, sizeof buf, "FULL_SYNC\n");
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > (1 << 16) - sizeof buf) {
            sink(out);
            out.clear();
        }
    }
    if (!out.empty())
        sink(out);
}

inline std::string randomScript(size_t lines, const ScriptMix& mix, uint64_t seed) {
    std::string all;
    all.reserve(lines * 36);
    writeRandomScript(lines, mix, seed, [&](const std::string& piece) { all += piece; });
    return all;
}

} // namespace bench

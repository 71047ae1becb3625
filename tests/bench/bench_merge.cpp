// The merge engine: two oplogs of 1,000,000 SETs each over 100,000 keys merged into one state.
// Measured in the same run against two references: a string-keyed std::unordered_map, and a
// packed-key open-addressing table (the ceiling).
#include "benchutil.h"
#include "engine.h"

#include <random>
#include <unordered_map>

using namespace syncscope;

namespace {

struct StringWrite {
    std::string key;
    Write w;
};

// Keys packed into 64-bit integers, linear probing, power-of-two capacity.
class PackedTable {
public:
    explicit PackedTable(size_t capacity)
        : keys_(capacity, ~uint64_t{0})
        , writes_(capacity)
        , mask_(capacity - 1) {}
    Write& slot(uint64_t key) {
        size_t i = (key * 0x9E3779B97F4A7C15ull) >> 40 & mask_;
        while (keys_[i] != key) {
            if (keys_[i] == ~uint64_t{0}) {
                keys_[i] = key;
                break;
            }
            i = (i + 1) & mask_;
        }
        return writes_[i];
    }

private:
    std::vector<uint64_t> keys_;
    std::vector<Write> writes_;
    size_t mask_;
};

} // namespace

int main() {
    const size_t perLog = 1000000, keyCount = 100000;
    Catalog catalog;
    Engine engine(catalog);
    const size_t a = engine.addReplica("A"), b = engine.addReplica("B");
    std::vector<KeyId> keys;
    std::vector<std::string> keyStrings;
    std::vector<uint64_t> packed;
    for (size_t k = 0; k < keyCount; ++k) {
        const std::string sid = "SID" + std::to_string(1000 + k / 20),
                          cid = "CSE" + std::to_string(1 + k % 20);
        keys.push_back(catalog.internKey(sid, cid));
        keyStrings.push_back(sid + '\0' + cid);
        packed.push_back((uint64_t{1000 + k / 20} << 32) | (1 + k % 20));
    }
    const ValueId grades[] = {catalog.internValue("A"), catalog.internValue("B"),
                              catalog.internValue("C"), catalog.internValue("D"),
                              catalog.internValue("E"), catalog.internValue("F")};
    std::mt19937_64 rng(42);
    std::vector<size_t> picks[2];
    for (size_t r : {a, b}) {
        for (size_t i = 0; i < perLog; ++i) {
            const size_t k = rng() % keyCount;
            picks[r].push_back(k);
            engine.set(r, keys[k], grades[rng() % 6], static_cast<int64_t>(rng() % 5000000));
        }
    }
    const Oplog& logA = engine.replica(a).log;
    const Oplog& logB = engine.replica(b).log;
    const WriteOrder order = catalog.order();

    // Ours, the fold: state := greatest write per key over both oplogs.
    StoreState merged;
    const double fold = bench::bestOf(5, [&] {
        merged.clear();
        foldOplog(logA, 0, merged, order);
        foldOplog(logB, 0, merged, order);
    });
    // Ours, the engine's T.MERGE(S): plan from S's oplog against T's state, then apply and log.
    size_t appended = 0;
    const double mergeOp = bench::bestOf(5, [&] {
        Engine copy = engine;
        appended = copy.merge(a, b);
    });
    // Copying the engine is part of that timing; measure it alone and take it out.
    const double copyOnly = bench::bestOf(5, [&] {
        Engine copy = engine;
        (void)copy;
    });

    // Reference 1: string keys in std::unordered_map.
    std::vector<StringWrite> stringLog;
    stringLog.reserve(2 * perLog);
    for (size_t r : {a, b})
        for (size_t i = 0; i < perLog; ++i)
            stringLog.push_back({keyStrings[picks[r][i]], engine.replica(r).log[i].write});
    size_t mapSize = 0;
    const double stringMap = bench::bestOf(3, [&] {
        std::unordered_map<std::string, Write> m;
        for (const StringWrite& sw : stringLog) {
            Write& cur = m[sw.key];
            if (order.beats(sw.w, cur))
                cur = sw.w;
        }
        mapSize = m.size();
    });
    // Reference 2: packed integer keys, open addressing.
    std::vector<std::pair<uint64_t, Write>> packedLog;
    packedLog.reserve(2 * perLog);
    for (size_t r : {a, b})
        for (size_t i = 0; i < perLog; ++i)
            packedLog.push_back({packed[picks[r][i]], engine.replica(r).log[i].write});
    const double packedTable = bench::bestOf(3, [&] {
        PackedTable t(1 << 18);
        for (const auto& [key, w] : packedLog) {
            Write& cur = t.slot(key);
            if (order.beats(w, cur))
                cur = w;
        }
    });

    // The results must agree: the fold holds every key, and equals the state A reaches by merging
    // B.
    Engine check = engine;
    check.merge(a, b);
    if (merged.keys().size() != mapSize || !(check.replica(a).state == merged)) {
        std::fprintf(stderr, "bench_merge: results disagree\n");
        return 1;
    }
    const double writes = 2.0 * perLog;
    bench::Json("merge_fold")
        .str("input", "2 oplogs x 1M SETs, 100k keys")
        .num("seconds", fold)
        .num("writes_per_s", writes / fold)
        .num("target_writes_per_s", 3e7)
        .flag("meets_target", writes / fold >= 3e7)
        .print();
    bench::Json("merge_engine")
        .str("input", "A.MERGE(B), 1M-entry oplogs")
        .num("seconds", mergeOp - copyOnly)
        .num("source_writes_per_s", perLog / (mergeOp - copyOnly))
        .num("appended", static_cast<double>(appended))
        .print();
    bench::Json("merge_reference_string_map")
        .num("writes_per_s", writes / stringMap)
        .num("ours_over_reference", stringMap / fold)
        .print();
    bench::Json("merge_reference_packed_open_addressing")
        .num("writes_per_s", writes / packedTable)
        .num("ours_over_reference", packedTable / fold)
        .print();
    return 0;
}

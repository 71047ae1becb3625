#include "conflictsnapshot.h"

#include "engine.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace syncscope {

namespace {
// Copies the values and origins a snapshot uses into tables of its own.
class Remap {
public:
    Remap(const Catalog& catalog, std::vector<std::string>& values,
          std::vector<std::string>& origins)
        : catalog_(catalog)
        , values_(values)
        , origins_(origins) {}

    Write operator()(Write w) {
        if (w.isNone())
            return w;
        if (!w.isTombstone())
            w.value = id(valueIds_, values_, w.value, catalog_.value(w.value));
        w.origin = id(originIds_, origins_, w.origin, catalog_.names().view(w.origin));
        w.context = CausalContexts::kEmpty; // the snapshot keeps the verdicts, not the vectors
        return w;
    }

private:
    static uint32_t id(std::unordered_map<uint32_t, uint32_t>& ids, std::vector<std::string>& table,
                       uint32_t from, std::string_view text) {
        auto [it, inserted] = ids.try_emplace(from, static_cast<uint32_t>(table.size()));
        if (inserted)
            table.emplace_back(text);
        return it->second;
    }

    const Catalog& catalog_;
    std::vector<std::string>& values_;
    std::vector<std::string>& origins_;
    std::unordered_map<uint32_t, uint32_t> valueIds_, originIds_;
};
} // namespace

ConflictSnapshot ConflictSnapshot::capture(const Engine& engine, std::span<const size_t> stores) {
    if (stores.size() > kMaxConflictStores)
        throw std::invalid_argument("ConflictSnapshot: more than 32 stores");
    const Catalog& catalog = engine.catalog();
    ConflictSnapshot snap;
    std::vector<const StoreState*> states;
    for (size_t r : stores) {
        snap.stores_.push_back(engine.replica(r).name);
        states.push_back(&engine.replica(r).state);
    }
    ConflictReport report =
        classifyConflicts(states, catalog.keyCount(), catalog.contexts(), catalog.order());
    snap.counts_ = report.counts;
    // Key order (student, course byte-wise) is what a reader expects; the packed key sorts so.
    std::sort(report.keys.begin(), report.keys.end(),
              [&catalog](const KeyConflict& a, const KeyConflict& b) {
                  return catalog.packedKey(a.key) < catalog.packedKey(b.key);
              });
    snap.rows_ = std::move(report.keys);

    Remap remap(catalog, snap.values_, snap.origins_);
    snap.cells_.reserve(snap.rows_.size() * stores.size());
    snap.keyEnds_.reserve(snap.rows_.size());
    for (const KeyConflict& c : snap.rows_) {
        for (const StoreState* s : states)
            snap.cells_.push_back(remap(s->at(c.key)));
        snap.keyBytes_ += catalog.packedKey(c.key);
        snap.keyEnds_.push_back(snap.keyBytes_.size());
    }

    for (size_t i = 0; i < stores.size(); ++i) {
        const Replica& rep = engine.replica(stores[i]);
        for (StaleRead sr : findStaleReads(rep.log, rep.logBase, catalog.order())) {
            StaleReadRow row;
            row.store = i;
            row.studentId = std::string(catalog.studentId(sr.read.key));
            row.courseId = std::string(catalog.courseId(sr.read.key));
            row.stale = {sr.position, remap(sr.read), remap(sr.shown), remap(sr.hidden)};
            snap.stale_.push_back(std::move(row));
        }
    }
    return snap;
}

std::string_view ConflictSnapshot::studentId(size_t r) const {
    const size_t begin = r == 0 ? 0 : keyEnds_[r - 1];
    const std::string_view packed(keyBytes_.data() + begin, keyEnds_[r] - begin);
    return packed.substr(0, packed.find('\0'));
}

std::string_view ConflictSnapshot::courseId(size_t r) const {
    const size_t begin = r == 0 ? 0 : keyEnds_[r - 1];
    const std::string_view packed(keyBytes_.data() + begin, keyEnds_[r] - begin);
    return packed.substr(packed.find('\0') + 1);
}

} // namespace syncscope

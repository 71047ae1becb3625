#include "conflictsnapshot.h"

#include "engine.h"
#include "writeremap.h"

#include <algorithm>
#include <stdexcept>

namespace syncscope {

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

    WriteRemap remap(catalog, snap.values_, snap.origins_);
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

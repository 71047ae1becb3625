#include "timeline.h"

#include "conflicts.h"
#include "engine.h"
#include "logrecord.h"
#include "writeremap.h"

#include <algorithm>
#include <unordered_map>

namespace syncscope {

TimelineSnapshot TimelineSnapshot::capture(const Engine& engine, std::span<const size_t> stores,
                                           size_t maxPerLane) {
    const Catalog& catalog = engine.catalog();
    TimelineSnapshot snap;
    WriteRemap remap(catalog, snap.values_, snap.origins_);
    std::unordered_map<KeyId, uint32_t> rowOfKey;
    std::vector<KeyId> keyOfRow;
    // The engine's entries kept with each point until the discarded flags are known.
    std::vector<std::vector<const OplogEntry*>> entries(stores.size());

    for (size_t lane = 0; lane < stores.size(); ++lane) {
        const Replica& rep = engine.replica(stores[lane]);
        Lane& out = snap.lanes_.emplace_back();
        out.name = rep.name;
        const size_t from =
            std::max(rep.logBase, rep.logEnd() - std::min(maxPerLane, rep.logEnd()));
        out.omitted = from;
        out.points.reserve(rep.logEnd() - from);
        for (size_t pos = from; pos < rep.logEnd(); ++pos) {
            const OplogEntry& e = rep.entryAt(pos);
            auto [row, added] =
                rowOfKey.try_emplace(e.write.key, static_cast<uint32_t>(keyOfRow.size()));
            if (added)
                keyOfRow.push_back(e.write.key);
            const Write w = remap(e.write);
            Point p;
            p.ts = e.write.ts;
            p.position = pos;
            p.keyRow = row->second;
            p.value = w.value;
            p.origin = w.origin;
            p.kind = e.kind;
            p.mergedIn = e.isWrite() && e.kind != EntryKind::Seed && e.write.origin != rep.nameId;
            for (size_t other = 0; other < stores.size(); ++other)
                if (engine.replica(stores[other]).nameId == e.write.origin)
                    p.originLane = static_cast<int16_t>(other);
            out.points.push_back(p);
            entries[lane].push_back(&e);
        }
    }

    // A point is discarded when its key is concurrent across the lanes' stores and its write is
    // one that last-writer-wins drops unseen (docs/script-language.md), as the conflict grid says.
    std::vector<const StoreState*> states;
    for (size_t r : stores)
        states.push_back(&engine.replica(r).state);
    std::vector<std::vector<Write>> discardedOf(keyOfRow.size());
    for (size_t row = 0; row < keyOfRow.size(); ++row) {
        const KeyConflict c =
            classifyKey(keyOfRow[row], states, catalog.contexts(), catalog.order());
        for (size_t i = 0; i < states.size(); ++i)
            if (c.discarded & (1u << i))
                discardedOf[row].push_back(states[i]->at(keyOfRow[row]));
    }
    for (size_t lane = 0; lane < snap.lanes_.size(); ++lane) {
        std::vector<Point>& points = snap.lanes_[lane].points;
        for (size_t i = 0; i < points.size(); ++i) {
            const OplogEntry& e = *entries[lane][i];
            if (!e.isWrite())
                continue;
            for (const Write& d : discardedOf[points[i].keyRow])
                points[i].discarded = points[i].discarded || d.sameWrite(e.write);
        }
        std::stable_sort(points.begin(), points.end(),
                         [](const Point& a, const Point& b) { return a.ts < b.ts; });
    }

    snap.keys_.reserve(keyOfRow.size());
    for (KeyId k : keyOfRow)
        snap.keys_.emplace_back(catalog.studentId(k), catalog.courseId(k));
    return snap;
}

int64_t TimelineSnapshot::keyRowOf(std::string_view studentId, std::string_view courseId) const {
    for (size_t row = 0; row < keys_.size(); ++row)
        if (keys_[row].first == studentId && keys_[row].second == courseId)
            return static_cast<int64_t>(row);
    return -1;
}

std::string_view TimelineSnapshot::value(const Point& p) const {
    return p.value == kTombstone ? std::string_view("NULL") : std::string_view(values_[p.value]);
}

std::string TimelineSnapshot::describe(size_t lane, const Point& p) const {
    std::string out = laneName(lane) + " #" + std::to_string(p.position + 1) + ": " +
                      entryKindName(p.kind) + " (" + studentId(p.keyRow) + "," +
                      courseId(p.keyRow) + ")";
    if (p.kind == EntryKind::Get)
        out += " returned ";
    else if (p.kind != EntryKind::Delete)
        out += " = ";
    if (p.kind != EntryKind::Delete)
        out += value(p);
    out += " at t=" + std::to_string(p.ts);
    if (p.mergedIn)
        out += ", merged in from " + std::string(origin(p));
    if (p.discarded)
        out += "; last-writer-wins discards it although the winner never saw it";
    return out;
}

} // namespace syncscope

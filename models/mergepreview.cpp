#include "mergepreview.h"

#include "engine.h"
#include "identifiers.h"
#include "writeremap.h"

#include <algorithm>
#include <set>

namespace syncscope {

MergePreview MergePreview::capture(const Engine& engine, const MergePlan& plan, size_t rowLimit) {
    const Catalog& catalog = engine.catalog();
    MergePreview p;
    p.request_ = plan.request;
    p.problem_ = plan.problem;
    p.participants_ = plan.participants;
    for (size_t r = 0; r < engine.replicaCount(); ++r)
        p.storeNames_.push_back(engine.replica(r).name);
    p.totalWrites_ = plan.writes.size();
    p.undecided_ = plan.undecided.size();
    p.perTarget_.assign(plan.request.targets.size(), 0);
    WriteRemap remap(catalog, p.values_, p.origins_);
    for (const PlannedWrite& pw : plan.writes) {
        ++p.perTarget_[pw.target];
        p.decisions_ += pw.decision ? 1 : 0;
        if (p.rows_.size() >= rowLimit)
            continue;
        PlannedWrite row = pw;
        row.before = remap(pw.before);
        row.after = remap(pw.after);
        row.greatest = remap(pw.greatest);
        p.rows_.push_back(row);
        p.keyBytes_ += catalog.packedKey(pw.key);
        p.keyEnds_.push_back(p.keyBytes_.size());
    }
    const std::set<KeyId> undecided(plan.undecided.begin(), plan.undecided.end());
    for (KeyId k : plan.concurrent) {
        if (p.decisionKeys_.size() >= rowLimit)
            break;
        DecisionKey d;
        d.studentId = std::string(catalog.studentId(k));
        d.courseId = std::string(catalog.courseId(k));
        d.undecided = undecided.count(k) != 0;
        for (size_t r : plan.participants)
            d.writes.push_back(remap(engine.replica(r).state.at(k)));
        p.decisionKeys_.push_back(std::move(d));
    }
    std::sort(p.decisionKeys_.begin(), p.decisionKeys_.end(),
              [](const DecisionKey& a, const DecisionKey& b) {
                  return a.studentId != b.studentId ? a.studentId < b.studentId
                                                    : a.courseId < b.courseId;
              });
    return p;
}

std::string_view MergePreview::keyPart(size_t row, int part) const {
    const size_t begin = row == 0 ? 0 : keyEnds_[row - 1];
    const std::string_view packed(keyBytes_.data() + begin, keyEnds_[row] - begin);
    const size_t nul = packed.find('\0');
    return part == 0 ? packed.substr(0, nul) : packed.substr(nul + 1);
}

std::string MergePreview::describe(const Write& w, bool newWrite) const {
    if (w.isNone())
        return "absent";
    std::string text = newWrite ? "new write " : "";
    text += w.isTombstone() ? std::string("deleted") : scriptLiteral(value(w));
    text += " @t=" + std::to_string(w.ts) + " (" + std::string(origin(w)) + ")";
    return text;
}

} // namespace syncscope

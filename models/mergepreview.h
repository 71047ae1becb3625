#pragma once

#include "mergedecision.h"

#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

class Engine;

// A merge plan made readable away from the engine: what MergeDialog shows as the dry run.
// Captured on the engine's thread right after planning; its rows are the plan's writes in
// apply order (values, origins and keys copied out), so the preview is the plan. A plan of more
// than `rowLimit` writes keeps its counts but lists only the first rowLimit.
class MergePreview {
public:
    // One key the user may decide (concurrent across the participants, or undecided under
    // Manual): each participant's write.
    struct DecisionKey {
        std::string studentId, courseId;
        std::vector<Write> writes; // per participant (participants() order)
        bool undecided = false;
    };

    static MergePreview capture(const Engine& engine, const MergePlan& plan,
                                size_t rowLimit = 200000);

    const MergeRequest& request() const { return request_; }
    const std::string& problem() const { return problem_; }
    bool canApply() const { return problem_.empty() && undecided_ == 0; }

    const std::vector<size_t>& participants() const { return participants_; }
    // Every store of the workspace by replica index.
    const std::string& storeName(size_t replica) const { return storeNames_[replica]; }
    size_t storeCount() const { return storeNames_.size(); }

    size_t totalWrites() const { return totalWrites_; }
    size_t decisions() const { return decisions_; }
    size_t undecided() const { return undecided_; }
    size_t writesInto(size_t targetIndex) const { return perTarget_[targetIndex]; }

    size_t rowCount() const { return rows_.size(); }
    const PlannedWrite& row(size_t i) const { return rows_[i]; }
    std::string_view studentId(size_t i) const { return keyPart(i, 0); }
    std::string_view courseId(size_t i) const { return keyPart(i, 1); }
    const std::vector<DecisionKey>& decisionKeys() const { return decisionKeys_; }

    std::string_view value(const Write& w) const { return values_[w.value]; }
    std::string_view origin(const Write& w) const { return origins_[w.origin]; }
    // "B @t=5 (HIVE)", "absent", "deleted @t=7 (SQL)", "new write B @t=10 (SQL)".
    std::string describe(const Write& w, bool newWrite = false) const;

private:
    std::string_view keyPart(size_t row, int part) const;

    MergeRequest request_;
    std::string problem_;
    std::vector<size_t> participants_;
    std::vector<std::string> storeNames_;
    size_t totalWrites_ = 0, decisions_ = 0, undecided_ = 0;
    std::vector<size_t> perTarget_;
    std::vector<PlannedWrite> rows_;
    std::string keyBytes_;
    std::vector<size_t> keyEnds_;
    std::vector<DecisionKey> decisionKeys_;
    std::vector<std::string> values_, origins_;
};

} // namespace syncscope

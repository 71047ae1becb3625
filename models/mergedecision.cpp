#include "mergedecision.h"

#include <algorithm>
#include <array>

namespace syncscope {

namespace {

struct StrategyNames {
    MergeStrategy strategy;
    std::string_view id;
    std::string_view title;
};
constexpr std::array<StrategyNames, kMergeStrategies> kStrategies{{
    {MergeStrategy::LastWriterWins, "lww", "Last writer wins"},
    {MergeStrategy::SourceWins, "source-wins", "Source wins"},
    {MergeStrategy::TargetWins, "target-wins", "Target wins"},
    {MergeStrategy::StorePriority, "store-priority", "Store priority"},
    {MergeStrategy::HighestGrade, "highest-grade", "Highest grade"},
    {MergeStrategy::Manual, "manual", "Manual"},
}};

// A+ = 13 … F = 1; 0 for anything that is not a letter grade.
int letterGradeRank(std::string_view g) {
    if (g.empty() || g.size() > 2)
        return 0;
    static constexpr std::string_view kLetters = "DCBA";
    int base = 0;
    if (g[0] == 'F' || g[0] == 'f')
        return g.size() == 1 ? 1 : 0;
    const size_t pos = kLetters.find(static_cast<char>(g[0] & ~0x20));
    if (pos == std::string_view::npos)
        return 0;
    base = 3 + static_cast<int>(pos) * 3; // D = 3, C = 6, B = 9, A = 12
    if (g.size() == 1)
        return base;
    if (g[1] == '+')
        return base + 1;
    if (g[1] == '-')
        return base - 1;
    return 0;
}

} // namespace

std::string_view mergeStrategyId(MergeStrategy s) {
    return kStrategies[static_cast<size_t>(s)].id;
}

std::string_view mergeStrategyTitle(MergeStrategy s) {
    return kStrategies[static_cast<size_t>(s)].title;
}

bool parseMergeStrategy(std::string_view id, MergeStrategy& out) {
    for (const StrategyNames& n : kStrategies)
        if (n.id == id) {
            out = n.strategy;
            return true;
        }
    return false;
}

bool strategyNeedsRoles(MergeStrategy s) {
    return s == MergeStrategy::SourceWins || s == MergeStrategy::TargetWins;
}

int compareGrades(std::string_view a, std::string_view b) {
    const int ra = letterGradeRank(a);
    const int rb = letterGradeRank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra != 0)
        return 0;
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string_view decisionReasonId(DecisionReason r) {
    static constexpr std::array<std::string_view, 6> kIds{
        "greatest", "source-wins", "target-wins", "priority", "highest-grade", "manual"};
    return kIds[static_cast<size_t>(r)];
}

size_t MergePlan::batchEnd(size_t from, size_t size) const {
    size_t end = std::min(writes.size(), from + std::max<size_t>(size, 1));
    while (end < writes.size() && end > from && writes[end].key == writes[end - 1].key &&
           writes[end].after.sameWrite(writes[end - 1].after))
        ++end;
    return end;
}

} // namespace syncscope

#include "labsteps.h"

#include "script.h"
#include "storedirectory.h"

#include <algorithm>

namespace syncscope {

std::vector<LabStep> labStepsOf(const QStringList& lines, const StoreBinding& run,
                                std::vector<std::string>& errors) {
    Script lab = parseScript("--lab-merge", lines.join(QLatin1Char('\n')).toStdString());
    const StoreDirectory runStores(run.stores);
    StoreBinding bound;
    std::vector<ScriptError> problems = checkScript(lab, &runStores, bound).shown;
    const auto runIndex = [&](uint16_t name) {
        const std::string& store = bound.stores[bound.storeOfName[name]].name;
        return static_cast<size_t>(
            std::find_if(run.stores.begin(), run.stores.end(),
                         [&](const StoreSpec& s) { return s.name == store; }) -
            run.stores.begin());
    };
    std::vector<LabStep> steps;
    if (problems.empty())
        for (const Command& c : lab.commands) {
            if (c.op == Op::Merge)
                steps.push_back({false, runIndex(c.store), runIndex(c.source)});
            else if (c.op == Op::FullSync && c.syncCount == 0)
                steps.push_back({true, 0, 0});
            else
                problems.push_back({c.line, 1,
                                    c.op == Op::FullSync
                                        ? "the lab's FULL_SYNC is over every store: name none"
                                        : "not a MERGE or FULL_SYNC"});
        }
    if (problems.empty() && steps.size() > kMaxLabSteps)
        problems.push_back({static_cast<uint32_t>(kMaxLabSteps + 1), 1,
                            "at most " + std::to_string(kMaxLabSteps) + " merges"});
    if (problems.empty() && run.stores.size() < 2)
        problems.push_back({1, 1, "the lab needs at least two stores in the run"});
    for (const ScriptError& e : problems)
        errors.push_back(lab.formatError(e));
    if (!problems.empty())
        steps.clear();
    return steps;
}

} // namespace syncscope

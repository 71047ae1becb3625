#pragma once

#include "engine.h"
#include "mergedecision.h"

namespace syncscope {

// Plans a merge of the engine's replicas as they are now: for every key and target, the write
// the strategy (or the user's choice for that key) keeps. Nothing changes until the plan is
// handed to Engine::applyPlanned; the dialog's preview is this plan, so the preview and what
// is applied cannot drift apart. A request that makes no sense comes back with `problem` set.
MergePlan planMerge(const Engine& engine, const MergeRequest& request,
                    const ManualChoices& choices = {});

// Applies a whole plan in one go (the property checker, tests) and, when nothing was skipped,
// lets later merges rely on it. False when the plan cannot be applied or went stale.
bool applyWholePlan(Engine& engine, const MergePlan& plan);

} // namespace syncscope

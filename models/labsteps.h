#pragma once
// The Property Lab's merges as the command line names them (--lab-merge lines): each line a
// MERGE or a FULL_SYNC over every store, checked like a script and bound to the run's stores.
#include "propertylab.h"
#include "scriptbinding.h"

#include <QStringList>

#include <string>
#include <vector>

namespace syncscope {

// The lab's steps, with store indexes into run.stores; or, when any line is wrong, the errors
// named as a script called "--lab-merge" ("--lab-merge:2:1: not a MERGE or FULL_SYNC").
std::vector<LabStep> labStepsOf(const QStringList& lines, const StoreBinding& run,
                                std::vector<std::string>& errors);

} // namespace syncscope

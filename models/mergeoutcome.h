#pragma once
// What a merge plan did, in the terms the merge runner records and checks: the audit rows of a
// batch just applied, each target's final writes, the rows each target should then hold, and
// how a store's rows differ from those. Pure functions of the engine and the plan, so that they
// are tested without stores or threads.
#include "auditentry.h"
#include "auditkeyrows.h"
#include "engine.h"
#include "logrecord.h"
#include "manualpick.h"
#include "mergedecision.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <utility>
#include <vector>

namespace syncscope {

// The audit rows of plan.writes[from, end), just applied to `e`: each target's value before and
// after. `keyRow` carries the fields every row of the merge shares.
AuditKeyRows auditRowsFor(const MergePlan& plan, size_t from, size_t end, const Engine& e,
                          const AuditEntry& keyRow, const ManualPicks& picks);

// Per target (a replica index): its final writes of the keys the plan wrote, in plan order.
using FinalWrites = std::vector<std::pair<size_t, std::vector<Write>>>;
FinalWrites finalWrites(const MergePlan& plan, const Engine& e);

// Per target store (by name): the rows it should hold for the keys the plan wrote, sorted as a
// store lists its rows (keyLess).
using ExpectedRows = std::vector<std::pair<QString, std::vector<GradeRecord>>>;
std::shared_ptr<const ExpectedRows> expectedRows(const FinalWrites& writes, const Engine& e);

// The expected rows a store does not hold as planned (both sorted by keyLess): one line each
// for the first 20, and all of them counted in `count`. Rows the store holds beyond the
// expected ones are not differences: the plan wrote only its keys.
QStringList storeDifferences(const QString& store, const std::vector<GradeRecord>& expected,
                             const std::vector<GradeRecord>& actual, qint64& count);

} // namespace syncscope

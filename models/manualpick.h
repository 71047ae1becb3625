#pragma once

#include "mergedecision.h"

#include <QString>

#include <map>
#include <utility>

namespace syncscope {

class Catalog;

// A decision as the dialog holds it: by key text, so it survives re-planning and lives away
// from the engine. Interned into ManualChoices on the engine's thread.
struct ManualPick {
    ManualChoice::Kind kind = ManualChoice::Kind::KeepTarget;
    size_t store = 0; // TakeStore: replica index
    QString value;    // TypeValue: the grade; null with TypeValue: delete the key
    QString note;
    bool operator==(const ManualPick&) const = default;
};
using ManualPickKey = std::pair<QString, QString>; // student, course
using ManualPicks = std::map<ManualPickKey, ManualPick>;

// Picks for keys the catalog does not know are dropped (nothing to decide there).
ManualChoices internPicks(Catalog& catalog, const ManualPicks& picks);

// "keep the target's", "take SQL's", "type B", "delete", for tables and the audit log.
QString describePick(const ManualPick& pick, const QString& storeName);

} // namespace syncscope

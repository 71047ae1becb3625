#pragma once

#include "conflictsnapshot.h"

#include <QString>

namespace syncscope {

// The "Why" of a key in plain words (docs/script-language.md): which write last-writer-wins keeps
// and on what grounds (timestamp, then origin name, then seq), whether the others are in its causal
// past (fast-forward) or not (concurrent: they are discarded unseen), who is missing the key and
// what a DELETE does. Deterministic, so tests can hold it to its wording.
QString explainConflict(const ConflictSnapshot& snapshot, size_t row);

// One stale read in plain words.
QString explainStaleRead(const ConflictSnapshot& snapshot, const ConflictSnapshot::StaleReadRow& r);

// A write the way the explanations name it: "HIVE's SET of A at t=5", "SQL's DELETE at t=3",
// "the CSV seed A (row 7)".
QString describeWrite(const ConflictSnapshot& snapshot, const Write& w);

// Why a beats b in docs/script-language.md's order, as a clause: "t=5 is later than t=3", ...
QString whyGreater(const ConflictSnapshot& snapshot, const Write& a, const Write& b);

QString conflictKindName(ConflictKind kind); // "identical", "missing", "fast-forward", ...

} // namespace syncscope

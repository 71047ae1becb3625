#pragma once

#include "conflictsnapshot.h"

#include <string>

namespace syncscope {

// `syncscope-cli run --conflicts FILE`: the conflict grid as CSV (RFC 4180 quoting), the
// headless twin of the Conflicts dock. Header `kind,student_id,course_id,winner,discarded,
// <STORE>...,why`; one row per key that is not identical, in key order (kind concurrent,
// fast-forward or missing; winner the first store holding the write last-writer-wins keeps;
// discarded the stores whose writes it drops unseen, space-separated; a store cell is
// `value@ts/ORIGIN#seq`, `(deleted)@ts/ORIGIN#seq`, or empty when the store never received a
// write), then one row per stale read (kind stale-read, winner = the store that read).
void appendConflictReport(std::string& out, const ConflictSnapshot& snapshot);

} // namespace syncscope

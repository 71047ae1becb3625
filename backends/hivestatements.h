#pragma once
// The HiveQL HiveStore runs and the rows it reads back, in one place: the oplog's column order
// (kOplogColumns) is written here once, for the INSERT that writes an entry and for the reading
// that turns a row back into one. Every value goes through hiveql.h's quoting.
#include "hiveconnection.h"
#include "logrecord.h"

#include <cstdint>
#include <string>

namespace syncscope::hive {

// The oplog's columns, in the table's order.
inline constexpr const char* kOplogColumns =
    "pos, op, student_id, course_id, grade, ts, origin, seq, wall_ms, attributes, context";

// The greatest write of every key in docs/script-language.md's order, tombstones included;
// `filter` narrows the keys before the window (it may only name key columns, so every key keeps
// its whole history). A key's attributes come from its greatest write that has any, as a seed's
// stay on a row that later writes overwrite.
std::string latestWrites(const std::string& filter);
// Each key's greatest write, narrowed to the keys `where` names before the window and cut by
// `after` behind it, in key order; from the transactional grade table when `acid`.
std::string gradesQuery(const std::string& where, const std::string& after, bool acid);
// Folds the oplog entries at positions first..last into the transactional grade table: each
// key's greatest write among them replaces the row when it beats it (docs/script-language.md's
// order), and a seed's attributes stay when a later write replaces its row, as in the view.
std::string mergeIntoGradeTable(int64_t first, int64_t last);
// The condition naming one key; " LIMIT n" (nothing for 0).
std::string keyFilter(const std::string& studentId, const std::string& courseId);
std::string limitClause(size_t limit);
// One oplog row as INSERT … VALUES takes it, in the table's column order (Hive before 1.2
// takes no column list), appended to `out`.
void appendValues(std::string& out, const LogRecord& r, int64_t pos, int64_t wallMs);

// A result's values: NULL; an integer (an i64 column, or a string column parsed, as a view or
// an older server gives); text.
bool isNull(const HiveValue& v);
int64_t asInt(const HiveValue& v);
std::string asText(const HiveValue& v);
// Row `i` of a SELECT of kOplogColumns, or of the grade columns (gradesQuery).
LogRecord toLogRecord(const HiveRows& rows, size_t i);
GradeRecord toGradeRecord(const HiveRows& rows, size_t i);

} // namespace syncscope::hive

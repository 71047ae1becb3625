#include "hivestatements.h"

#include "hiveql.h"

#include <charconv>

namespace syncscope::hive {

std::string latestWrites(const std::string& filter) {
    return "SELECT student_id, course_id, grade, op, ts, origin, seq, attrs FROM (SELECT "
           "student_id, course_id, grade, op, ts, origin, seq, FIRST_VALUE(attributes) OVER "
           "(PARTITION BY student_id, course_id ORDER BY CASE WHEN attributes IS NULL THEN 0 "
           "ELSE 1 END DESC, ts DESC, origin DESC, seq DESC) AS attrs, ROW_NUMBER() OVER "
           "(PARTITION BY student_id, course_id ORDER BY ts DESC, origin DESC, seq DESC) AS rn "
           "FROM oplog WHERE op <> 'GET'" +
           (filter.empty() ? std::string() : " AND " + filter) + ") latest WHERE latest.rn = 1";
}

bool isNull(const HiveValue& v) {
    return std::holds_alternative<std::monostate>(v);
}

int64_t asInt(const HiveValue& v) {
    if (const auto* i = std::get_if<int64_t>(&v))
        return *i;
    if (const auto* d = std::get_if<double>(&v))
        return static_cast<int64_t>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) {
        int64_t out = 0;
        std::from_chars(s->data(), s->data() + s->size(), out);
        return out;
    }
    return 0;
}

std::string asText(const HiveValue& v) {
    if (const auto* s = std::get_if<std::string>(&v))
        return *s;
    if (const auto* i = std::get_if<int64_t>(&v))
        return std::to_string(*i);
    return {};
}

namespace {
std::string literalOrNull(bool present, const std::string& text) {
    return present ? hiveStringLiteral(text) : std::string("NULL");
}
} // namespace

void appendValues(std::string& out, const LogRecord& r, int64_t pos, int64_t wallMs) {
    out += '(';
    out += std::to_string(pos);
    out += ',';
    out += hiveStringLiteral(entryKindName(r.kind));
    out += ',';
    out += hiveStringLiteral(r.studentId);
    out += ',';
    out += hiveStringLiteral(r.courseId);
    out += ',';
    out += literalOrNull(r.hasValue, r.value);
    out += ',';
    out += std::to_string(r.ts);
    out += ',';
    out += hiveStringLiteral(r.origin);
    out += ',';
    out += std::to_string(r.seq);
    out += ',';
    out += std::to_string(wallMs);
    out += ',';
    out += literalOrNull(!r.attributes.empty(), r.attributes);
    out += ',';
    out += hiveStringLiteral(r.context);
    out += ')';
}

LogRecord toLogRecord(const HiveRows& rows, size_t i) {
    LogRecord r;
    r.position = asInt(rows.at(i, 0));
    entryKindFromName(asText(rows.at(i, 1)), r.kind);
    r.studentId = asText(rows.at(i, 2));
    r.courseId = asText(rows.at(i, 3));
    r.hasValue = !isNull(rows.at(i, 4));
    r.value = asText(rows.at(i, 4));
    r.ts = asInt(rows.at(i, 5));
    r.origin = asText(rows.at(i, 6));
    r.seq = static_cast<uint64_t>(asInt(rows.at(i, 7)));
    r.wallMs = asInt(rows.at(i, 8));
    r.attributes = asText(rows.at(i, 9));
    r.context = asText(rows.at(i, 10));
    return r;
}

GradeRecord toGradeRecord(const HiveRows& rows, size_t i) {
    GradeRecord g;
    g.studentId = asText(rows.at(i, 0));
    g.courseId = asText(rows.at(i, 1));
    g.value = asText(rows.at(i, 2));
    g.deleted = asText(rows.at(i, 3)) == "DELETE";
    g.ts = asInt(rows.at(i, 4));
    g.origin = asText(rows.at(i, 5));
    g.seq = static_cast<uint64_t>(asInt(rows.at(i, 6)));
    g.attributes = asText(rows.at(i, 7));
    return g;
}

std::string gradesQuery(const std::string& where, const std::string& after, bool acid) {
    if (acid) {
        // The transactional table holds each key's greatest write already.
        std::string sql = "SELECT student_id, course_id, grade, op, ts, origin, seq, attributes "
                          "FROM grades_acid";
        if (!where.empty() || !after.empty())
            sql += " WHERE " + (where.empty()   ? after
                                : after.empty() ? where
                                                : where + " AND " + after);
        return sql + " ORDER BY student_id, course_id";
    }
    std::string sql = latestWrites(where);
    if (!after.empty())
        sql += " AND " + after;
    return sql + " ORDER BY student_id, course_id";
}

std::string mergeIntoGradeTable(int64_t first, int64_t last) {
    return "MERGE INTO grades_acid AS g USING (" +
           latestWrites("pos >= " + std::to_string(first) + " AND pos <= " + std::to_string(last)) +
           ") AS s ON g.student_id = s.student_id AND g.course_id = s.course_id WHEN MATCHED AND "
           "(s.ts > g.ts OR (s.ts = g.ts AND (s.origin > g.origin OR (s.origin = g.origin AND "
           "s.seq > g.seq)))) THEN UPDATE SET grade = s.grade, op = s.op, ts = s.ts, origin = "
           "s.origin, seq = s.seq, attributes = COALESCE(s.attrs, g.attributes) WHEN NOT MATCHED "
           "THEN INSERT VALUES (s.student_id, s.course_id, s.grade, s.op, s.ts, s.origin, s.seq, "
           "s.attrs)";
}

std::string keyFilter(const std::string& studentId, const std::string& courseId) {
    return "student_id = " + hiveStringLiteral(studentId) +
           " AND course_id = " + hiveStringLiteral(courseId);
}

std::string limitClause(size_t limit) {
    return limit == 0 ? std::string() : " LIMIT " + std::to_string(limit);
}

} // namespace syncscope::hive

#include "bulkwritepath.h"

#include <cstdio>

namespace syncscope {

namespace {

void field(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
}

void number(std::string& out, long long n) {
    char digits[24];
    const int len = std::snprintf(digits, sizeof digits, "%lld", n);
    out.append(digits, static_cast<size_t>(len));
}

// The columns the oplog and the grade rows share: student, course, grade (\N: a delete), ts,
// origin, seq.
void writeColumns(std::string& out, const LogRecord& r) {
    field(out, r.studentId);
    out += '\t';
    field(out, r.courseId);
    out += '\t';
    if (r.hasValue)
        field(out, r.value);
    else
        out += "\\N";
    out += '\t';
    number(out, r.ts);
    out += '\t';
    field(out, r.origin);
    out += '\t';
    number(out, static_cast<long long>(r.seq));
}

} // namespace

bool BulkWritePath::suits(std::span<const LogRecord> batch) {
    if (batch.size() < kLeastRows)
        return false;
    for (const LogRecord& r : batch)
        if (!r.attributes.empty())
            return false;
    return true;
}

void BulkWritePath::writeOplogRows(std::string& out, std::span<const LogRecord> batch,
                                   qint64 wallMs) {
    out.clear();
    for (const LogRecord& r : batch) {
        out += entryKindName(r.kind);
        out += '\t';
        writeColumns(out, r);
        out += '\t';
        number(out, wallMs);
        out += '\t';
        if (r.context.empty())
            out += "\\N";
        else
            field(out, r.context);
        out += '\n';
    }
}

bool BulkWritePath::writeGradeRows(std::string& out, std::span<const LogRecord> batch) {
    out.clear();
    for (const LogRecord& r : batch) {
        if (!r.isWrite())
            continue;
        writeColumns(out, r);
        out += '\n';
    }
    return !out.empty();
}

} // namespace syncscope

#include "postgrescopypath.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace syncscope {

namespace {

// COPY's text format: tab between columns, newline between rows, \N for NULL, and backslash,
// tab, newline and carriage return inside a value escaped with a backslash.
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

pg_conn* PostgresCopyPath::nativeHandle(const QVariant& handle) {
    // QPSQL registers its handle under libpq's struct name.
    if (!handle.isValid() || (std::strcmp(handle.typeName(), "pg_conn*") != 0 &&
                              std::strcmp(handle.typeName(), "PGconn*") != 0))
        return nullptr;
    return *static_cast<pg_conn* const*>(handle.data());
}

bool PostgresCopyPath::suits(std::span<const LogRecord> batch) {
    if (batch.size() < kLeastRows)
        return false;
    for (const LogRecord& r : batch)
        if (!r.attributes.empty())
            return false;
    return true;
}

QString PostgresCopyPath::lastError() const {
    return QString::fromUtf8(PQerrorMessage(conn_)).trimmed();
}

bool PostgresCopyPath::exec(const char* sql, QString& error) {
    PGresult* r = PQexec(conn_, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        error = QString::fromUtf8(PQresultErrorMessage(r)).trimmed();
    PQclear(r);
    return ok;
}

bool PostgresCopyPath::copy(const char* sql, QString& error) {
    PGresult* start = PQexec(conn_, sql);
    const bool started = PQresultStatus(start) == PGRES_COPY_IN;
    if (!started)
        error = QString::fromUtf8(PQresultErrorMessage(start)).trimmed();
    PQclear(start);
    if (!started)
        return false;
    bool sent = true;
    for (size_t at = 0; at < buffer_.size() && sent;) {
        const size_t n = std::min<size_t>(buffer_.size() - at, 1 << 20);
        sent = PQputCopyData(conn_, buffer_.data() + at, static_cast<int>(n)) == 1;
        at += n;
    }
    if (!sent)
        error = lastError();
    if (PQputCopyEnd(conn_, sent ? nullptr : "the client could not send the rows") != 1 && sent) {
        error = lastError();
        sent = false;
    }
    // The COPY's own result, then nothing: the connection is ready for the next statement.
    bool ok = sent;
    while (PGresult* r = PQgetResult(conn_)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
            error = QString::fromUtf8(PQresultErrorMessage(r)).trimmed();
            ok = false;
        }
        PQclear(r);
    }
    return ok;
}

bool PostgresCopyPath::writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) {
    buffer_.clear();
    for (const LogRecord& r : batch) {
        buffer_ += entryKindName(r.kind);
        buffer_ += '\t';
        writeColumns(buffer_, r);
        buffer_ += '\t';
        number(buffer_, wallMs);
        buffer_ += '\t';
        if (r.context.empty())
            buffer_ += "\\N";
        else
            field(buffer_, r.context);
        buffer_ += '\n';
    }
    if (!copy("COPY oplog(op, student_id, course_id, grade, ts, origin, seq, wall_ms, context) "
              "FROM STDIN",
              error))
        return false;

    buffer_.clear();
    for (const LogRecord& r : batch) {
        if (!r.isWrite())
            continue; // GETs are logged but change nothing
        writeColumns(buffer_, r);
        buffer_ += '\n';
    }
    if (buffer_.empty())
        return true;
    // Emptied at every commit; created on the connection's first batch (or again after a
    // rollback took it away).
    return exec("CREATE TEMP TABLE IF NOT EXISTS syncscope_batch (student_id TEXT COLLATE \"C\", "
                "course_id TEXT COLLATE \"C\", grade TEXT, ts BIGINT, origin TEXT COLLATE \"C\", "
                "seq BIGINT) ON COMMIT DELETE ROWS",
                error) &&
           copy("COPY syncscope_batch FROM STDIN", error) &&
           exec("INSERT INTO grades(student_id, course_id, grade, ts, origin, seq) "
                "SELECT DISTINCT ON (student_id, course_id) student_id, course_id, grade, ts, "
                "origin, seq FROM syncscope_batch "
                "ORDER BY student_id, course_id, ts DESC, origin DESC, seq DESC "
                "ON CONFLICT (student_id, course_id) DO UPDATE SET grade = excluded.grade, "
                "ts = excluded.ts, origin = excluded.origin, seq = excluded.seq "
                "WHERE (excluded.ts, excluded.origin, excluded.seq) > "
                "(grades.ts, grades.origin, grades.seq)",
                error);
}

} // namespace syncscope

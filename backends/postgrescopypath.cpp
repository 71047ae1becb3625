#include "postgrescopypath.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>

namespace syncscope {

pg_conn* PostgresCopyPath::nativeHandle(const QVariant& handle) {
    // QPSQL registers its handle under libpq's struct name.
    if (!handle.isValid() || (std::strcmp(handle.typeName(), "pg_conn*") != 0 &&
                              std::strcmp(handle.typeName(), "PGconn*") != 0))
        return nullptr;
    return *static_cast<pg_conn* const*>(handle.data());
}

int PostgresCopyPath::socketOf(const QVariant& handle) {
    pg_conn* conn = nativeHandle(handle);
    return conn ? PQsocket(conn) : -1;
}

QString PostgresCopyPath::lastError() const {
    return QString::fromUtf8(PQerrorMessage(conn_)).trimmed();
}

void PostgresCopyPath::fail(const pg_result* r, QString& error) {
    error = QString::fromUtf8(PQresultErrorMessage(r)).trimmed();
    const char* sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    errorCode_ = sqlstate ? QString::fromLatin1(sqlstate) : QString();
}

bool PostgresCopyPath::exec(const char* sql, QString& error) {
    PGresult* r = PQexec(conn_, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fail(r, error);
    PQclear(r);
    return ok;
}

bool PostgresCopyPath::copy(const char* sql, QString& error) {
    PGresult* start = PQexec(conn_, sql);
    const bool started = PQresultStatus(start) == PGRES_COPY_IN;
    if (!started)
        fail(start, error);
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
            fail(r, error);
            ok = false;
        }
        PQclear(r);
    }
    return ok;
}

bool PostgresCopyPath::writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) {
    errorCode_.clear();
    writeOplogRows(buffer_, batch, wallMs);
    if (!copy("COPY oplog(op, student_id, course_id, grade, ts, origin, seq, wall_ms, context) "
              "FROM STDIN",
              error))
        return false;

    if (!writeGradeRows(buffer_, batch))
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

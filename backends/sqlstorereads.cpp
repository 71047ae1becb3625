// SqlStore's reads: the oplog, the grade rows, one key, the counts and the range checksums.
// Each runs under the server deadline and, when the server went away, once more on a new
// connection (readAgainIfLost).
#include "sqlstore.h"

#include "sqlitefastpath.h"
#include "sqlstoreshared.h"
#include "utf8.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace syncscope {

// A read that failed because the server went away is tried once more on a new connection: the
// views and the outside-write follower read again on their own, and a server that came back
// should not leave the store failing until the program restarts.
template <class Read>
auto SqlStore::readAgainIfLost(Read read) -> decltype(read()) {
    QElapsedTimer clock;
    clock.start();
    auto result = [&] {
        const SocketDeadline::Armed watched = watchServer();
        return read();
    }();
    // A server that stopped answering: say so, and leave the next try to the caller rather
    // than wait through a new connection to it as well. (MariaDB's driver times out by itself;
    // PostgreSQL's statement_timeout is an answer, and its silence the deadline's to catch.)
    if (!result && ((deadline_ && deadline_->fired()) ||
                    (options_.engine == SqlEngine::MariaDb && options_.server.readTimeoutMs > 0 &&
                     clock.elapsed() >= options_.server.readTimeoutMs)))
        return decltype(read())(unanswered(result.error()));
    if (!result && !result.error().canceled && connectionLost() && reconnect()) {
        const SocketDeadline::Armed watched = watchServer();
        result = read();
    }
    return result;
}

Result<std::vector<LogRecord>> SqlStore::readOplog(int64_t after, size_t limit,
                                                   const BatchControl& control) {
    return readAgainIfLost([&]() -> Result<std::vector<LogRecord>> {
        if (sqliteFast_) {
            std::vector<LogRecord> out;
            bool canceled = false;
            QString why;
            if (!sqliteFast_->readOplog(after, limit, out, control.isCanceled, canceled, why))
                return canceled ? StoreError{options_.name, QStringLiteral("canceled"), true}
                                : error(QStringLiteral("cannot read the oplog"), why);
            return out;
        }
        QSqlQuery q(QSqlDatabase::database(connection_, false));
        q.setForwardOnly(true);
        q.prepare(dialect_.readOplog());
        q.addBindValue(static_cast<qint64>(after));
        q.addBindValue(limit == 0 ? dialect_.unlimited : static_cast<qint64>(limit));
        if (!q.exec())
            return error(QStringLiteral("cannot read the oplog"), q.lastError().text());
        std::vector<LogRecord> out;
        while (q.next()) {
            LogRecord r;
            const std::string op = stdString(q.value(0));
            if (!entryKindFromName(op, r.kind))
                return error(QStringLiteral("corrupt oplog"),
                             QStringLiteral("unknown op ") + q.value(0).toString());
            r.studentId = stdString(q.value(1));
            r.courseId = stdString(q.value(2));
            r.hasValue = !q.value(3).isNull();
            if (r.hasValue)
                r.value = stdString(q.value(3));
            r.ts = q.value(4).toLongLong();
            r.origin = stdString(q.value(5));
            r.seq = static_cast<uint64_t>(q.value(6).toLongLong());
            r.wallMs = q.value(7).toLongLong();
            r.position = q.value(8).toLongLong();
            if (!q.value(9).isNull())
                r.context = stdString(q.value(9));
            out.push_back(std::move(r));
            if ((out.size() & 0xFFFF) == 0) {
                if (control.isCanceled())
                    return StoreError{options_.name, QStringLiteral("canceled"), true};
                control.progress(static_cast<qint64>(out.size()), -1);
            }
        }
        return out;
    });
}

namespace {
GradeRecord gradeFrom(const QSqlQuery& q) {
    GradeRecord g;
    g.studentId = stdString(q.value(0));
    g.courseId = stdString(q.value(1));
    g.deleted = q.value(2).isNull();
    if (!g.deleted)
        g.value = stdString(q.value(2));
    g.ts = q.value(3).toLongLong();
    g.origin = stdString(q.value(4));
    g.seq = static_cast<uint64_t>(q.value(5).toLongLong());
    if (!q.value(6).isNull())
        g.attributes = stdString(q.value(6));
    return g;
}
const char* const kGradeColumns = "student_id, course_id, grade, ts, origin, seq, attributes";
} // namespace

Result<std::vector<GradeRecord>> SqlStore::readGrades(const GradeCursor& after, size_t limit,
                                                      const BatchControl& control) {
    return readAgainIfLost([&]() -> Result<std::vector<GradeRecord>> {
        QSqlQuery q(QSqlDatabase::database(connection_, false));
        q.setForwardOnly(true);
        // Keyset paging on the primary key: each page is an index range scan, however deep.
        q.prepare(dialect_.readGrades(after.atStart()));
        if (!after.atStart()) {
            q.addBindValue(toQString(after.studentId));
            q.addBindValue(toQString(after.studentId));
            q.addBindValue(toQString(after.courseId));
        }
        q.addBindValue(limit == 0 ? dialect_.unlimited : static_cast<qint64>(limit));
        if (!q.exec())
            return error(QStringLiteral("cannot read grades"), q.lastError().text());
        std::vector<GradeRecord> out;
        while (q.next()) {
            out.push_back(gradeFrom(q));
            if ((out.size() & 0xFFFF) == 0 && control.isCanceled())
                return StoreError{options_.name, QStringLiteral("canceled"), true};
        }
        return out;
    });
}

Result<std::optional<GradeRecord>> SqlStore::readKey(const std::string& studentId,
                                                     const std::string& courseId) {
    return readAgainIfLost([&]() -> Result<std::optional<GradeRecord>> {
        QSqlQuery q(QSqlDatabase::database(connection_, false));
        q.prepare(QStringLiteral("SELECT %1 FROM grades WHERE student_id = ? AND course_id = ?")
                      .arg(QLatin1String(kGradeColumns)));
        q.addBindValue(toQString(studentId));
        q.addBindValue(toQString(courseId));
        if (!q.exec())
            return error(QStringLiteral("cannot read a key"), q.lastError().text());
        if (!q.next())
            return std::optional<GradeRecord>();
        return std::optional<GradeRecord>(gradeFrom(q));
    });
}

Result<StoreCounts> SqlStore::counts() {
    return readAgainIfLost([&]() -> Result<StoreCounts> {
        QSqlQuery q(QSqlDatabase::database(connection_, false));
        if (!q.exec(QStringLiteral(
                "SELECT (SELECT COUNT(*) FROM grades WHERE grade IS NOT NULL), "
                "(SELECT COUNT(*) FROM oplog), (SELECT COALESCE(MAX(id), 0) FROM oplog)")) ||
            !q.next())
            return error(QStringLiteral("cannot count rows"), q.lastError().text());
        return StoreCounts{q.value(0).toLongLong(), q.value(1).toLongLong(),
                           q.value(2).toLongLong()};
    });
}

namespace {
// models/rangechecksum.h's token and digest as each engine writes them, and its XOR aggregate.
struct ChecksumSql {
    QString token, digest, xorOf;
};

ChecksumSql checksumSql(SqlEngine engine) {
    switch (engine) {
    case SqlEngine::MariaDb:
        return {QStringLiteral("CAST(CONV(LEFT(MD5(CONCAT(student_id, CHAR(31), course_id)), 8), "
                               "16, 10) AS UNSIGNED)"),
                QStringLiteral("CAST(CONV(LEFT(MD5(CONCAT(student_id, CHAR(31), course_id, "
                               "CHAR(31), grade)), 16), 16, 10) AS UNSIGNED)"),
                QStringLiteral("BIT_XOR")};
    case SqlEngine::Postgres:
        return {QStringLiteral("('x' || lpad(left(md5(student_id || chr(31) || course_id), 8), "
                               "16, '0'))::bit(64)::bigint"),
                QStringLiteral("('x' || left(md5(student_id || chr(31) || course_id || chr(31) "
                               "|| grade), 16))::bit(64)::bigint"),
                QStringLiteral("bit_xor")};
    case SqlEngine::Sqlite:
        break;
    }
    // Functions SqliteFastPath::registerChecksumFunctions adds to the connection.
    return {QStringLiteral("syncscope_token(student_id, course_id)"),
            QStringLiteral("syncscope_digest(student_id, course_id, grade)"),
            QStringLiteral("syncscope_xor")};
}

// An integer column as its 64 bits: MariaDB's BIT_XOR is unsigned, the others signed.
uint64_t bitsOf(const QVariant& v) {
    return v.typeId() == QMetaType::ULongLong ? v.toULongLong()
                                              : static_cast<uint64_t>(v.toLongLong());
}
} // namespace

// In the server: the rows never leave it, only one (range, count, XOR) row per range.
Result<RangeChecksums> SqlStore::rangeChecksums(uint32_t ranges, const BatchControl& control) {
    (void)control;
    if (ranges == 0)
        return RangeChecksums{};
    return readAgainIfLost([&]() -> Result<RangeChecksums> {
        const ChecksumSql sql = checksumSql(options_.engine);
        QSqlQuery q(QSqlDatabase::database(connection_, false));
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT (%1) % ? AS r, COUNT(*), %2(%3) FROM grades WHERE grade "
                                 "IS NOT NULL GROUP BY r")
                      .arg(sql.token, sql.xorOf, sql.digest));
        q.addBindValue(static_cast<qlonglong>(ranges));
        if (!q.exec())
            return error(QStringLiteral("cannot compute range checksums"), q.lastError().text());
        RangeChecksums out;
        out.ranges.resize(ranges);
        while (q.next()) {
            const qlonglong r = q.value(0).toLongLong();
            if (r < 0 || r >= static_cast<qlonglong>(ranges))
                return error(
                    QStringLiteral("cannot compute range checksums"),
                    QStringLiteral("the server answered range %1 of %2").arg(r).arg(ranges));
            out.ranges[static_cast<size_t>(r)] = {q.value(1).toLongLong(), bitsOf(q.value(2))};
        }
        return out;
    });
}

Result<RangeRows> SqlStore::readRanges(uint32_t ranges, const std::vector<uint32_t>& which,
                                       const BatchControl& control) {
    (void)control;
    RangeRows out;
    const ChecksumSql sql = checksumSql(options_.engine);
    constexpr size_t kPerQuery = 500; // ranges per IN list, each a bound parameter
    for (size_t at = 0; at < which.size(); at += kPerQuery) {
        const size_t n = std::min(kPerQuery, which.size() - at);
        Result<RangeRows> part = readAgainIfLost([&]() -> Result<RangeRows> {
            QStringList marks;
            for (size_t i = 0; i < n; ++i)
                marks << QStringLiteral("?");
            QSqlQuery q(QSqlDatabase::database(connection_, false));
            q.setForwardOnly(true);
            q.prepare(QStringLiteral("SELECT %1 FROM grades WHERE grade IS NOT NULL AND (%2) % ? "
                                     "IN (%3)")
                          .arg(QLatin1String(kGradeColumns), sql.token, marks.join(u',')));
            q.addBindValue(static_cast<qlonglong>(ranges));
            for (size_t i = 0; i < n; ++i)
                q.addBindValue(static_cast<qlonglong>(which[at + i]));
            if (!q.exec())
                return error(QStringLiteral("cannot read key ranges"), q.lastError().text());
            RangeRows rows;
            while (q.next())
                rows.rows.push_back(gradeFrom(q));
            rows.rowsTransferred = static_cast<int64_t>(rows.rows.size());
            return rows;
        });
        if (!part)
            return part.error();
        out.rowsTransferred += part.value().rowsTransferred;
        std::move(part.value().rows.begin(), part.value().rows.end(), std::back_inserter(out.rows));
    }
    std::sort(out.rows.begin(), out.rows.end(), keyLess);
    return out;
}

} // namespace syncscope

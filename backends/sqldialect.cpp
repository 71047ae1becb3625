#include "sqldialect.h"

namespace syncscope {

namespace {
QString placeholders(int rows, int columns) {
    QString row = QStringLiteral("(");
    for (int c = 0; c < columns; ++c)
        row += c == 0 ? QStringLiteral("?") : QStringLiteral(",?");
    row += QLatin1Char(')');
    QString out;
    out.reserve(rows * (row.size() + 1));
    for (int r = 0; r < rows; ++r) {
        if (r > 0)
            out += QLatin1Char(',');
        out += row;
    }
    return out;
}
} // namespace

QString SqlDialect::insertOplog(int rows) const {
    return QStringLiteral("INSERT INTO oplog(op, student_id, course_id, grade, ts, origin, seq, "
                          "wall_ms) VALUES ") +
           placeholders(rows, 8);
}

// A write replaces the row only when it is greater in SPEC §1's order; origins compare
// byte-wise (SQLite's default BINARY collation). Re-applying a write is therefore a no-op.
QString SqlDialect::upsertGrades(int rows) const {
    return QStringLiteral("INSERT INTO grades(student_id, course_id, grade, ts, origin, seq, "
                          "attributes) VALUES ") +
           placeholders(rows, 7) +
           QStringLiteral(" ON CONFLICT(student_id, course_id) DO UPDATE SET "
                          "grade = excluded.grade, ts = excluded.ts, origin = excluded.origin, "
                          "seq = excluded.seq, "
                          "attributes = COALESCE(excluded.attributes, grades.attributes) "
                          "WHERE (excluded.ts, excluded.origin, excluded.seq) > "
                          "(grades.ts, grades.origin, grades.seq)");
}

SqlDialect sqliteDialect(bool inMemory) {
    SqlDialect d;
    d.driver = QStringLiteral("QSQLITE");
    if (!inMemory) {
        // WAL: readers (the GUI's loaders) never block the writer. synchronous=NORMAL in WAL
        // mode survives an application crash; only a power cut can lose the last commits.
        d.openPragmas = {QStringLiteral("PRAGMA journal_mode=WAL"),
                         QStringLiteral("PRAGMA synchronous=NORMAL"),
                         QStringLiteral("PRAGMA busy_timeout=5000")};
    }
    d.schema = {
        QStringLiteral("CREATE TABLE IF NOT EXISTS syncscope_meta ("
                       "key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        // grade IS NULL marks a deleted key: the tombstone must stay for last-writer-wins.
        QStringLiteral("CREATE TABLE IF NOT EXISTS grades ("
                       "student_id TEXT NOT NULL, course_id TEXT NOT NULL, grade TEXT, "
                       "ts INTEGER NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL, "
                       "attributes TEXT, PRIMARY KEY (student_id, course_id)) WITHOUT ROWID"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS oplog ("
                       "id INTEGER PRIMARY KEY, "
                       // ORs, not IN (...): SQLite builds an ephemeral index for an IN list
                       // on every row, which doubled the cost of an append.
                       "op TEXT NOT NULL CHECK (op = 'SET' OR op = 'DELETE' OR op = 'GET' OR "
                       "op = 'SEED'), "
                       "student_id TEXT NOT NULL, course_id TEXT NOT NULL, grade TEXT, "
                       "ts INTEGER NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL, "
                       "wall_ms INTEGER NOT NULL)"),
    };
    d.rowsPerStatement = 64;
    return d;
}

} // namespace syncscope

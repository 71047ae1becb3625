#include "sqldialect.h"

namespace syncscope {

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

QString SqlDialect::insertOplog(int rows) const {
    return QStringLiteral("INSERT INTO oplog(op, student_id, course_id, grade, ts, origin, seq, "
                          "wall_ms, context) VALUES ") +
           placeholders(rows, 9);
}

QString SqlDialect::readOplog() const {
    return QStringLiteral("SELECT op, student_id, course_id, grade, ts, origin, seq, wall_ms, id, "
                          "context FROM oplog WHERE id > ? ORDER BY id LIMIT ?");
}

// A write replaces the row only when it is greater in docs/script-language.md's order; origins
// compare byte-wise (SQLite's BINARY collation, PostgreSQL's "C", MariaDB's utf8mb4_bin).
// Re-applying a write is therefore a no-op.
QString SqlDialect::mariadbUpsertTail() {
    // MariaDB assigns left to right, each assignment seeing the ones before it. Grade and
    // attributes go first, under the comparison with the old row; then seq, origin and ts, in
    // that order, which keeps the comparison's answer for the ones after it (when it held
    // through seq alone, origin and ts were equal already). The old row's columns are named
    // with their table, as an INSERT … SELECT has columns of the same names.
    const QString wins = QStringLiteral("(VALUES(ts), VALUES(origin), VALUES(seq)) > "
                                        "(grades.ts, grades.origin, grades.seq)");
    return QStringLiteral(" ON DUPLICATE KEY UPDATE "
                          "grade = IF(%1, VALUES(grade), grades.grade), "
                          "attributes = IF(%1, COALESCE(VALUES(attributes), grades.attributes), "
                          "grades.attributes), "
                          "seq = IF(%1, VALUES(seq), grades.seq), "
                          "origin = IF(%1, VALUES(origin), grades.origin), "
                          "ts = IF(%1, VALUES(ts), grades.ts)")
        .arg(wins);
}

QString SqlDialect::upsertGrades(int rows) const {
    const QString insert = QStringLiteral("INSERT INTO grades(student_id, course_id, grade, ts, "
                                          "origin, seq, attributes) VALUES ") +
                           placeholders(rows, 7);
    if (engine == SqlEngine::MariaDb)
        return insert + mariadbUpsertTail();
    return insert +
           QStringLiteral(" ON CONFLICT(student_id, course_id) DO UPDATE SET "
                          "grade = excluded.grade, ts = excluded.ts, origin = excluded.origin, "
                          "seq = excluded.seq, "
                          "attributes = COALESCE(excluded.attributes, grades.attributes) "
                          "WHERE (excluded.ts, excluded.origin, excluded.seq) > "
                          "(grades.ts, grades.origin, grades.seq)");
}

QString rollbackGreatestWrites() {
    return QStringLiteral(
        "INSERT INTO rollback_best SELECT student_id, course_id, grade, ts, origin, seq "
        "FROM (SELECT o.student_id, o.course_id, o.grade, o.ts, o.origin, o.seq, "
        "ROW_NUMBER() OVER (PARTITION BY o.student_id, o.course_id "
        "ORDER BY o.ts DESC, o.origin DESC, o.seq DESC) AS rn "
        "FROM oplog o JOIN rollback_keys k ON k.student_id = o.student_id AND "
        "k.course_id = o.course_id WHERE o.op <> 'GET') AS ranked WHERE rn = 1");
}

QStringList rollbackRewriteGrades() {
    return {
        QStringLiteral("DELETE FROM grades WHERE (student_id, course_id) IN (SELECT student_id, "
                       "course_id FROM rollback_keys) AND (student_id, course_id) NOT IN "
                       "(SELECT student_id, course_id FROM rollback_best)"),
        QStringLiteral(
            "UPDATE grades SET (grade, ts, origin, seq) = (SELECT b.grade, b.ts, b.origin, "
            "b.seq FROM rollback_best b WHERE b.student_id = grades.student_id AND "
            "b.course_id = grades.course_id) WHERE (student_id, course_id) IN (SELECT "
            "student_id, course_id FROM rollback_best)"),
    };
}

QString SqlDialect::readGrades(bool fromStart) const {
    QString sql = QStringLiteral("SELECT student_id, course_id, grade, ts, origin, seq, attributes "
                                 "FROM grades ");
    if (!fromStart)
        // Spelled out rather than as a row comparison, which MariaDB does not turn into an
        // index range: each page is then a range scan on the primary key, however deep.
        sql += QStringLiteral("WHERE student_id > ? OR (student_id = ? AND course_id > ?) ");
    return sql + QStringLiteral("ORDER BY student_id, course_id LIMIT ?");
}

SqlDialect sqliteDialect(bool inMemory) {
    SqlDialect d;
    d.driver = QStringLiteral("QSQLITE");
    if (inMemory) {
        // 16 KB pages, not SQLite's 4 KB: a store held in memory spends less on page headers
        // and B-tree levels. cli_end_to_end (four in-memory stores, 2.9M oplog rows): 5.3 s and
        // 419 MB with 4 KB pages, 5.1 s and 404 MB with 16 KB, alternating runs; 32 and 64 KB
        // were slower again (a transaction's journal copies whole pages). Files keep theirs.
        d.openPragmas = {QStringLiteral("PRAGMA page_size=16384")};
    } else {
        // WAL: readers (the GUI's loaders) never block the writer. synchronous=NORMAL in WAL
        // mode survives an application crash; only a power cut can lose the last commits.
        d.openPragmas = {QStringLiteral("PRAGMA journal_mode=WAL"),
                         QStringLiteral("PRAGMA synchronous=NORMAL"),
                         QStringLiteral("PRAGMA busy_timeout=5000")};
    }
    // A reader waits for a writer as a writer does; setting the journal mode would write.
    d.readPragmas = {QStringLiteral("PRAGMA busy_timeout=5000")};
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
                       // the causal context, "HIVE:5,SQL:3" (NULL when empty)
                       "wall_ms INTEGER NOT NULL, context TEXT)"),
    };
    d.upgrades = {{QStringLiteral("SELECT COUNT(*) FROM pragma_table_info('oplog') WHERE name = "
                                  "'context'"),
                   QStringLiteral("ALTER TABLE oplog ADD COLUMN context TEXT")}};
    d.claimStoreName =
        QStringLiteral("INSERT OR IGNORE INTO syncscope_meta(key, value) VALUES ('store', ?)");
    d.readStoreName = QStringLiteral("SELECT value FROM syncscope_meta WHERE key = 'store'");
    d.gradesColumns = QStringLiteral("SELECT name FROM pragma_table_info('grades')");
    // Rollback (Store::rollbackTo): the keys the dropped entries touched are collected first;
    // one pass over the remaining log, joined to those keys, finds each key's greatest write in
    // docs/script-language.md's order; grade rows are then updated in place (a seed row keeps its
    // attributes) or removed. `:position` is bound to the position rolled back to.
    d.rollbackStatements = {
        QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS rollback_keys (student_id TEXT NOT NULL, "
                       "course_id TEXT NOT NULL, PRIMARY KEY (student_id, course_id))"),
        QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS rollback_best (student_id TEXT NOT NULL, "
                       "course_id TEXT NOT NULL, grade TEXT, ts INTEGER NOT NULL, origin TEXT NOT "
                       "NULL, seq INTEGER NOT NULL, PRIMARY KEY (student_id, course_id))"),
        QStringLiteral("DELETE FROM rollback_keys"),
        QStringLiteral("DELETE FROM rollback_best"),
        QStringLiteral(
            "INSERT OR IGNORE INTO rollback_keys SELECT student_id, course_id FROM oplog "
            "WHERE id > :position AND op <> 'GET'"),
        QStringLiteral("DELETE FROM oplog WHERE id > :position"),
        // The seqs those entries claimed are free again: the counter is read anew from what
        // the oplog keeps (SqliteFastPath::claimedSeq).
        QStringLiteral("DELETE FROM syncscope_meta WHERE key = 'claimed seq'"),
        rollbackGreatestWrites(),
    };
    d.rollbackStatements << rollbackRewriteGrades();
    d.rowsPerStatement = 64;
    return d;
}

QString quoteSqlIdentifier(SqlEngine engine, const QString& name) {
    const QChar quote = engine == SqlEngine::MariaDb ? QLatin1Char('`') : QLatin1Char('"');
    QString out = name;
    out.replace(quote, QString(quote) + quote);
    return quote + out + quote;
}

QString createDatabaseStatement(SqlEngine engine, const QString& name) {
    const QString quoted = quoteSqlIdentifier(engine, name);
    if (engine == SqlEngine::MariaDb)
        return QStringLiteral("CREATE DATABASE IF NOT EXISTS %1 CHARACTER SET utf8mb4 COLLATE "
                              "utf8mb4_bin")
            .arg(quoted);
    // UTF-8 whatever the server's default; the tables give their own collation ("C").
    return QStringLiteral("CREATE DATABASE %1 ENCODING 'UTF8' LOCALE 'C' TEMPLATE template0")
        .arg(quoted);
}

} // namespace syncscope

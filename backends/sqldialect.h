#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace syncscope {

enum class SqlEngine { Sqlite, MariaDb, Postgres };

// Where a server store's outside writes are captured from: triggers on the grades table, or the
// server's change log (MariaDB's binlog in ROW format, PostgreSQL's logical decoding).
enum class SqlCapture { Triggers, Log };

// Everything that differs between the SQL engines SqlStore serves, in one place: schema DDL
// (with the triggers that capture outside writes on the servers), the conditional upsert that
// applies a write only when it beats the row (ts, origin, seq), keyset paging, and how many rows
// one statement carries. SQLite in sqldialect.cpp, the servers in sqldialect_servers.cpp.
struct SqlDialect {
    SqlEngine engine = SqlEngine::Sqlite;
    QString driver;          // Qt Sql driver name
    QStringList openPragmas; // run after connecting: file pragmas, or marking the session as
                             // Syncscope's own so the capture triggers leave its writes alone
    QStringList readPragmas; // instead, for a store only read: none that would write the file
    QStringList schema;      // idempotent CREATE statements
    // Columns added since the first release, for databases made before them: each probe
    // returns a count that is 0 while its upgrade statement has not run.
    struct Upgrade {
        QString probe;
        QString statement;
        // A store only read (verify) must have it (a column its reads name); false for what
        // only writers need (a trigger's newer body), which a reader leaves as it is.
        bool neededToRead = true;
    };
    std::vector<Upgrade> upgrades;
    // Taken around the schema's creation on a server, where two clients opening a new database
    // at once would otherwise race in CREATE … IF NOT EXISTS (PostgreSQL then fails on its
    // catalog's unique index). The lock answers 1 once held. Empty on SQLite, whose writer lock
    // serializes the DDL.
    QString lockSchema;
    QString unlockSchema;
    QString gradesColumns;  // the names of the grades table's columns (none: no such table)
    QString claimStoreName; // records the store's name in syncscope_meta, if none yet
    QString readStoreName;  // the name recorded there
    // First statement of every append transaction on a server: a row lock on the store's name
    // that the capture triggers take too, so writers commit one after another and oplog
    // positions become visible in order (a reader following the tail never skips one).
    QString lockForAppend;
    QStringList rollbackStatements; // Store::rollbackTo, in order, in one transaction
    int rowsPerStatement = 64;
    bool distinctKeysPerUpsert = false; // one upsert statement may not touch a key twice
    qint64 unlimited = -1;              // the LIMIT value meaning "no limit"

    QString insertOplog(int rows) const;
    // MariaDB's ON DUPLICATE KEY UPDATE that replaces a grade row only when the write beats it,
    // for an INSERT INTO grades(student_id, course_id, grade, ts, origin, seq, attributes)
    // with VALUES or SELECT.
    static QString mariadbUpsertTail();
    // The oplog from position `?` on, at most `?` entries, in columns op, student_id, course_id,
    // grade, ts, origin, seq, wall_ms, id, context.
    QString readOplog() const;
    QString upsertGrades(int rows) const;
    // A page of grade rows in key order: from the first key, or after a bound (student, course).
    QString readGrades(bool fromStart) const;
};

// An identifier (a database's name from a URI) quoted for `engine`'s SQL, its quote character
// doubled: names cannot be bound parameters.
QString quoteSqlIdentifier(SqlEngine engine, const QString& name);
// The statement that makes a store's database on a server.
QString createDatabaseStatement(SqlEngine engine, const QString& name);

// Rollback's step shared by every engine: each touched key's greatest write left in the oplog
// (docs/script-language.md's order), from rollback_keys into rollback_best.
QString rollbackGreatestWrites();
// Its last steps where row values and tuple IN work (SQLite, PostgreSQL): keys left without a
// write lose their row, the others take the greatest write's values (a seed's attributes stay).
QStringList rollbackRewriteGrades();

// A multi-row VALUES list of parameters: `rows` groups of `columns` "?", "(?,?),(?,?)".
QString placeholders(int rows, int columns);

SqlDialect sqliteDialect(bool inMemory);
SqlDialect mariadbDialect();
SqlDialect postgresDialect();

} // namespace syncscope

#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace syncscope {

// Everything that differs between the SQL engines SqlStore serves, in one place: schema DDL,
// the conditional upsert that applies a write only when it beats the row (ts, origin, seq),
// and how many bound parameters one statement may carry. SQLite now; MariaDB and PostgreSQL
// join with their issue.
struct SqlDialect {
    QString driver;          // Qt Sql driver name
    QStringList openPragmas; // run after connecting (file stores)
    QStringList schema;      // idempotent CREATE statements
    // Columns added since the first release, for databases made before them: each probe
    // returns a count that is 0 while its upgrade statement has not run.
    struct Upgrade {
        QString probe;
        QString statement;
    };
    std::vector<Upgrade> upgrades;
    QString claimStoreName;         // records the store's name in syncscope_meta, if none yet
    QStringList rollbackStatements; // Store::rollbackTo, in order, in one transaction
    int rowsPerStatement = 64;
    qint64 unlimited = -1; // the LIMIT value meaning "no limit"

    QString insertOplog(int rows) const;
    // The oplog from position `?` on, at most `?` entries, in columns op, student_id, course_id,
    // grade, ts, origin, seq, wall_ms, id, context.
    QString readOplog() const;
    QString upsertGrades(int rows) const;
};

SqlDialect sqliteDialect(bool inMemory);

} // namespace syncscope

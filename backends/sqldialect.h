#pragma once

#include <QString>
#include <QStringList>

namespace syncscope {

// Everything that differs between the SQL engines SqlStore serves, in one place: schema DDL,
// the conditional upsert that applies a write only when it beats the row (ts, origin, seq),
// and how many bound parameters one statement may carry. SQLite now; MariaDB and PostgreSQL
// join with their issue.
struct SqlDialect {
    QString driver;                 // Qt Sql driver name
    QStringList openPragmas;        // run after connecting (file stores)
    QStringList schema;             // idempotent CREATE statements
    QString claimStoreName;         // records the store's name in syncscope_meta, if none yet
    QStringList rollbackStatements; // Store::rollbackTo, in order, in one transaction
    int rowsPerStatement = 64;
    qint64 unlimited = -1; // the LIMIT value meaning "no limit"

    QString insertOplog(int rows) const;
    QString upsertGrades(int rows) const;
};

SqlDialect sqliteDialect(bool inMemory);

} // namespace syncscope

// What a new user would otherwise do by hand before a server store's first open:
//  - A database that does not exist is created, as the store's own account, when the server
//    lets that account (CREATE DATABASE); when it does not, the error gives the exact
//    statement an administrator runs.
//  - A `grades` table that some other program made (another shape) is refused before
//    anything is created beside it, naming the columns Syncscope needs.
#include "sqlstore.h"

#include <QSqlError>
#include <QSqlQuery>

#include <set>

namespace syncscope {

namespace {

// The server says the database named in the URI does not exist (MariaDB ER_BAD_DB_ERROR;
// PostgreSQL invalid_catalog_name).
bool isMissingDatabase(SqlEngine engine, const QSqlError& e) {
    const QString code = e.nativeErrorCode();
    if (engine == SqlEngine::MariaDb)
        return code == QLatin1String("1049");
    if (engine == SqlEngine::Postgres)
        return code == QLatin1String("3D000") ||
               (e.text().contains(QLatin1String("database \"")) &&
                e.text().contains(QLatin1String("does not exist")));
    return false;
}

// The account may not create databases (MariaDB ER_DBACCESS_DENIED_ERROR,
// ER_ACCESS_DENIED_ERROR; PostgreSQL insufficient_privilege).
bool isRefusedPrivilege(const QSqlError& e) {
    const QString code = e.nativeErrorCode();
    return code == QLatin1String("1044") || code == QLatin1String("1045") ||
           code == QLatin1String("42501") || e.text().contains(QLatin1String("permission denied"));
}

} // namespace

bool SqlStore::canCreateDatabase(const QSqlError& openError) const {
    return options_.engine != SqlEngine::Sqlite && !options_.databaseName.isEmpty() &&
           isMissingDatabase(options_.engine, openError);
}

// Through a connection of its own to the server's always-present database.
Status SqlStore::createDatabase() {
    const QString name = connection_ + QStringLiteral("-create");
    const QString statement = createDatabaseStatement(options_.engine, options_.databaseName);
    QString problem;
    bool refused = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(dialect_.driver, name);
        db.setDatabaseName(options_.engine == SqlEngine::Postgres ? QStringLiteral("postgres")
                                                                  : QString());
        logInTo(db);
        if (!db.open()) {
            problem = db.lastError().text();
            refused = isRefusedPrivilege(db.lastError());
        } else {
            QSqlQuery q(db);
            // PostgreSQL has no IF NOT EXISTS here: another client creating it first is fine.
            if (!q.exec(statement) && q.lastError().nativeErrorCode() != QLatin1String("42P04")) {
                problem = q.lastError().text();
                refused = isRefusedPrivilege(q.lastError());
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (problem.isEmpty())
        return success();
    return error(QStringLiteral("the database %1 does not exist").arg(options_.databaseName),
                 (refused ? QStringLiteral("account %1 may not create it (%2); have an "
                                           "administrator run: %3;")
                          : QStringLiteral("creating it as %1 failed (%2); create it with: %3;"))
                     .arg(options_.server.user, problem.simplified(), statement));
}

// Under the schema lock, before any CREATE: a grades table must be Syncscope's shape.
Status SqlStore::refuseForeignGrades() {
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    if (!q.exec(dialect_.gradesColumns))
        return error(QStringLiteral("cannot inspect the schema"), q.lastError().text());
    std::set<QString> have;
    QStringList listed;
    while (q.next()) {
        have.insert(q.value(0).toString().toLower());
        listed << q.value(0).toString();
    }
    if (have.empty())
        return success(); // a new database
    QStringList lacking;
    for (const char* column : {"student_id", "course_id", "grade", "ts", "origin", "seq"})
        if (!have.count(QLatin1String(column)))
            lacking << QLatin1String(column);
    if (lacking.isEmpty())
        return success();
    return error(QStringLiteral("wrong database"),
                 QStringLiteral("%1 has a table grades that another program made (columns %2; "
                                "it lacks %3); Syncscope needs student_id, course_id, grade, ts, "
                                "origin, seq and attributes, and created nothing: point the store "
                                "at another database")
                     .arg(options_.location, listed.join(QStringLiteral(", ")),
                          lacking.join(QStringLiteral(", "))));
}

} // namespace syncscope

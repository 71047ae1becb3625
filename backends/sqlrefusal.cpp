#include "sqlrefusal.h"

namespace syncscope {

namespace {

// SQLSTATE classes 22 (data exception: a value too long, out of range, not valid text) and
// 23 (integrity constraint violation: CHECK, NOT NULL, UNIQUE, FOREIGN KEY, EXCLUDE); 44, a
// view's WITH CHECK OPTION; P0001 and P0004, what a trigger's RAISE EXCEPTION and ASSERT
// raise. Class 40 (serialization failure, deadlock), 53 (out of resources, too many
// connections), 55 (a lock not available), 57 (operator intervention: a shutdown, a canceled
// statement) and 08 (connection) pass.
bool postgresRefuses(const QString& sqlstate) {
    return sqlstate.startsWith(QLatin1String("22")) || sqlstate.startsWith(QLatin1String("23")) ||
           sqlstate.startsWith(QLatin1String("44")) || sqlstate == QLatin1String("P0001") ||
           sqlstate == QLatin1String("P0004");
}

// MariaDB's error numbers (the driver gives no SQLSTATE). 1205 (lock wait timeout), 1213
// (deadlock), 1040 (too many connections), 1053 (shutting down), 2006 and 2013 (gone away) are
// not among them.
bool mariadbRefuses(const QString& number) {
    switch (number.toInt()) {
    case 1048: // ER_BAD_NULL_ERROR
    case 1062: // ER_DUP_ENTRY: a UNIQUE key another program added
    case 1216: // ER_NO_REFERENCED_ROW
    case 1217: // ER_ROW_IS_REFERENCED
    case 1264: // ER_WARN_DATA_OUT_OF_RANGE
    case 1265: // WARN_DATA_TRUNCATED
    case 1292: // ER_TRUNCATED_WRONG_VALUE
    case 1366: // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    case 1369: // ER_VIEW_CHECK_FAILED
    case 1406: // ER_DATA_TOO_LONG
    case 1451: // ER_ROW_IS_REFERENCED_2
    case 1452: // ER_NO_REFERENCED_ROW_2
    case 1644: // ER_SIGNAL_EXCEPTION: a trigger's SIGNAL SQLSTATE '45000'
    case 3819: // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    case 4025: // ER_CONSTRAINT_FAILED: a CHECK constraint
        return true;
    default:
        return false;
    }
}

// SQLITE_CONSTRAINT (19, with its extended codes: CHECK, NOT NULL, UNIQUE, a trigger's
// RAISE(ABORT)), SQLITE_TOOBIG (18) and SQLITE_MISMATCH (20). SQLITE_BUSY, SQLITE_FULL and
// SQLITE_IOERR pass.
bool sqliteRefuses(const QString& code) {
    const int primary = code.toInt() & 0xff;
    return primary == 18 || primary == 19 || primary == 20;
}

} // namespace

bool refusedByServer(SqlEngine engine, const QString& code) {
    if (code.isEmpty())
        return false;
    switch (engine) {
    case SqlEngine::Postgres:
        return postgresRefuses(code);
    case SqlEngine::MariaDb:
        return mariadbRefuses(code);
    case SqlEngine::Sqlite:
        break;
    }
    return sqliteRefuses(code);
}

} // namespace syncscope

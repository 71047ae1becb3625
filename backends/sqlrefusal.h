#pragma once

#include "sqldialect.h"

#include <QString>

namespace syncscope {

// Whether a server's error code says it refused the statement's rows by a rule of its own
// (StoreError::refused): the same rows would be refused again, whenever they are sent. Every
// other error, known or not, counts as passing (a lost connection, a deadlock, a lock wait that
// timed out, a server shutting down or out of connections), so that a write is never set aside
// for what a later attempt would get through.
//
// `code` is what the driver reports: PostgreSQL's SQLSTATE, MariaDB's error number, SQLite's
// extended result code (QSqlError::nativeErrorCode() gives each of them as text).
bool refusedByServer(SqlEngine engine, const QString& code);

} // namespace syncscope

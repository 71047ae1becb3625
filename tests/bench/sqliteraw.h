#pragma once

// The physical reference for write-back benchmarks: the rows SqlStore would write (grades and
// oplog), inserted with prepared statements in one transaction through the SQLite C API.
#include "benchutil.h"
#include "logrecord.h"

#include <sqlite3.h>

#include <string>
#include <vector>

namespace bench {

// The reference: the schema SqlStore creates, plain INSERTs, one transaction.
inline double rawInsert(const std::string& path, const std::vector<syncscope::LogRecord>& rows) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(
        db,
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE grades (student_id TEXT NOT NULL, course_id TEXT NOT NULL, grade TEXT,"
        " ts INTEGER NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL, attributes TEXT,"
        " PRIMARY KEY (student_id, course_id)) WITHOUT ROWID;"
        "CREATE TABLE oplog (id INTEGER PRIMARY KEY, op TEXT NOT NULL, student_id TEXT NOT NULL,"
        " course_id TEXT NOT NULL, grade TEXT, ts INTEGER NOT NULL, origin TEXT NOT NULL,"
        " seq INTEGER NOT NULL, wall_ms INTEGER NOT NULL);",
        nullptr, nullptr, nullptr);
    sqlite3_stmt* g = nullptr;
    sqlite3_stmt* o = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO grades VALUES (?,?,?,?,?,?,NULL)", -1, &g, nullptr);
    sqlite3_prepare_v2(db,
                       "INSERT INTO oplog(op,student_id,course_id,grade,ts,origin,seq,wall_ms) "
                       "VALUES ('SET',?,?,?,?,?,?,0)",
                       -1, &o, nullptr);
    const double t = seconds([&] {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (const syncscope::LogRecord& r : rows) {
            for (sqlite3_stmt* s : {g, o}) {
                sqlite3_bind_text(s, 1, r.studentId.data(), static_cast<int>(r.studentId.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_text(s, 2, r.courseId.data(), static_cast<int>(r.courseId.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_text(s, 3, r.value.data(), static_cast<int>(r.value.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_int64(s, 4, r.ts);
                sqlite3_bind_text(s, 5, r.origin.data(), static_cast<int>(r.origin.size()),
                                  SQLITE_STATIC);
                sqlite3_bind_int64(s, 6, static_cast<sqlite3_int64>(r.seq));
                sqlite3_step(s);
                sqlite3_reset(s);
            }
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    });
    sqlite3_finalize(g);
    sqlite3_finalize(o);
    sqlite3_close(db);
    return t;
}

} // namespace bench

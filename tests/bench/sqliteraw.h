#pragma once

// The physical reference for write-back benchmarks: the rows SqlStore would write (grades and
// oplog), inserted with prepared statements in one transaction through the SQLite C API.
#include "benchutil.h"
#include "logrecord.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace bench {

// The reference: the schema SqlStore creates, plain INSERTs, one transaction. With
// rowsPerStatement > 1 the rows go in by multi-row INSERTs of that many rows (the rest one by
// one), as SqlStore's SQLite path writes them: a stronger reference, reported beside the plain
// one so that a gain from statement batching is not mistaken for one over the physical floor.
inline double rawInsert(const std::string& path, const std::vector<syncscope::LogRecord>& rows,
                        int rowsPerStatement = 1) {
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
    const auto prepare = [db](std::string head, const char* row, int n) {
        for (int i = 0; i < n; ++i)
            head += (i == 0 ? "" : ",") + std::string(row);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, head.c_str(), -1, &s, nullptr);
        return s;
    };
    const auto statements = [&](int n) {
        return std::array<sqlite3_stmt*, 2>{
            prepare("INSERT INTO grades VALUES ", "(?,?,?,?,?,?,NULL)", n),
            prepare("INSERT INTO oplog(op,student_id,course_id,grade,ts,origin,seq,wall_ms) "
                    "VALUES ",
                    "('SET',?,?,?,?,?,?,0)", n)};
    };
    const size_t many = static_cast<size_t>(std::max(1, rowsPerStatement));
    const std::array<sqlite3_stmt*, 2> one = statements(1), batch = statements(int(many));
    const double t = seconds([&] {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (size_t at = 0; at < rows.size();) {
            const size_t n = rows.size() - at >= many ? many : 1;
            for (sqlite3_stmt* s : n == many ? batch : one) {
                for (size_t k = 0; k < n; ++k) {
                    const syncscope::LogRecord& r = rows[at + k];
                    const int p = static_cast<int>(k) * 6;
                    sqlite3_bind_text(s, p + 1, r.studentId.data(),
                                      static_cast<int>(r.studentId.size()), SQLITE_STATIC);
                    sqlite3_bind_text(s, p + 2, r.courseId.data(),
                                      static_cast<int>(r.courseId.size()), SQLITE_STATIC);
                    sqlite3_bind_text(s, p + 3, r.value.data(), static_cast<int>(r.value.size()),
                                      SQLITE_STATIC);
                    sqlite3_bind_int64(s, p + 4, r.ts);
                    sqlite3_bind_text(s, p + 5, r.origin.data(), static_cast<int>(r.origin.size()),
                                      SQLITE_STATIC);
                    sqlite3_bind_int64(s, p + 6, static_cast<sqlite3_int64>(r.seq));
                }
                sqlite3_step(s);
                sqlite3_reset(s);
            }
            at += n;
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    });
    for (sqlite3_stmt* s : {one[0], one[1], batch[0], batch[1]})
        sqlite3_finalize(s);
    sqlite3_close(db);
    return t;
}

} // namespace bench

#pragma once
// Rows inserted through SQLite's own API by multi-row statements, shared by the stores'
// fast path and the audit log: a statement's own cost (starting, stepping, halting and
// resetting its program) is shared by the rows of one multi-row INSERT.
#include <sqlite3.h>

#include <array>
#include <cstddef>

namespace syncscope {

// Steps `n` rows through `statements`: [1], made for `many` rows, while that many are left,
// then [0], made for one, for the rest. bind(statement, first parameter, row) binds one row's
// `columns` values. False when a step fails (sqlite3_errmsg says why); each statement is reset.
template <class Bind>
bool stepRows(const std::array<sqlite3_stmt*, 2>& statements, size_t many, int columns, size_t n,
              Bind bind) {
    size_t row = 0;
    while (row < n) {
        const bool full = n - row >= many;
        sqlite3_stmt* s = statements[full ? 1 : 0];
        const size_t rows = full ? many : 1;
        for (size_t k = 0; k < rows; ++k)
            bind(s, static_cast<int>(k) * columns + 1, row + k);
        const int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return false;
        row += rows;
    }
    return true;
}

} // namespace syncscope

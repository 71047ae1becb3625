#pragma once

#include "script.h"

#include <string>
#include <vector>

namespace syncscope {

struct SeedRow {
    std::string studentId;
    std::string courseId;
    std::string grade;
    std::string attributes; // the other columns as a compact JSON object
    uint32_t line = 0;
};

struct SeedData {
    std::string fileName;
    std::vector<SeedRow> rows;
    std::vector<ScriptError> errors; // FILE:LINE:COL like script errors, the first ones
    size_t moreErrors = 0;           // past kMaxErrorsShown (errorlist.h): counted only
    std::string formatError(const ScriptError& e) const;
};

// Reads the initial data set of docs/script-language.md: RFC 4180 CSV whose header names the
// student id, course id and grade columns (matched ignoring case, spaces, '-' and '_', so
// "student-ID" and "student_id" both work); every other column is kept as an attribute. Each key
// must be valid and appear once; each grade must be a valid value.
SeedData parseSeedCsv(std::string fileName, std::string_view text);

} // namespace syncscope

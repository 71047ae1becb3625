#pragma once
// The check after a million-row load, shared by the server benchmarks: a verify of the
// applied store against a store given the same rows by other means must find nothing, and a
// verify after planting a missing row and a corrupted value behind Syncscope's back must name
// both. A wrong answer stops the run: a figure for it would be worthless.
#include "benchutil.h"
#include "verifystores.h"

#include <string>

namespace bench {

inline void requireNothingFound(const std::string& figure,
                                const syncscope::Result<syncscope::VerifyReport>& clean) {
    if (!clean || clean.value().findingCount != 0)
        qFatal("bench: %s: verify after the load found %lld differences", figure.c_str(),
               clean ? static_cast<long long>(clean.value().findingCount) : -1LL);
}

// Requires `planted` to name `gone` as missing and `spoilt` as corrupted, then prints the figure
// with the clean pass's time and rows.
inline void reportVerifyAfterLoad(const std::string& figure, const char* input, size_t rows,
                                  double seconds, const syncscope::VerifyReport& clean,
                                  const syncscope::Result<syncscope::VerifyReport>& planted,
                                  const syncscope::LogRecord& gone,
                                  const syncscope::LogRecord& spoilt) {
    using syncscope::VerifyFinding;
    bool missing = false, corrupted = false;
    for (const VerifyFinding& f :
         planted ? planted.value().findings : std::vector<VerifyFinding>{}) {
        missing |= f.kind == VerifyFinding::Kind::Missing && f.studentId == gone.studentId &&
                   f.courseId == gone.courseId;
        corrupted |= f.kind == VerifyFinding::Kind::Corrupted && f.studentId == spoilt.studentId &&
                     f.courseId == spoilt.courseId;
    }
    if (!missing || !corrupted)
        qFatal("bench: %s: the planted missing row and corrupted value were not both found",
               figure.c_str());
    Json(figure)
        .str("input", input)
        .num("rows", static_cast<double>(rows))
        .num("seconds", seconds)
        .num("findings", 0)
        .num("rows_transferred", static_cast<double>(clean.rowsTransferred()))
        .num("planted_found", 2)
        .num("planted_findings", static_cast<double>(planted.value().findingCount))
        .print();
}

} // namespace bench

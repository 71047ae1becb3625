#pragma once
// How many errors of one file (a script, a seed CSV) are kept and shown.
#include "script.h"

#include <string>
#include <vector>

namespace syncscope {

// The first errors in order of place are kept and shown; past them errors are only counted
// ("… and N more errors"), so a file of a million bad lines costs neither memory nor a
// million lines of output. 20, as clang's default error limit: enough to see the pattern.
constexpr size_t kMaxErrorsShown = 20;

// Keeps `error` in `kept` while it holds fewer than kMaxErrorsShown, else counts it in `more`.
void keepError(std::vector<ScriptError>& kept, size_t& more, ScriptError error);

// A file's errors as they are reported: the first kMaxErrorsShown, and how many more.
struct ErrorList {
    std::vector<ScriptError> shown;
    size_t more = 0;

    bool empty() const { return shown.empty(); }
    // Kept when there is room, else counted. Errors come in order of place.
    void add(ScriptError error);
    // `other`'s errors among these, in order of line and column; the first kMaxErrorsShown of
    // both lists are kept (each list keeps its own first ones, so those are among them).
    void merge(std::vector<ScriptError> other, size_t otherMore);
};

// "… and N more errors" (N > 0), or nothing.
std::string moreErrorsLine(size_t more);

} // namespace syncscope

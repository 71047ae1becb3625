#include "errorlist.h"

#include <algorithm>

namespace syncscope {

void keepError(std::vector<ScriptError>& kept, size_t& more, ScriptError error) {
    if (kept.size() < kMaxErrorsShown)
        kept.push_back(std::move(error));
    else
        ++more;
}

void ErrorList::add(ScriptError error) {
    keepError(shown, more, std::move(error));
}

void ErrorList::merge(std::vector<ScriptError> other, size_t otherMore) {
    shown.insert(shown.end(), std::make_move_iterator(other.begin()),
                 std::make_move_iterator(other.end()));
    std::stable_sort(shown.begin(), shown.end(), [](const ScriptError& a, const ScriptError& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    more += otherMore;
    if (shown.size() > kMaxErrorsShown) {
        more += shown.size() - kMaxErrorsShown;
        shown.resize(kMaxErrorsShown);
    }
}

std::string moreErrorsLine(size_t more) {
    if (more == 0)
        return {};
    return "\u2026 and " + std::to_string(more) + (more == 1 ? " more error" : " more errors");
}

} // namespace syncscope

#include "limits.h"

#include <vector>

namespace mongopeer {

bool withinDepth(const bson_t* document, size_t limit, bool skipEmpty) {
    // Each level around another takes at least 7 bytes (length, type, an empty key's NUL, the
    // terminator), the innermost 5: a document shorter than that cannot be too deep, and most
    // are, so they are not walked.
    if (document->len < 5 + 7 * limit)
        return true;
    std::vector<bson_iter_t> frames(1);
    if (!bson_iter_init(&frames.back(), document))
        return true; // unreadable: bson_validate says so afterwards
    while (!frames.empty()) {
        bson_iter_t& it = frames.back();
        if (!bson_iter_next(&it)) {
            frames.pop_back();
            continue;
        }
        if (!BSON_ITER_HOLDS_DOCUMENT(&it) && !BSON_ITER_HOLDS_ARRAY(&it))
            continue;
        bson_iter_t inner;
        if (!bson_iter_recurse(&it, &inner))
            continue;
        if (skipEmpty) {
            bson_iter_t probe = inner;
            if (!bson_iter_next(&probe))
                continue;
        }
        if (frames.size() >= limit)
            return false;
        frames.push_back(inner);
    }
    return true;
}

} // namespace mongopeer

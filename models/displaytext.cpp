#include "displaytext.h"

#include "identifiers.h"
#include "utf8.h"

#include <algorithm>

namespace syncscope {

std::string displayText(std::string_view text, size_t limit) {
    const std::string_view shown = text.substr(0, std::min(text.size(), limit));
    std::string out;
    out.reserve(shown.size());
    for (size_t at = 0; at < shown.size();) {
        // checkUtf8 stops at the first bad sequence, so each byte is looked at once.
        const Utf8Check check = checkUtf8(shown.substr(at));
        if (check.status == Utf8Status::Ok) {
            out.append(shown.substr(at));
            break;
        }
        out.append(shown.substr(at, check.offset));
        static const char hex[] = "0123456789abcdef";
        const auto c = static_cast<unsigned char>(shown[at + check.offset]);
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
        at += check.offset + 1;
    }
    if (shown.size() < text.size())
        out += "\u2026 (" + std::to_string(text.size()) + " bytes)";
    return out;
}

std::string quotedForMessage(std::string_view text) {
    return '\'' + displayText(text, kMaxIdentifierBytes) + '\'';
}

} // namespace syncscope

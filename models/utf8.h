#pragma once

#include <QString>

#include <cstddef>
#include <string_view>

namespace syncscope {

enum class Utf8Status { Ok, Invalid, Control };
struct Utf8Check {
    Utf8Status status = Utf8Status::Ok;
    size_t offset = 0; // byte offset of the first offending sequence
};

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF) that also refuses C0 and C1
// control characters and DEL, which docs/script-language.md excludes from values.
Utf8Check checkUtf8(std::string_view s);

// 1-based column of byteOffset within line, counting code points, for error messages.
size_t columnOf(std::string_view line, size_t byteOffset);

// UTF-8 bytes as a QString (identifiers, grades and server messages cross into Qt this way).
inline QString toQString(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace syncscope

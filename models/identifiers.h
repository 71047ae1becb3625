#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace syncscope {

// The data and naming rules of docs/script-language.md in one place, shared by the script parser,
// the CSV seed reader, the workspace loader and every backend that validates what it is handed.

inline constexpr size_t kMaxIdentifierBytes = 64;
inline constexpr size_t kMaxValueBytes = 64;

inline bool isIdentifierChar(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

// Student and course ids: non-empty, [A-Za-z0-9_.-], at most 64 bytes.
bool isValidIdentifier(std::string_view s);

// Why a value breaks docs/script-language.md, or nullptr when it is a valid grade.
const char* valueProblem(std::string_view v);
inline bool isValidValue(std::string_view v) {
    return valueProblem(v) == nullptr;
}

// A key as messages spell it: "(SID1033,CSE016)".
std::string spellKey(std::string_view studentId, std::string_view courseId);

// Canonical store names: [A-Z][A-Z0-9_]*. Script spellings may be lower case.
bool isCanonicalStoreName(std::string_view s);
std::string upperAscii(std::string_view s);

// The reserved origin of seed (CSV) writes; no store may be named so.
inline constexpr std::string_view kSeedOrigin = "CSV";

// A value that can be written without quotes in a script or an oplog export: non-empty,
// no white space, comma or parenthesis, not starting with a double quote.
bool isBareToken(std::string_view v);
// The value as it appears in a script: bare when it can be, else quoted with \" and \\.
std::string scriptLiteral(std::string_view v);

} // namespace syncscope

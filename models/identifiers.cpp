#include "identifiers.h"

#include "utf8.h"

namespace syncscope {

bool isValidIdentifier(std::string_view s) {
    if (s.empty() || s.size() > kMaxIdentifierBytes)
        return false;
    for (unsigned char c : s)
        if (!isIdentifierChar(c))
            return false;
    return true;
}

const char* valueProblem(std::string_view v) {
    if (v.empty())
        return "value is empty";
    if (v.size() > kMaxValueBytes)
        return "value is longer than 64 bytes";
    Utf8Check check = checkUtf8(v);
    if (check.status == Utf8Status::Invalid)
        return "value is not valid UTF-8";
    if (check.status == Utf8Status::Control)
        return "value contains a control character";
    return nullptr;
}

bool isCanonicalStoreName(std::string_view s) {
    if (s.empty() || !(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

std::string upperAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

bool isBareToken(std::string_view v) {
    if (v.empty() || v.front() == '"')
        return false;
    for (char c : v)
        if (c == ' ' || c == '\t' || c == ',' || c == '(' || c == ')')
            return false;
    return true;
}

std::string scriptLiteral(std::string_view v) {
    if (isBareToken(v))
        return std::string(v);
    std::string out;
    out.reserve(v.size() + 2);
    out.push_back('"');
    for (char c : v) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string spellKey(std::string_view studentId, std::string_view courseId) {
    std::string out;
    out.reserve(studentId.size() + courseId.size() + 3);
    out.append("(").append(studentId).append(",").append(courseId).append(")");
    return out;
}

} // namespace syncscope

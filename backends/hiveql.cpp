#include "hiveql.h"

namespace syncscope {

std::string hiveStringLiteral(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    for (const char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\'':
            out += "\\'";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\0':
            // Three octal digits: a bare \0 followed by digits would read as octal ("\012").
            out += "\\000";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\x1a':
            out += "\\Z";
            break;
        case '$':
            // HiveServer2 replaces ${…} anywhere in a statement's text, literals included
            // (hive.variable.substitute, on by default): "${env:HOME}" would be stored as the
            // server's home folder. Octal \044 reads back as '$' and breaks every "${".
            out += "\\044";
            break;
        default:
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::optional<std::string> hiveIdentifier(std::string_view name) {
    if (name.empty() || name.size() > 128 || (name.front() >= '0' && name.front() <= '9'))
        return std::nullopt;
    for (const char c : name) {
        const bool plain =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!plain)
            return std::nullopt;
    }
    return '`' + std::string(name) + '`';
}

} // namespace syncscope

#pragma once

#include <QString>

namespace syncscope {

// A count and its noun as read aloud: "1 key", "0 keys", "3 keys" (the plural is the noun and
// an s unless given). For every count the program says, instead of "key(s)" or "1 keys".
inline QString countOf(qint64 n, const char* one, const char* many = nullptr) {
    QString noun = QLatin1String(n == 1 || !many ? one : many);
    if (n != 1 && !many)
        noun += QLatin1Char('s');
    return QString::number(n) + QLatin1Char(' ') + noun;
}

} // namespace syncscope

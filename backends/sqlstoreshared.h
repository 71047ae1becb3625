#pragma once
// Helpers SqlStore's source files share (sqlstore.cpp, sqlstorereads.cpp).
#include <QString>
#include <QVariant>

#include <string>

namespace syncscope {

// A column's value as UTF-8 text.
inline std::string stdString(const QVariant& v) {
    return v.toString().toStdString();
}

} // namespace syncscope

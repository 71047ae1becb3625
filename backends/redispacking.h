#pragma once

#include "logrecord.h"

#include <optional>
#include <string>
#include <string_view>

namespace syncscope::redis {

// How a Redis store lays out its rows (RedisStore):
//  - the grades hash's field is "<student_id>,<course_id>". A comma cannot occur in an
//    identifier (docs/script-language.md: [A-Za-z0-9_.-]) and sorts below every character that can,
//    so the fields' byte order is the keys' (student, course) order, which the sorted index
//    (<prefix>:keys, ZRANGE BYLEX) relies on;
//  - the field's value packs the row: "\x01" ts "\x1f" origin "\x1f" seq "\x1f" ('S' grade |
//    'D') "\x1f" attributes. A grade is printable text without control characters
//    (docs/script-language.md), so a value that does not start with \x01 was written by another
//    client
//    (`redis-cli HSET … B`): the outside-write capture looks for exactly those.
std::string field(std::string_view studentId, std::string_view courseId);
bool splitField(std::string_view field, std::string& studentId, std::string& courseId);

std::string pack(const GradeRecord& row);
// nullopt when `packed` is not in Syncscope's layout (an outside write, or damage).
std::optional<GradeRecord> unpack(std::string_view field, std::string_view packed);
bool isPacked(std::string_view value);

} // namespace syncscope::redis

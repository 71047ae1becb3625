#include "redispacking.h"

#include <charconv>
#include <tuple>

namespace syncscope::redis {

namespace {
constexpr char kMark = '\x01';
constexpr char kSep = '\x1f';

template <class Int>
bool parseInt(std::string_view text, Int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// The next kSep-terminated part of `rest`, or false when there is none.
bool takePart(std::string_view& rest, std::string_view& part) {
    const size_t at = rest.find(kSep);
    if (at == std::string_view::npos)
        return false;
    part = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    return true;
}
} // namespace

std::string field(std::string_view studentId, std::string_view courseId) {
    std::string f;
    f.reserve(studentId.size() + courseId.size() + 1);
    f.append(studentId).append(1, ',').append(courseId);
    return f;
}

bool splitField(std::string_view f, std::string& studentId, std::string& courseId) {
    const size_t comma = f.find(',');
    if (comma == std::string_view::npos || f.find(',', comma + 1) != std::string_view::npos)
        return false;
    studentId.assign(f.substr(0, comma));
    courseId.assign(f.substr(comma + 1));
    return !studentId.empty() && !courseId.empty();
}

std::string pack(const GradeRecord& row) {
    std::string out;
    out.reserve(32 + row.origin.size() + row.value.size() + row.attributes.size());
    char digits[24];
    out.push_back(kMark);
    out.append(digits, std::to_chars(digits, digits + sizeof digits, row.ts).ptr);
    out.push_back(kSep);
    out.append(row.origin);
    out.push_back(kSep);
    out.append(digits, std::to_chars(digits, digits + sizeof digits, row.seq).ptr);
    out.push_back(kSep);
    if (row.deleted) {
        out.push_back('D');
    } else {
        out.push_back('S');
        out.append(row.value);
    }
    out.push_back(kSep);
    out.append(row.attributes);
    return out;
}

bool isPacked(std::string_view value) {
    return !value.empty() && value.front() == kMark;
}

std::optional<GradeRecord> unpack(std::string_view f, std::string_view packed) {
    if (!isPacked(packed))
        return std::nullopt;
    GradeRecord g;
    if (!splitField(f, g.studentId, g.courseId))
        return std::nullopt;
    std::string_view rest = packed.substr(1), ts, origin, seq, grade;
    if (!takePart(rest, ts) || !takePart(rest, origin) || !takePart(rest, seq) ||
        !takePart(rest, grade) || grade.empty() || !parseInt(ts, g.ts) || !parseInt(seq, g.seq))
        return std::nullopt;
    g.origin.assign(origin);
    if (grade.front() == 'D' && grade.size() == 1)
        g.deleted = true;
    else if (grade.front() == 'S' && grade.size() > 1)
        g.value.assign(grade.substr(1));
    else
        return std::nullopt;
    g.attributes.assign(rest); // the rest, whatever it holds
    return g;
}

} // namespace syncscope::redis

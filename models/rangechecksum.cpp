#include "rangechecksum.h"

#include <QCryptographicHash>

#include <algorithm>

namespace syncscope {

namespace {
QByteArray md5Of(std::initializer_list<std::string_view> parts) {
    QCryptographicHash hash(QCryptographicHash::Md5);
    bool first = true;
    for (std::string_view p : parts) {
        if (!first)
            hash.addData(QByteArrayView("\x1f", 1));
        first = false;
        hash.addData(QByteArrayView(p.data(), static_cast<qsizetype>(p.size())));
    }
    return hash.result();
}

uint64_t bigEndian(const QByteArray& bytes, int count) {
    uint64_t v = 0;
    for (int i = 0; i < count; ++i)
        v = (v << 8) | static_cast<unsigned char>(bytes[i]);
    return v;
}
} // namespace

uint32_t keyToken(std::string_view studentId, std::string_view courseId) {
    return static_cast<uint32_t>(bigEndian(md5Of({studentId, courseId}), 4));
}

uint64_t rowDigest(std::string_view studentId, std::string_view courseId, std::string_view grade) {
    return bigEndian(md5Of({studentId, courseId, grade}), 8);
}

void addToChecksums(std::vector<RangeChecksum>& ranges, const GradeRecord& row) {
    if (row.deleted || ranges.empty())
        return;
    RangeChecksum& r = ranges[keyToken(row.studentId, row.courseId) % ranges.size()];
    ++r.rows;
    r.digest ^= rowDigest(row.studentId, row.courseId, row.value);
}

uint32_t rangesFor(int64_t liveRows) {
    return static_cast<uint32_t>(std::clamp<int64_t>(liveRows / 64, 16, 65536));
}

} // namespace syncscope

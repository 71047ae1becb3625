#include "auditkeyrows.h"

namespace syncscope {

AuditKeyRows::AuditKeyRows(AuditEntry shared)
    : shared_(std::move(shared)) {
    for (QString* own :
         {&shared_.detail, &shared_.store, &shared_.studentId, &shared_.courseId, &shared_.before,
          &shared_.after, &shared_.winner, &shared_.reason, &shared_.note})
        *own = QString();
}

void AuditKeyRows::reserve(size_t rows, size_t bytesPerRow) {
    bytes_.reserve(rows * bytesPerRow);
    ends_.reserve(rows * kOwnFields);
}

void AuditKeyRows::add(const Fields& fields) {
    for (const std::optional<std::string_view>& f : fields) {
        if (f)
            bytes_ += *f;
        ends_.push_back(f ? bytes_.size() : bytes_.size() | kNull);
    }
}

std::optional<std::string_view> AuditKeyRows::field(size_t row, int f) const {
    const size_t i = row * kOwnFields + static_cast<size_t>(f);
    if (ends_[i] & kNull)
        return std::nullopt;
    const size_t begin = i == 0 ? 0 : ends_[i - 1] & ~kNull;
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
}

AuditEntry AuditKeyRows::entry(size_t row) const {
    AuditEntry e = shared_;
    QString* own[] = {&e.detail, &e.store,  &e.studentId, &e.courseId, &e.before,
                      &e.after,  &e.winner, &e.reason,    &e.note};
    for (int f = 0; f < kOwnFields; ++f) {
        const std::optional<std::string_view> text = field(row, f);
        if (!text)
            *own[f] = QString();
        else if (text->empty())
            *own[f] = QStringLiteral(""); // "" is not NULL
        else
            *own[f] = QString::fromUtf8(text->data(), static_cast<qsizetype>(text->size()));
    }
    return e;
}

} // namespace syncscope

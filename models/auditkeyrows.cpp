#include "auditkeyrows.h"

namespace syncscope {

AuditKeyRows::AuditKeyRows(AuditEntry shared)
    : shared_(std::move(shared)) {
    const auto fields = auditTextFields(shared_);
    for (size_t f = kFirstOwnField; f < fields.size(); ++f)
        *fields[f] = QString();
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
    const auto fields = auditTextFields(e);
    for (int f = 0; f < kOwnFields; ++f) {
        QString* const own = fields[static_cast<size_t>(kFirstOwnField + f)];
        const std::optional<std::string_view> text = field(row, f);
        if (!text)
            *own = QString();
        else if (text->empty())
            *own = QStringLiteral(""); // "" is not NULL
        else
            *own = QString::fromUtf8(text->data(), static_cast<qsizetype>(text->size()));
    }
    return e;
}

} // namespace syncscope

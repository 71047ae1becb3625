#pragma once

#include "auditentry.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// The "key" rows of one merge batch, kept compact: the fields every row shares (kind, at,
// user, workspace, mergeId) once, in an AuditEntry, and each row's own fields as UTF-8 in one
// buffer. A million-key merge audits a million rows; made as AuditEntries they cost a dozen
// allocations each on the engine's thread, freed again on the audit's, which took more of the
// two cores than the store's own write of the merge. AuditLog::appendKeyRows writes them
// exactly as it would write entry(0), entry(1), … (same fields, links and hashes).
class AuditKeyRows {
public:
    // A row's own fields, the rest of the chain order: detail, store, student_id, course_id,
    // before, after, winner, reason, note. nullopt is NULL.
    static constexpr int kOwnFields = 9;
    static constexpr int kFirstOwnField = AuditHashInput::kTextFields - kOwnFields;
    using Fields = std::array<std::optional<std::string_view>, kOwnFields>;

    AuditKeyRows() = default;
    explicit AuditKeyRows(AuditEntry shared); // its own fields are ignored
    const AuditEntry& shared() const { return shared_; }

    void reserve(size_t rows, size_t bytesPerRow);
    void add(const Fields& fields);
    size_t size() const { return ends_.size() / kOwnFields; }
    bool empty() const { return ends_.empty(); }
    // Own field f (0 = detail … 8 = note) of a row.
    std::optional<std::string_view> field(size_t row, int f) const;
    // The row as a full entry, as append() takes it (no id or hashes yet).
    AuditEntry entry(size_t row) const;

private:
    static constexpr size_t kNull = size_t(1) << 63; // marks a NULL field's end offset
    AuditEntry shared_;
    std::string bytes_;
    std::vector<size_t> ends_; // each field's end in bytes_, kNull set when it is NULL
};

} // namespace syncscope

#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringEncoder>

#include <array>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// One row of the audit log: a merge ("merge", its request in `detail` as JSON), a
// key it changed ("key": target store, key, values before and after, winner, reason, note), its
// end ("end": how it finished) and a compensating write ("revert" of an earlier key row); a
// "reset" row records that Script > Reset rolled every store back.
// Rows are hash-chained: `hash` covers every other field and the previous row's hash, so an
// edited, inserted or deleted row breaks the chain from there on.
struct AuditEntry {
    int64_t id = 0;      // chain order, from 1
    int64_t mergeId = 0; // the id of the merge row this row belongs to
    QString kind;        // merge | key | end | revert | reset
    QString at;          // ISO-8601 UTC, milliseconds
    QString user;        // the OS user
    QString workspace;
    QString detail; // JSON: the request (merge), the outcome (end), the reverted row (revert)
    QString store;  // key/revert rows: the target store
    QString studentId;
    QString courseId;
    QString before; // null: the key was absent (never written, or deleted)
    QString after;
    QString winner; // the store whose value won, or "typed"
    QString reason; // decisionReasonId
    QString note;   // the user's words
    QString prevHash;
    QString hash;
};

inline const QString kAuditGenesis = QString(64, QLatin1Char('0'));

// The text fields in chain order (kind … note): the order of the hash, the file's columns and
// the exports. For a const entry, pointers to const.
template <class Entry>
auto auditTextFields(Entry& e) {
    return std::array{&e.kind,   &e.at,        &e.user,     &e.workspace, &e.detail,
                      &e.store,  &e.studentId, &e.courseId, &e.before,    &e.after,
                      &e.winner, &e.reason,    &e.note};
}

// The bytes an entry's hash covers, which are part of the audit file's format: `prevHash`, id,
// mergeId, then the text fields in chain order (kind … note), each followed by 0x1F; a NULL
// field is written as the two bytes 0x00 'N', so an absent value differs from "". The hash is
// SHA-256 over them, in hex (auditchain.h, in backends: the fast SHA-256 is OpenSSL's).
// One instance is reused for every entry of an append, so a million-row merge does not
// allocate per row, and the same UTF-8 is both hashed and stored.
class AuditHashInput {
public:
    static constexpr int kTextFields = 13;
    void encode(const AuditEntry& e); // replaces the previous entry's bytes
    // The same, field by field: begin(), then the kTextFields text fields in chain order.
    void begin(std::string_view prevHash, int64_t id, int64_t mergeId); // prevHash: hex
    void addField(const QString& text);                                 // a null QString is NULL
    void addField(std::optional<std::string_view> utf8);                // nullopt is NULL
    QByteArrayView bytes() const {
        return {buffer_.data(), static_cast<qsizetype>(buffer_.size())};
    }
    // Text field i of the chain order as UTF-8; a null view for a NULL field.
    QByteArrayView field(int i) const;
    // The previous entry's hash the row links to, as given to begin().
    QByteArrayView link() const { return {buffer_.data(), static_cast<qsizetype>(linkSize_)}; }

private:
    void appendUtf8(QStringView text);
    void endField(size_t start, bool isNull);
    std::string buffer_;
    size_t linkSize_ = 0;
    int next_ = 0;                                                // the next field's index
    std::array<std::pair<size_t, size_t>, kTextFields> fields_{}; // offset and size in buffer_
    std::array<bool, kTextFields> null_{};
    QStringEncoder utf8_{QStringEncoder::Utf8, QStringEncoder::Flag::Stateless};
};

// Where a chain breaks: 0 when every row's hash and link check out.
struct AuditChainCheck {
    int64_t brokenAt = 0;
    QString problem; // in words, naming the row
    size_t checked = 0;
    int64_t lastId = 0; // the last entry checked, to continue from
    QString lastHash = kAuditGenesis;
    bool ok() const { return brokenAt == 0; }
};

// Exports for auditors: CSV (RFC 4180, one row per entry), JSON (an array of objects) and a
// self-contained HTML report (inline style, every user string escaped).
QByteArray auditToCsv(const std::vector<AuditEntry>& entries);
QByteArray auditToJson(const std::vector<AuditEntry>& entries);
QByteArray auditToHtml(const std::vector<AuditEntry>& entries, const QString& title);

} // namespace syncscope

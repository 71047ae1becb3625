#include "auditentry.h"

#include "textoutput.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace syncscope {

namespace {

// The text fields in chain order, with the column names the exports use.
std::array<std::pair<const char*, const QString*>, 13> fieldsOf(const AuditEntry& e) {
    static constexpr const char* kNames[] = {
        "kind",      "at",     "user",  "workspace", "detail", "store", "student_id",
        "course_id", "before", "after", "winner",    "reason", "note"};
    const auto fields = auditTextFields(e);
    std::array<std::pair<const char*, const QString*>, 13> named;
    for (size_t i = 0; i < named.size(); ++i)
        named[i] = {kNames[i], fields[i]};
    return named;
}

} // namespace

void AuditHashInput::appendUtf8(QStringView text) {
    // UTF-8 takes at most three bytes per UTF-16 unit (a surrogate pair: four for two).
    const size_t start = buffer_.size();
    buffer_.resize(start + 3 * static_cast<size_t>(text.size()));
    char* end = utf8_.appendToBuffer(buffer_.data() + start, text);
    buffer_.resize(static_cast<size_t>(end - buffer_.data()));
}

void AuditHashInput::begin(std::string_view prevHash, int64_t id, int64_t mergeId) {
    buffer_.clear(); // keeps its capacity
    next_ = 0;
    buffer_ += prevHash;
    linkSize_ = prevHash.size();
    buffer_ += '\x1f';
    buffer_ += std::to_string(id);
    buffer_ += '\x1f';
    buffer_ += std::to_string(mergeId);
    buffer_ += '\x1f';
}

void AuditHashInput::endField(size_t start, bool isNull) {
    const size_t i = static_cast<size_t>(next_++);
    null_[i] = isNull;
    fields_[i] = {start, buffer_.size() - start};
    buffer_ += '\x1f';
}

void AuditHashInput::addField(const QString& text) {
    const size_t start = buffer_.size();
    if (text.isNull())
        buffer_.append("\0N", 2);
    else
        appendUtf8(text);
    endField(start, text.isNull());
}

void AuditHashInput::addField(std::optional<std::string_view> utf8) {
    const size_t start = buffer_.size();
    if (!utf8)
        buffer_.append("\0N", 2);
    else
        buffer_ += *utf8;
    endField(start, !utf8);
}

void AuditHashInput::encode(const AuditEntry& e) {
    begin(e.prevHash.toStdString(), e.id, e.mergeId);
    for (const auto& [name, field] : fieldsOf(e))
        addField(*field);
}

QByteArrayView AuditHashInput::field(int i) const {
    const size_t f = static_cast<size_t>(i);
    if (null_[f])
        return {};
    return {buffer_.data() + fields_[f].first, static_cast<qsizetype>(fields_[f].second)};
}

QByteArray auditToCsv(const std::vector<AuditEntry>& entries) {
    std::string out = "id,merge_id";
    for (const auto& [name, field] : fieldsOf(AuditEntry{}))
        out += std::string(",") + name;
    out += ",prev_hash,hash\r\n";
    for (const AuditEntry& e : entries) {
        out += std::to_string(e.id) + "," + std::to_string(e.mergeId);
        for (const auto& [name, field] : fieldsOf(e)) {
            out += ',';
            appendCsvField(out, field->toStdString());
        }
        out += "," + e.prevHash.toStdString() + "," + e.hash.toStdString() + "\r\n";
    }
    return QByteArray::fromStdString(out);
}

QByteArray auditToJson(const std::vector<AuditEntry>& entries) {
    QJsonArray array;
    for (const AuditEntry& e : entries) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), static_cast<qint64>(e.id));
        o.insert(QStringLiteral("merge_id"), static_cast<qint64>(e.mergeId));
        for (const auto& [name, field] : fieldsOf(e))
            o.insert(QLatin1String(name),
                     field->isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(*field));
        o.insert(QStringLiteral("prev_hash"), e.prevHash);
        o.insert(QStringLiteral("hash"), e.hash);
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

QByteArray auditToHtml(const std::vector<AuditEntry>& entries, const QString& title) {
    QString html =
        QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>\n"
                       "<style>body{font:14px sans-serif;margin:2em}table{border-collapse:"
                       "collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;"
                       "vertical-align:top}tr.merge{background:#eef}tr.end{background:#efe}"
                       "tr.revert{background:#fee}code{font-size:12px}</style></head><body>\n"
                       "<h1>%1</h1>\n<p>%2 entries, hash-chained (SHA-256).</p>\n<table><tr>"
                       "<th>id</th><th>merge_id</th>")
            .arg(title.toHtmlEscaped())
            .arg(entries.size());
    for (const auto& [name, field] : fieldsOf(AuditEntry{}))
        html += QStringLiteral("<th>%1</th>").arg(QLatin1String(name));
    html += QStringLiteral("<th>hash</th></tr>\n");
    for (const AuditEntry& e : entries) {
        html += QStringLiteral("<tr class=\"%1\"><td>%2</td><td>%3</td>")
                    .arg(e.kind.toHtmlEscaped())
                    .arg(e.id)
                    .arg(e.mergeId);
        for (const auto& [name, field] : fieldsOf(e))
            html += QStringLiteral("<td>%1</td>")
                        .arg(field->isNull() ? QStringLiteral("<i>absent</i>")
                                             : field->toHtmlEscaped());
        html += QStringLiteral("<td><code>%1</code></td></tr>\n").arg(e.hash.left(16));
    }
    html += QStringLiteral("</table></body></html>\n");
    return html.toUtf8();
}

} // namespace syncscope

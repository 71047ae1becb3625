#include "auditentry.h"

#include "seedformat.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace syncscope {

namespace {

// The text fields in chain order (after id and merge_id), with the column names the exports
// use.
std::array<std::pair<const char*, const QString*>, 13> fieldsOf(const AuditEntry& e) {
    return {{{"kind", &e.kind},
             {"at", &e.at},
             {"user", &e.user},
             {"workspace", &e.workspace},
             {"detail", &e.detail},
             {"store", &e.store},
             {"student_id", &e.studentId},
             {"course_id", &e.courseId},
             {"before", &e.before},
             {"after", &e.after},
             {"winner", &e.winner},
             {"reason", &e.reason},
             {"note", &e.note}}};
}

} // namespace

QString auditHash(const AuditEntry& e) {
    QCryptographicHash h(QCryptographicHash::Sha256);
    const auto add = [&h](const QByteArray& bytes) {
        h.addData(bytes);
        h.addData(QByteArrayView("\x1f", 1));
    };
    add(e.prevHash.toLatin1());
    add(QByteArray::number(static_cast<qlonglong>(e.id)));
    add(QByteArray::number(static_cast<qlonglong>(e.mergeId)));
    for (const auto& [name, field] : fieldsOf(e))
        add(field->isNull() ? QByteArray("\0N", 2) : field->toUtf8()); // NULL ≠ ""
    return QString::fromLatin1(h.result().toHex());
}

void continueAuditChain(AuditChainCheck& check, const std::vector<AuditEntry>& entries) {
    for (const AuditEntry& e : entries) {
        if (!check.ok())
            return;
        const int64_t expected = check.lastId + 1;
        if (e.id != expected)
            check.problem =
                QStringLiteral("entry %1 is missing (the next one is %2)").arg(expected).arg(e.id);
        else if (e.prevHash != check.lastHash)
            check.problem =
                QStringLiteral("entry %1 does not link to entry %2: an entry was removed or "
                               "replaced")
                    .arg(e.id)
                    .arg(check.lastId);
        else if (auditHash(e) != e.hash)
            check.problem =
                QStringLiteral("entry %1 was changed after it was written (its hash no longer "
                               "matches its fields)")
                    .arg(e.id);
        if (!check.problem.isEmpty()) {
            check.brokenAt = expected;
            return;
        }
        check.lastId = e.id;
        check.lastHash = e.hash;
        ++check.checked;
    }
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

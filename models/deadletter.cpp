#include "deadletter.h"

#include "displaytext.h"
#include "identifiers.h"
#include "utf8.h"

#include <QJsonValue>

namespace syncscope {

namespace {

void putBytes(QJsonObject& json, const QString& name, const std::string& bytes) {
    const QString text = toQString(bytes);
    if (text.toStdString() == bytes)
        json.insert(name, text);
    else
        json.insert(name + QStringLiteral("_base64"),
                    QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64()));
}

// False when neither spelling is there or the base64 is not base64.
bool takeBytes(const QJsonObject& json, const QString& name, std::string& bytes) {
    const QJsonValue text = json.value(name);
    if (text.isString()) {
        bytes = text.toString().toStdString();
        return true;
    }
    const QJsonValue coded = json.value(name + QStringLiteral("_base64"));
    if (!coded.isString())
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(coded.toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    bytes = decoded.decoded.toStdString();
    return true;
}

} // namespace

QString DeadLetter::describe() const {
    // Names as they are when they are valid; quoted with their bad bytes spelled out if not.
    const auto name = [](const std::string& s, bool valid) {
        return valid ? s : quotedForMessage(s);
    };
    std::string out = name(write.origin, isCanonicalStoreName(write.origin)) + ':' +
                      std::to_string(write.seq) + ' ' + entryKindName(write.kind) + " (" +
                      name(write.studentId, isValidIdentifier(write.studentId)) + ',' +
                      name(write.courseId, isValidIdentifier(write.courseId)) + ')';
    if (write.hasValue)
        out += " = " + quotedForMessage(write.value);
    return toQString(out);
}

QJsonObject DeadLetter::toJson() const {
    QJsonObject json{{QStringLiteral("op"), QLatin1String(entryKindName(write.kind))},
                     {QStringLiteral("ts"), static_cast<qint64>(write.ts)},
                     {QStringLiteral("seq"), static_cast<qint64>(write.seq)},
                     {QStringLiteral("wall_ms"), static_cast<qint64>(write.wallMs)},
                     {QStringLiteral("position"), static_cast<qint64>(write.position)},
                     {QStringLiteral("reason"), reason},
                     {QStringLiteral("set_aside_ms"), atMs}};
    putBytes(json, QStringLiteral("origin"), write.origin);
    putBytes(json, QStringLiteral("student_id"), write.studentId);
    putBytes(json, QStringLiteral("course_id"), write.courseId);
    if (write.hasValue)
        putBytes(json, QStringLiteral("grade"), write.value);
    if (!write.context.empty())
        putBytes(json, QStringLiteral("context"), write.context);
    if (!write.attributes.empty())
        putBytes(json, QStringLiteral("attributes"), write.attributes);
    return json;
}

std::optional<DeadLetter> DeadLetter::fromJson(const QJsonObject& json, QString& error) {
    DeadLetter d;
    if (!entryKindFromName(json.value(QStringLiteral("op")).toString().toStdString(),
                           d.write.kind) ||
        !d.write.isWrite()) {
        error = QStringLiteral("a set-aside write has no op (SET, DELETE or SEED)");
        return std::nullopt;
    }
    if (!takeBytes(json, QStringLiteral("origin"), d.write.origin) ||
        !takeBytes(json, QStringLiteral("student_id"), d.write.studentId) ||
        !takeBytes(json, QStringLiteral("course_id"), d.write.courseId)) {
        error = QStringLiteral("a set-aside write lacks its origin, student_id or course_id");
        return std::nullopt;
    }
    d.write.hasValue = takeBytes(json, QStringLiteral("grade"), d.write.value);
    takeBytes(json, QStringLiteral("context"), d.write.context);
    takeBytes(json, QStringLiteral("attributes"), d.write.attributes);
    const qint64 seq = json.value(QStringLiteral("seq")).toInteger(-1);
    if (seq < 0) {
        error = QStringLiteral("a set-aside write has no seq (a whole number from 0)");
        return std::nullopt;
    }
    d.write.seq = static_cast<uint64_t>(seq);
    d.write.ts = json.value(QStringLiteral("ts")).toInteger();
    d.write.wallMs = json.value(QStringLiteral("wall_ms")).toInteger();
    d.write.position = json.value(QStringLiteral("position")).toInteger();
    d.reason = json.value(QStringLiteral("reason")).toString();
    d.atMs = json.value(QStringLiteral("set_aside_ms")).toInteger();
    return d;
}

} // namespace syncscope

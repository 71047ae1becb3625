#include "followstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace syncscope {

int64_t FollowState::resumeAt(const QString& sourceLocationNow, const QString& target,
                              const QString& targetLocation) const {
    if (sourceLocationNow != sourceLocation)
        return 0;
    const auto t = targets.find(target);
    return t == targets.end() || t->second.location != targetLocation ? 0 : t->second.position;
}

QByteArray FollowState::toJson() const {
    QJsonObject to;
    for (const auto& [name, t] : targets) {
        QJsonObject target{{QStringLiteral("location"), t.location},
                           {QStringLiteral("position"), static_cast<qint64>(t.position)}};
        if (!t.deadLetters.empty()) {
            QJsonArray letters;
            for (const DeadLetter& d : t.deadLetters)
                letters.append(d.toJson());
            target.insert(QStringLiteral("deadLetters"), letters);
        }
        to.insert(name, target);
    }
    const QJsonObject root{{QStringLiteral("source"), source},
                           {QStringLiteral("sourceLocation"), sourceLocation},
                           {QStringLiteral("targets"), to}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<FollowState> FollowState::fromJson(const QByteArray& json, QString& error) {
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError) {
        error =
            QStringLiteral("not JSON at offset %1: %2").arg(parse.offset).arg(parse.errorString());
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(QStringLiteral("source")).isString() ||
        !root.value(QStringLiteral("targets")).isObject()) {
        error = QStringLiteral("not a follow state (no \"source\" and \"targets\")");
        return std::nullopt;
    }
    FollowState s;
    s.source = root.value(QStringLiteral("source")).toString();
    s.sourceLocation = root.value(QStringLiteral("sourceLocation")).toString();
    const QJsonObject to = root.value(QStringLiteral("targets")).toObject();
    for (auto it = to.begin(); it != to.end(); ++it) {
        const QJsonObject t = it.value().toObject();
        // A whole number that fits: toInteger refuses 1.5 and 1e95 (found by fuzz_workspace:
        // casting such a double to int64 was undefined behaviour).
        const qint64 position = t.value(QStringLiteral("position")).toInteger(-1);
        if (position < 0) {
            error =
                QStringLiteral("target %1 has no position (a whole number from 0)").arg(it.key());
            return std::nullopt;
        }
        Target& target = s.targets[it.key()];
        target.location = t.value(QStringLiteral("location")).toString();
        target.position = position;
        for (const QJsonValue& letter : t.value(QStringLiteral("deadLetters")).toArray()) {
            QString why;
            std::optional<DeadLetter> d = DeadLetter::fromJson(letter.toObject(), why);
            if (!d) {
                error = QStringLiteral("target %1: %2").arg(it.key(), why);
                return std::nullopt;
            }
            target.deadLetters.push_back(std::move(*d));
        }
    }
    return s;
}

} // namespace syncscope

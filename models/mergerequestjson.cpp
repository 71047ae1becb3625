#include "mergerequestjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace syncscope {

namespace {

QJsonArray namesOf(const std::vector<size_t>& stores, const QStringList& names) {
    QJsonArray out;
    for (size_t s : stores)
        out.append(names[static_cast<qsizetype>(s)]);
    return out;
}

// Fills `stores` from a JSON array of names; returns the first unknown name, or "".
QString indexesOf(const QJsonValue& array, const QStringList& names, std::vector<size_t>& stores) {
    for (const QJsonValue& v : array.toArray()) {
        const qsizetype i = names.indexOf(v.toString());
        if (i < 0)
            return v.toString();
        stores.push_back(static_cast<size_t>(i));
    }
    return {};
}

} // namespace

QString mergeRequestToJson(const MergeRequest& request, const ManualPicks& picks,
                           const QStringList& storeNames) {
    QJsonObject o;
    o.insert(QStringLiteral("operation"),
             request.fullSync ? QStringLiteral("FULL_SYNC") : QStringLiteral("MERGE"));
    o.insert(QStringLiteral("targets"), namesOf(request.targets, storeNames));
    o.insert(QStringLiteral("sources"), namesOf(request.sources, storeNames));
    o.insert(QStringLiteral("strategy"), QString::fromUtf8(mergeStrategyId(request.strategy)));
    o.insert(QStringLiteral("priority"), namesOf(request.priority, storeNames));
    QJsonArray pickArray;
    for (const auto& [key, pick] : picks) {
        QJsonObject p;
        p.insert(QStringLiteral("student_id"), key.first);
        p.insert(QStringLiteral("course_id"), key.second);
        p.insert(QStringLiteral("kind"), static_cast<int>(pick.kind));
        p.insert(QStringLiteral("store"), storeNames[static_cast<qsizetype>(pick.store)]);
        p.insert(QStringLiteral("value"),
                 pick.value.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(pick.value));
        p.insert(QStringLiteral("note"), pick.note);
        pickArray.append(p);
    }
    o.insert(QStringLiteral("picks"), pickArray);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString mergeRequestFromJson(const QString& json, const QStringList& storeNames,
                             MergeRequest& request, ManualPicks& picks) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (!doc.isObject())
        return QStringLiteral("the merge's record is not JSON: %1").arg(error.errorString());
    const QJsonObject o = doc.object();
    request = MergeRequest{};
    picks.clear();
    request.fullSync =
        o.value(QStringLiteral("operation")).toString() == QLatin1String("FULL_SYNC");
    if (!parseMergeStrategy(o.value(QStringLiteral("strategy")).toString().toStdString(),
                            request.strategy))
        return QStringLiteral("unknown strategy %1")
            .arg(o.value(QStringLiteral("strategy")).toString());
    for (const auto& [field, stores] : {std::pair{QStringLiteral("targets"), &request.targets},
                                        std::pair{QStringLiteral("sources"), &request.sources},
                                        std::pair{QStringLiteral("priority"), &request.priority}})
        if (const QString unknown = indexesOf(o.value(field), storeNames, *stores);
            !unknown.isEmpty())
            return QStringLiteral("store %1 is not in this workspace").arg(unknown);
    for (const QJsonValue& v : o.value(QStringLiteral("picks")).toArray()) {
        const QJsonObject p = v.toObject();
        ManualPick pick;
        const int kind = p.value(QStringLiteral("kind")).toInt(-1);
        if (kind < 0 || kind > static_cast<int>(ManualChoice::Kind::TypeValue))
            return QStringLiteral("a decision of unknown kind");
        pick.kind = static_cast<ManualChoice::Kind>(kind);
        const qsizetype store = storeNames.indexOf(p.value(QStringLiteral("store")).toString());
        if (store < 0)
            return QStringLiteral("store %1 is not in this workspace")
                .arg(p.value(QStringLiteral("store")).toString());
        pick.store = static_cast<size_t>(store);
        if (!p.value(QStringLiteral("value")).isNull())
            pick.value = p.value(QStringLiteral("value")).toString();
        pick.note = p.value(QStringLiteral("note")).toString();
        picks[{p.value(QStringLiteral("student_id")).toString(),
               p.value(QStringLiteral("course_id")).toString()}] = pick;
    }
    return {};
}

} // namespace syncscope

#include "workspacefile.h"

#include "displayuri.h"
#include "identifiers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

namespace syncscope {

namespace {
WorkspaceFile failed(const QString& origin, const QString& message) {
    WorkspaceFile w;
    w.error = displayUri(origin) + QStringLiteral(": ") + message;
    return w;
}
} // namespace

QByteArray WorkspaceFile::toJson(const std::vector<StoreSpec>& stores) {
    QJsonArray list;
    for (const StoreSpec& s : stores) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), QString::fromStdString(s.name));
        if (!s.aliases.empty()) {
            QJsonArray aliases;
            for (const std::string& a : s.aliases)
                aliases.append(QString::fromStdString(a));
            o.insert(QStringLiteral("aliases"), aliases);
        }
        o.insert(QStringLiteral("uri"), QString::fromStdString(s.uri));
        list.append(o);
    }
    QJsonObject root;
    root.insert(QStringLiteral("stores"), list);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString WorkspaceFile::save(const QString& path, const std::vector<StoreSpec>& stores) {
    QSaveFile file(path);
    const QByteArray json = toJson(stores);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return displayUri(path) + QStringLiteral(": ") + file.errorString();
    return {};
}

WorkspaceFile WorkspaceFile::load(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failed(path, QStringLiteral("cannot read the workspace: ") + file.errorString());
    return fromJson(file.readAll(), path);
}

WorkspaceFile WorkspaceFile::fromJson(const QByteArray& json, const QString& origin) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull())
        return failed(origin, QStringLiteral("invalid JSON at offset %1: %2")
                                  .arg(parseError.offset)
                                  .arg(parseError.errorString()));
    const QJsonValue storesValue = doc.object().value(QStringLiteral("stores"));
    if (!doc.isObject() || !storesValue.isArray() || storesValue.toArray().isEmpty())
        return failed(
            origin, QStringLiteral("expected {\"stores\": [ {\"name\": ..., \"uri\": ...}, ... ]} "
                                   "with at least one store"));
    WorkspaceFile w;
    QSet<QString> taken;
    const QJsonArray stores = storesValue.toArray();
    if (static_cast<size_t>(stores.size()) > kMaxStores)
        return failed(origin, QStringLiteral("store %1: a workspace holds at most %2 stores (this "
                                             "one has %3; docs/cli.md#limits)")
                                  .arg(kMaxStores + 1)
                                  .arg(kMaxStores)
                                  .arg(stores.size()));
    for (qsizetype i = 0; i < stores.size(); ++i) {
        const QJsonObject o = stores.at(i).toObject();
        const QString where = QStringLiteral("store %1").arg(i + 1);
        const QString name = o.value(QStringLiteral("name")).toString();
        if (!isCanonicalStoreName(name.toStdString()))
            return failed(
                origin,
                where + QStringLiteral(": name '%1' is not [A-Z][A-Z0-9_]*").arg(displayUri(name)));
        if (name == QLatin1String(kSeedOrigin.data(), static_cast<qsizetype>(kSeedOrigin.size())))
            return failed(origin, where + QStringLiteral(": CSV is reserved for seed data"));
        StoreSpec spec;
        spec.name = name.toStdString();
        QStringList names{name};
        for (const QJsonValue& a : o.value(QStringLiteral("aliases")).toArray()) {
            const QString alias = a.toString().toUpper();
            if (!isCanonicalStoreName(alias.toStdString()))
                return failed(origin, where + QStringLiteral(": alias '%1' is not a store name")
                                                  .arg(displayUri(a.toString())));
            names << alias;
            spec.aliases.push_back(alias.toStdString());
        }
        for (const QString& n : names) {
            if (taken.contains(n))
                return failed(origin, where + QStringLiteral(": the name %1 is used twice").arg(n));
            taken.insert(n);
        }
        const QString uri = o.value(QStringLiteral("uri")).toString();
        // Also a URI Qt cannot read: the password check must not skip what the later host
        // check would refuse, nor any check print it (docs/backends.md#passwords).
        if (uriMayHoldPassword(uri))
            return failed(origin, where + QStringLiteral(": passwords never live in the workspace "
                                                         "file; remove it from the URI (%1)")
                                              .arg(displayUri(uri)));
        spec.uri = uri.toStdString();
        w.stores.push_back(std::move(spec));
    }
    return w;
}

} // namespace syncscope

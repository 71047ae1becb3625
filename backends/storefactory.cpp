#include "storefactory.h"

#include "sqlstore.h"

#include <QDir>

namespace syncscope {

namespace {
const QString kMemory = QStringLiteral("sqlite::memory:");
const QString kSqliteFile = QStringLiteral("sqlite://");

QString schemeOf(const QString& uri) {
    const qsizetype colon = uri.indexOf(QLatin1Char(':'));
    return colon <= 0 ? QString() : uri.left(colon).toLower();
}
} // namespace

const QList<BackendDescription>& StoreFactory::backends() {
    static const QList<BackendDescription> list = {
        {QStringLiteral("sqlite"),
         QStringLiteral("SQLite"),
         QStringLiteral("sqlite:///abs/path.db or sqlite::memory:"),
         true,
         {}},
        {QStringLiteral("mysql"), QStringLiteral("MySQL/MariaDB"),
         QStringLiteral("mysql://user@host:port/db"), false,
         QStringLiteral("the MySQL/MariaDB backend is not built yet (issue 5)")},
        {QStringLiteral("postgresql"), QStringLiteral("PostgreSQL"),
         QStringLiteral("postgresql://user@host:port/db"), false,
         QStringLiteral("the PostgreSQL backend is not built yet (issue 5)")},
        {QStringLiteral("hive2"), QStringLiteral("Apache Hive"),
         QStringLiteral("hive2://host:port/db?auth=NOSASL|PLAIN"), false,
         QStringLiteral("the Hive backend is not built yet (issue 6)")},
        {QStringLiteral("mongodb"), QStringLiteral("MongoDB"),
         QStringLiteral("mongodb://host:port/db"), false,
         QStringLiteral("the MongoDB backend is not built yet (issue 7)")},
        {QStringLiteral("redis"), QStringLiteral("Redis"), QStringLiteral("redis://host:port/N"),
         false, QStringLiteral("the Redis backend is not built yet (issue 8)")},
    };
    return list;
}

QString StoreFactory::checkUri(const QString& uri) {
    if (uri.isEmpty() || uri == kMemory)
        return {};
    const QString scheme = schemeOf(uri);
    for (const BackendDescription& b : backends()) {
        if (b.scheme != scheme)
            continue;
        if (!b.available)
            return QStringLiteral("%1: %2").arg(uri, b.unavailableReason);
        if (scheme == QLatin1String("sqlite")) {
            if (!uri.startsWith(kSqliteFile) || !QDir::isAbsolutePath(uri.mid(kSqliteFile.size())))
                return QStringLiteral("%1: expected sqlite:///absolute/path.db or sqlite::memory:")
                    .arg(uri);
        }
        return {};
    }
    return QStringLiteral("%1: unknown scheme '%2' (expected sqlite, mysql, postgresql, mongodb, "
                          "hive2 or redis)")
        .arg(uri, scheme);
}

Result<std::unique_ptr<Store>> StoreFactory::create(const QString& name, const QString& uri) {
    if (const QString problem = checkUri(uri); !problem.isEmpty())
        return StoreError{name, problem, false};
    SqlStore::Options o;
    o.name = name;
    if (uri.isEmpty() || uri == kMemory) {
        o.databaseName = QStringLiteral(":memory:");
        o.location = QStringLiteral("in memory");
        o.inMemory = true;
    } else {
        o.databaseName = uri.mid(kSqliteFile.size());
        o.location = o.databaseName;
    }
    return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(o)));
}

} // namespace syncscope

#include "storefactory.h"

#include "displayuri.h"
#include "hiveql.h"
#include "hivestore.h"
#include "mongostore.h"
#include "redisstore.h"
#include "sqlstore.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QUrl>
#include <QUrlQuery>

namespace syncscope {

namespace {
const QString kMemory = QStringLiteral("sqlite::memory:");
const QString kSqliteFile = QStringLiteral("sqlite://");

bool isTimeoutOption(const QString& key) {
    return key == QLatin1String("connect_timeout") || key == QLatin1String("read_timeout");
}

// The seconds a connect_timeout or read_timeout option gives (1 to 3600); 0 with `problem`.
int timeoutSeconds(const QString& key, const QString& value, QString& problem) {
    bool ok = false;
    const int seconds = value.toInt(&ok);
    if (ok && seconds > 0 && seconds <= 3600)
        return seconds;
    problem = QStringLiteral("%1=%2: expected seconds between 1 and 3600").arg(key, value);
    return 0;
}

// An endpoint's connect or read timeout (Redis, Hive) from its URI option; false with `problem`.
template <class Endpoint>
bool setTimeout(Endpoint& e, const QString& uri, const QString& key, const QString& value,
                QString& problem) {
    const int seconds = timeoutSeconds(key, value, problem);
    if (seconds == 0) {
        problem = displayUri(uri) + QStringLiteral(": ") + problem;
        return false;
    }
    (key == QLatin1String("connect_timeout") ? e.connectTimeoutMs : e.readTimeoutMs) =
        seconds * 1000;
    return true;
}

QString schemeOf(const QString& uri) {
    const qsizetype colon = uri.indexOf(QLatin1Char(':'));
    return colon <= 0 ? QString() : uri.left(colon).toLower();
}

// The query options a server URI may carry, as the Qt Sql driver's connect options:
//   tls=disable|require|verify-ca|verify-full, ssl_ca=PATH, connect_timeout=S, read_timeout=S
// Qt 6.4's MySQL driver turns TLS on only with a CA certificate (it has no "require" switch),
// so there any mode but disable needs ssl_ca: a URI asking for TLS never connects without it.
QString serverOptions(const QString& scheme, const QUrlQuery& query, QString& problem) {
    QStringList out;
    const bool mysql = scheme == QLatin1String("mysql");
    const QString tls = query.queryItemValue(QStringLiteral("tls"), QUrl::FullyDecoded);
    const QString ca = query.queryItemValue(QStringLiteral("ssl_ca"), QUrl::FullyDecoded);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("tls")) {
            static const QStringList modes = {QStringLiteral("disable"), QStringLiteral("require"),
                                              QStringLiteral("verify-ca"),
                                              QStringLiteral("verify-full")};
            if (!modes.contains(value)) {
                problem = QStringLiteral("tls=%1: expected disable, require, verify-ca or "
                                         "verify-full")
                              .arg(value);
                return {};
            }
            if (!mysql)
                out << QStringLiteral("sslmode=") + value;
            else if (value != QLatin1String("disable") && ca.isEmpty()) {
                problem = QStringLiteral("tls=%1 needs ssl_ca=PATH (the CA certificate) for "
                                         "MySQL/MariaDB")
                              .arg(value);
                return {};
            }
        } else if (key == QLatin1String("ssl_ca")) {
            if (tls == QLatin1String("disable")) {
                problem = QStringLiteral("ssl_ca is given but tls=disable");
                return {};
            }
            out << (mysql ? QStringLiteral("SSL_CA=") : QStringLiteral("sslrootcert=")) + value;
        } else if (key == QLatin1String("capture")) {
            if (value != QLatin1String("triggers") && value != QLatin1String("log")) {
                problem = QStringLiteral("capture=%1: expected triggers or log").arg(value);
                return {};
            }
        } else if (isTimeoutOption(key)) {
            if (timeoutSeconds(key, value, problem) == 0)
                return {};
            if (key == QLatin1String("connect_timeout"))
                out << (mysql ? QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=")
                              : QStringLiteral("connect_timeout=")) +
                           value;
            else if (mysql)
                out << QStringLiteral("MYSQL_OPT_READ_TIMEOUT=") + value;
            else
                out << QStringLiteral("options='-c statement_timeout=%1s'").arg(value);
        } else {
            problem = QStringLiteral("unknown option '%1' (expected tls, ssl_ca, capture, "
                                     "connect_timeout or read_timeout)")
                          .arg(key);
            return {};
        }
    }
    if (!query.hasQueryItem(QStringLiteral("connect_timeout")))
        out << (mysql ? QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=10")
                      : QStringLiteral("connect_timeout=10"));
    return out.join(QLatin1Char(';'));
}

// Passwords never come from a URI: a workspace file would keep them in the clear.
QString passwordInUri(const QString& name, const QString& uri) {
    return QStringLiteral("%1: a password does not belong in a URI; give it to the keychain or "
                          "set SYNCSCOPE_PASSWORD_%2")
        .arg(displayUri(uri), name.isEmpty() ? QStringLiteral("<STORE>") : name.toUpper());
}

// What is wrong with a server URI's host and credentials, or nothing. A URI Qt cannot read may
// still hold a password: it is refused as one, never repeated.
QString hostProblem(const QString& name, const QString& uri, const QUrl& url,
                    const QString& example) {
    const bool unreadable = !url.isValid() || url.host().isEmpty();
    if (uriMayHoldPassword(uri))
        return passwordInUri(name, uri) +
               (unreadable ? QStringLiteral(" (and expected %1)").arg(example) : QString());
    if (unreadable)
        return QStringLiteral("%1: expected %2").arg(displayUri(uri), example);
    return {};
}

// A server URI's parts; `problem` says what is wrong with it.
SqlStore::Options serverStoreOptions(const QString& name, const QString& uri, QString& problem) {
    SqlStore::Options o;
    o.name = name;
    const QUrl url(uri, QUrl::StrictMode);
    const QString scheme = schemeOf(uri);
    o.engine = scheme == QLatin1String("mysql") ? SqlEngine::MariaDb : SqlEngine::Postgres;
    const QString example = scheme + QStringLiteral("://user@host:port/database");
    if (problem = hostProblem(name, uri, url, example); !problem.isEmpty())
        return o;
    o.databaseName = url.path().mid(1);
    if (o.databaseName.isEmpty() || o.databaseName.contains(QLatin1Char('/'))) {
        problem = QStringLiteral("%1: expected one database name after the host, as in %2")
                      .arg(displayUri(uri), example);
        return o;
    }
    o.server.host = url.host();
    o.server.port = url.port(o.engine == SqlEngine::MariaDb ? 3306 : 5432);
    o.server.user = url.userName();
    o.server.connectOptions = serverOptions(scheme, QUrlQuery(url), problem);
    if (const QString t = QUrlQuery(url).queryItemValue(QStringLiteral("read_timeout"));
        problem.isEmpty() && !t.isEmpty())
        o.server.readTimeoutMs = t.toInt() * 1000;
    if (QUrlQuery(url).queryItemValue(QStringLiteral("capture")) == QLatin1String("log"))
        o.capture = SqlCapture::Log;
    if (!problem.isEmpty())
        problem = displayUri(uri) + QStringLiteral(": ") + problem;
    o.location = url.toString(QUrl::RemovePassword | QUrl::RemoveQuery);
    return o;
}

// redis://[user@]host[:port][/N][?prefix=P&connect_timeout=S&read_timeout=S]
RedisStore::Options redisStoreOptions(const QString& name, const QString& uri, QString& problem) {
    RedisStore::Options o;
    o.name = name;
    const QUrl url(uri, QUrl::StrictMode);
    const QString example = QStringLiteral("redis://user@host:port/N");
    if (problem = hostProblem(name, uri, url, example); !problem.isEmpty())
        return o;
    RedisConnection::Endpoint& e = o.endpoint;
    e.host = url.host().toStdString();
    e.port = url.port(6379);
    e.user = url.userName().toStdString();
    const QString path = url.path().mid(1);
    if (!path.isEmpty()) {
        bool ok = false;
        e.database = path.toInt(&ok);
        if (!ok || e.database < 0 || e.database > 1000000) {
            problem = QStringLiteral("%1: '%2' is not a database number (as in %3)")
                          .arg(displayUri(uri), path, example);
            return o;
        }
    }
    for (const auto& [key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("prefix")) {
            static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_.:-]{1,64}$"));
            if (!allowed.match(value).hasMatch()) {
                problem = QStringLiteral("%1: prefix '%2': expected 1 to 64 of A-Z a-z 0-9 _ . : -")
                              .arg(displayUri(uri), value);
                return o;
            }
            o.prefix = value.toStdString();
        } else if (isTimeoutOption(key)) {
            if (!setTimeout(e, uri, key, value, problem))
                return o;
        } else if (key == QLatin1String("tls")) {
            if (value != QLatin1String("disable")) {
                problem = QStringLiteral("%1: tls=%2: the hiredis of this system (0.14, Debian "
                                         "bookworm) has no TLS; reach the server through a TLS "
                                         "tunnel such as stunnel, or use tls=disable")
                              .arg(displayUri(uri), value);
                return o;
            }
        } else {
            problem = QStringLiteral("%1: unknown option '%2' (expected prefix, connect_timeout, "
                                     "read_timeout or tls)")
                          .arg(displayUri(uri), key);
            return o;
        }
    }
    o.location = url.toString(QUrl::RemovePassword);
    return o;
}

// hive2://[user@]host[:port][/db][?auth=PLAIN|KERBEROS|NOSASL&user=U&principal=P
//   &connect_timeout=S&read_timeout=S
//   &ssl=true|false&sslCaFile=PATH&transportMode=binary|http&httpPath=P]
// (the user may come as user@ or as user=, the TLS and HTTP options spelled as in Hive's JDBC
// URLs). In HTTP mode the port defaults to 10001, HiveServer2's hive.server2.thrift.http.port.
// The transport options of a hive2:// URI (ssl, sslCaFile, transportMode, httpPath); false with
// `problem` for another option or a value none of them takes.
bool setHiveTransportOption(HiveEndpoint& e, const QString& key, const QString& value,
                            QString& problem) {
    if (key == QLatin1String("ssl")) {
        if (value.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            e.tls = true;
        else if (value.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
            e.tls = false;
        else
            problem = QStringLiteral("ssl=%1: expected true or false").arg(value);
    } else if (key == QLatin1String("sslCaFile")) {
        if (value.isEmpty())
            problem = QStringLiteral("sslCaFile= is empty");
        e.tlsCaFile = value.toStdString();
    } else if (key == QLatin1String("transportMode")) {
        if (value.compare(QLatin1String("binary"), Qt::CaseInsensitive) == 0)
            e.transport = HiveEndpoint::Transport::Binary;
        else if (value.compare(QLatin1String("http"), Qt::CaseInsensitive) == 0)
            e.transport = HiveEndpoint::Transport::Http;
        else
            problem = QStringLiteral("transportMode=%1: expected binary or http").arg(value);
    } else if (key == QLatin1String("httpPath")) {
        static const QRegularExpression path(QStringLiteral("^/?[A-Za-z0-9._~/-]+$"));
        if (!path.match(value).hasMatch())
            problem = QStringLiteral("httpPath=%1: expected a path such as cliservice").arg(value);
        e.httpPath = value.toStdString();
    } else {
        problem = QStringLiteral("unknown option '%1' (expected auth, user, principal, "
                                 "connect_timeout, read_timeout, ssl, sslCaFile, transportMode "
                                 "or httpPath)")
                      .arg(key);
    }
    return problem.isEmpty();
}

HiveStore::Options hiveStoreOptions(const QString& name, const QString& uri, QString& problem) {
    HiveStore::Options o;
    o.name = name;
    const QUrl url(uri, QUrl::StrictMode);
    const QString example = QStringLiteral("hive2://host:port/database?auth=PLAIN&user=hive");
    if (problem = hostProblem(name, uri, url, example); !problem.isEmpty())
        return o;
    HiveEndpoint& e = o.endpoint;
    e.host = url.host().toStdString();
    e.port = url.port(10000);
    const QString database = url.path().mid(1);
    if (!database.isEmpty())
        e.database = database.toStdString();
    if (!hiveIdentifier(e.database)) {
        problem = QStringLiteral("%1: '%2' is not a Hive database name (letters, digits and _)")
                      .arg(displayUri(uri), database);
        return o;
    }
    if (!url.userName().isEmpty())
        e.user = url.userName().toStdString();
    for (const auto& [key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("auth")) {
            if (value.compare(QLatin1String("PLAIN"), Qt::CaseInsensitive) == 0 ||
                value.compare(QLatin1String("NONE"), Qt::CaseInsensitive) == 0)
                e.auth = HiveEndpoint::Auth::Plain;
            else if (value.compare(QLatin1String("NOSASL"), Qt::CaseInsensitive) == 0)
                e.auth = HiveEndpoint::Auth::NoSasl;
            else if (value.compare(QLatin1String("KERBEROS"), Qt::CaseInsensitive) == 0)
                e.auth = HiveEndpoint::Auth::Kerberos;
            else {
                problem = QStringLiteral("%1: auth=%2: expected PLAIN (Hive's NONE, LDAP, CUSTOM "
                                         "and PAM), KERBEROS or NOSASL")
                              .arg(displayUri(uri), value);
                return o;
            }
        } else if (key == QLatin1String("user")) {
            if (value.isEmpty()) {
                problem = QStringLiteral("%1: user= is empty").arg(displayUri(uri));
                return o;
            }
            e.user = value.toStdString();
        } else if (key == QLatin1String("principal")) {
            // As in Hive's JDBC URLs, a principal means Kerberos.
            if (!value.contains(QLatin1Char('/'))) {
                problem = QStringLiteral("%1: principal=%2: expected the server's, such as "
                                         "hive/_HOST@REALM")
                              .arg(displayUri(uri), value);
                return o;
            }
            e.principal = value.toStdString();
            e.auth = HiveEndpoint::Auth::Kerberos;
        } else if (isTimeoutOption(key)) {
            if (!setTimeout(e, uri, key, value, problem))
                return o;
        } else if (!setHiveTransportOption(e, key, value, problem)) {
            problem = displayUri(uri) + QStringLiteral(": ") + problem;
            return o;
        }
    }
    if (e.auth == HiveEndpoint::Auth::Kerberos && e.transport == HiveEndpoint::Transport::Http) {
        problem = QStringLiteral("%1: Kerberos over HTTP (SPNEGO) is not spoken; use the binary "
                                 "transport")
                      .arg(displayUri(uri));
        return o;
    }
    if (!e.tlsCaFile.empty() && !e.tls) {
        problem = QStringLiteral("%1: sslCaFile is given but not ssl=true").arg(displayUri(uri));
        return o;
    }
    if (e.transport == HiveEndpoint::Transport::Http && url.port() < 0)
        e.port = 10001;
    o.location = url.toString(QUrl::RemovePassword);
    return o;
}
// mongodb://[user@]host[:port][,host…]/[db][?options]: libmongoc reads the URI and its options
// (tls, replicaSet, authSource, timeouts…); here only the password is refused and the database
// name checked. Without one, the store takes a database of its own, syncscope_<name>.
MongoStore::Options mongoStoreOptions(const QString& name, const QString& uri, QString& problem) {
    MongoStore::Options o;
    o.name = name;
    o.uri = uri.toStdString();
    o.location = displayUri(uri);
    const qsizetype hosts = uri.indexOf(QLatin1String("://")) + 3;
    const qsizetype path = uri.indexOf(QLatin1Char('/'), hosts);
    // Before libmongoc reads it: its errors may quote the option they stumbled on.
    if (uriMayHoldPassword(uri)) {
        problem = passwordInUri(name, uri);
        return o;
    }
    if (const std::string why = MongoStore::uriProblem(o.uri); !why.empty()) {
        problem = QStringLiteral("%1: %2 (expected mongodb://host:port/database)")
                      .arg(displayUri(uri), QString::fromStdString(why));
        return o;
    }
    QString database = path < 0 ? QString() : uri.mid(path + 1).section(QLatin1Char('?'), 0, 0);
    if (database.isEmpty())
        database = QStringLiteral("syncscope_") + name.toLower();
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_-]{1,63}$"));
    if (!allowed.match(database).hasMatch()) {
        problem = QStringLiteral("%1: '%2' is not a database name Syncscope uses (1 to 63 of A-Z "
                                 "a-z 0-9 _ -)")
                      .arg(displayUri(uri), database);
        return o;
    }
    o.database = database.toStdString();
    return o;
}

// sqlite:///absolute/path.db, or sqlite::memory: (what an empty URI means too).
SqlStore::Options sqliteStoreOptions(const QString& name, const QString& uri, QString& problem) {
    SqlStore::Options o;
    o.name = name;
    if (uri.isEmpty() || uri == kMemory) {
        o.databaseName = QStringLiteral(":memory:");
        o.location = QStringLiteral("in memory");
        o.inMemory = true;
        return o;
    }
    if (!uri.startsWith(kSqliteFile) || !QDir::isAbsolutePath(uri.mid(kSqliteFile.size()))) {
        problem = QStringLiteral("%1: expected sqlite:///absolute/path.db or sqlite::memory:")
                      .arg(displayUri(uri));
        return o;
    }
    o.databaseName = uri.mid(kSqliteFile.size());
    o.location = o.databaseName;
    // SQLite would write its journal beside whatever is there: /dev/null-journal, a FIFO's.
    if (const QFileInfo file(o.databaseName); file.exists() && !file.isFile())
        problem = QStringLiteral("%1: %2, not a file: an SQLite store is a regular file (or a new "
                                 "one)")
                      .arg(displayUri(uri), file.isDir() ? QStringLiteral("a directory")
                                                         : QStringLiteral("a device, a pipe or "
                                                                          "a socket"));
    return o;
}

// How the factory reads one URI scheme: whether its store logs in to a server (so a password
// may be asked for it), and the reading that checks a URI of it and builds the store. Checking
// and building read the URI the same way (S's options from Read), so what checkUri accepts,
// create builds.
struct UriReading {
    const char* scheme;
    bool logsIn;
    QString (*check)(const QString& uri);
    Result<std::unique_ptr<Store>> (*make)(const QString& name, const QString& uri);
};

template <class S, typename S::Options (*Read)(const QString&, const QString&, QString&)>
QString checkWith(const QString& uri) {
    QString problem;
    Read({}, uri, problem);
    return problem;
}

template <class S, typename S::Options (*Read)(const QString&, const QString&, QString&)>
Result<std::unique_ptr<Store>> makeWith(const QString& name, const QString& uri) {
    QString problem;
    typename S::Options o = Read(name, uri, problem);
    if (!problem.isEmpty())
        return StoreError{name, problem, false};
    return std::unique_ptr<Store>(std::make_unique<S>(std::move(o)));
}

template <class S, typename S::Options (*Read)(const QString&, const QString&, QString&)>
constexpr UriReading readingWith(const char* scheme, bool logsIn) {
    return {scheme, logsIn, &checkWith<S, Read>, &makeWith<S, Read>};
}

const UriReading kReadings[] = {
    readingWith<SqlStore, sqliteStoreOptions>("sqlite", false),
    readingWith<SqlStore, serverStoreOptions>("mysql", true),
    readingWith<SqlStore, serverStoreOptions>("postgresql", true),
    readingWith<HiveStore, hiveStoreOptions>("hive2", true),
    readingWith<MongoStore, mongoStoreOptions>("mongodb", true),
    readingWith<MongoStore, mongoStoreOptions>("mongodb+srv", true),
    readingWith<RedisStore, redisStoreOptions>("redis", true),
};

// The reading for `uri`'s scheme (an empty URI is SQLite's, in memory); nullptr when none.
const UriReading* readingOf(const QString& uri) {
    const QString scheme = uri.isEmpty() ? QStringLiteral("sqlite") : schemeOf(uri);
    for (const UriReading& r : kReadings)
        if (scheme == QLatin1String(r.scheme))
            return &r;
    return nullptr;
}

// The scheme is named only when it is one (a password may sit before a stray ':').
QString unknownScheme(const QString& uri) {
    static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]{0,31}$"));
    const QString named = schemeOf(uri);
    return QStringLiteral("%1: %2 (expected sqlite, mysql, postgresql, mongodb, hive2 or redis)")
        .arg(displayUri(uri), scheme.match(named).hasMatch()
                                  ? QStringLiteral("unknown scheme '%1'").arg(named)
                                  : QStringLiteral("no scheme"));
}
} // namespace

namespace {

using Part = BackendOption::Part;

QList<BackendOption> timeoutOptions() {
    return {{Part::Query,
             QStringLiteral("connect_timeout"),
             QStringLiteral("Connect timeout (s)"),
             QStringLiteral("10"),
             {}},
            {Part::Query,
             QStringLiteral("read_timeout"),
             QStringLiteral("Read timeout (s)"),
             QStringLiteral("60"),
             {}}};
}

// MySQL/MariaDB and PostgreSQL read the same options (serverOptions).
QList<BackendOption> sqlServerOptions(const QString& defaultPort) {
    return QList<BackendOption>{
               {Part::Host, {}, QStringLiteral("Host"), QStringLiteral("127.0.0.1"), {}},
               {Part::Port, {}, QStringLiteral("Port"), defaultPort, {}},
               {Part::Database, {}, QStringLiteral("Database"), {}, {}},
               {Part::User, {}, QStringLiteral("User"), {}, {}},
               {Part::Query,
                QStringLiteral("tls"),
                QStringLiteral("TLS"),
                QStringLiteral("the driver's default"),
                {QStringLiteral("disable"), QStringLiteral("require"), QStringLiteral("verify-ca"),
                 QStringLiteral("verify-full")}},
               {Part::Query,
                QStringLiteral("ssl_ca"),
                QStringLiteral("CA certificate"),
                QStringLiteral("/path/ca.pem"),
                {},
                true},
               // Where writes of other clients are read from (docs/backends.md).
               {Part::Query,
                QStringLiteral("capture"),
                QStringLiteral("Outside writes"),
                QStringLiteral("triggers"),
                {QStringLiteral("triggers"), QStringLiteral("log")}}} +
           timeoutOptions();
}

} // namespace

const QList<BackendDescription>& StoreFactory::backends() {
    static const QList<BackendDescription> list = {
        {QStringLiteral("sqlite"),
         QStringLiteral("SQLite"),
         QStringLiteral("sqlite:///abs/path.db or sqlite::memory:"),
         {}},
        {QStringLiteral("mysql"), QStringLiteral("MySQL/MariaDB"),
         QStringLiteral("mysql://user@host:port/db?tls=verify-ca&ssl_ca=/path/ca.pem"),
         sqlServerOptions(QStringLiteral("3306"))},
        {QStringLiteral("postgresql"), QStringLiteral("PostgreSQL"),
         QStringLiteral("postgresql://user@host:port/db?tls=require"),
         sqlServerOptions(QStringLiteral("5432"))},
        {QStringLiteral("hive2"), QStringLiteral("Apache Hive"),
         QStringLiteral("hive2://host:port/db?auth=PLAIN&user=hive (or auth=NOSASL; "
                        "ssl=true&sslCaFile=/path/ca.pem; transportMode=http)"),
         QList<BackendOption>{
             {Part::Host, {}, QStringLiteral("Host"), QStringLiteral("127.0.0.1"), {}},
             {Part::Port, {}, QStringLiteral("Port"), QStringLiteral("10000"), {}},
             {Part::Database, {}, QStringLiteral("Database"), QStringLiteral("default"), {}},
             {Part::User, {}, QStringLiteral("User"), QStringLiteral("anonymous"), {}},
             {Part::Query,
              QStringLiteral("auth"),
              QStringLiteral("Authentication"),
              QStringLiteral("PLAIN"),
              {QStringLiteral("PLAIN"), QStringLiteral("KERBEROS"), QStringLiteral("NOSASL")}},
             {Part::Query,
              QStringLiteral("principal"),
              QStringLiteral("Kerberos principal"),
              QStringLiteral("hive/_HOST"),
              {}},
             {Part::Query,
              QStringLiteral("ssl"),
              QStringLiteral("TLS"),
              QStringLiteral("false"),
              {QStringLiteral("true"), QStringLiteral("false")}},
             {Part::Query,
              QStringLiteral("sslCaFile"),
              QStringLiteral("CA certificate"),
              QStringLiteral("the system's CAs"),
              {},
              true},
             {Part::Query,
              QStringLiteral("transportMode"),
              QStringLiteral("Transport"),
              QStringLiteral("binary"),
              {QStringLiteral("binary"), QStringLiteral("http")}},
             {Part::Query,
              QStringLiteral("httpPath"),
              QStringLiteral("HTTP path"),
              QStringLiteral("cliservice"),
              {}}} +
             timeoutOptions()},
        {QStringLiteral("mongodb"),
         QStringLiteral("MongoDB"),
         QStringLiteral("mongodb://user@host:port/db?tls=true"),
         {}},
        {QStringLiteral("redis"), QStringLiteral("Redis"),
         QStringLiteral("redis://user@host:port/N?prefix=syncscope:REDIS"),
         QList<BackendOption>{
             {Part::Host, {}, QStringLiteral("Host"), QStringLiteral("127.0.0.1"), {}},
             {Part::Port, {}, QStringLiteral("Port"), QStringLiteral("6379"), {}},
             {Part::Database, {}, QStringLiteral("Database number"), QStringLiteral("0"), {}},
             {Part::User, {}, QStringLiteral("User"), QStringLiteral("default"), {}},
             {Part::Query,
              QStringLiteral("prefix"),
              QStringLiteral("Key prefix"),
              QStringLiteral("syncscope:<STORE>"),
              {}}} +
             timeoutOptions()},
    };
    return list;
}

QString StoreFactory::checkUri(const QString& uri) {
    const UriReading* reading = readingOf(uri);
    return reading ? reading->check(uri) : unknownScheme(uri);
}

Result<std::unique_ptr<Store>> StoreFactory::create(const QString& name, const QString& uri,
                                                    const QString& password) {
    auto store = createWithoutPassword(name, uri);
    if (store)
        store.value()->setPassword(password.isNull() ? passwordFromEnvironment(name) : password);
    return store;
}

Result<std::unique_ptr<Store>> StoreFactory::createWithoutPassword(const QString& name,
                                                                   const QString& uri) {
    const UriReading* reading = readingOf(uri);
    if (!reading)
        return StoreError{name, unknownScheme(uri), false};
    return reading->make(name, uri);
}

bool StoreFactory::takesPassword(const QString& uri) {
    const UriReading* reading = readingOf(uri);
    return reading && reading->logsIn;
}

QString StoreFactory::mergeInsideProblem(const StoreDescription& target,
                                         const StoreDescription& source) {
    return QString::fromStdString(HiveStore::mergeInsideProblem(target, source));
}

QString StoreFactory::passwordFromEnvironment(const QString& storeName) {
    const QByteArray variable = "SYNCSCOPE_PASSWORD_" + storeName.toUpper().toUtf8();
    return qEnvironmentVariable(variable.constData());
}

void StoreFactory::releaseSqlConnections() {
    for (const QString& name : QSqlDatabase::connectionNames())
        QSqlDatabase::removeDatabase(name);
}

} // namespace syncscope

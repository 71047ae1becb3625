#pragma once
// The real servers of scripts/services, as the tests and benchmarks reach them. CTest starts
// them once per run (the `servers` fixture in tests/CMakeLists.txt) and tells each test where
// their env file is; each test then makes its own throwaway databases on them.
#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

namespace lab {

struct Servers {
    QString mariadb;  // mysql://syncscope@127.0.0.1:PORT/syncscope
    QString postgres; // postgresql://syncscope@127.0.0.1:PORT/syncscope
    QString redis;
    QString password;
    QString mariadbSocket;
};

// The servers of this run; nullopt with `problem` when the env file is missing or incomplete.
inline std::optional<Servers> servers(QString& problem) {
    const QString path = qEnvironmentVariable("SYNCSCOPE_SERVICES_ENV");
    if (path.isEmpty()) {
        problem = QStringLiteral("SYNCSCOPE_SERVICES_ENV is not set (run through ctest, which "
                                 "starts scripts/services)");
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        problem = path + QStringLiteral(": ") + file.errorString();
        return std::nullopt;
    }
    Servers s;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        const QString prefix = QStringLiteral("export ");
        if (!line.startsWith(prefix))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString key = line.mid(prefix.size(), eq - prefix.size());
        const QString value = line.mid(eq + 1);
        if (key == QLatin1String("SYNCSCOPE_MARIADB_URI"))
            s.mariadb = value;
        else if (key == QLatin1String("SYNCSCOPE_POSTGRES_URI"))
            s.postgres = value;
        else if (key == QLatin1String("SYNCSCOPE_REDIS_URI"))
            s.redis = value;
        else if (key == QLatin1String("SYNCSCOPE_LAB_PASSWORD"))
            s.password = value;
        else if (key == QLatin1String("SYNCSCOPE_MARIADB_SOCKET"))
            s.mariadbSocket = value;
    }
    if (s.mariadb.isEmpty() || s.postgres.isEmpty() || s.redis.isEmpty() || s.password.isEmpty()) {
        problem = path + QStringLiteral(": no MariaDB, PostgreSQL or Redis URI in it");
        return std::nullopt;
    }
    return s;
}

// Runs one statement on the server's lab database as the lab account.
inline QString run(const QString& uri, const QString& password, const QString& sql) {
    static std::atomic<int> counter{0};
    const QUrl url(uri);
    const QString name = QStringLiteral("lab-admin-%1").arg(++counter);
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(url.scheme() == QLatin1String("mysql")
                                                        ? QStringLiteral("QMYSQL")
                                                        : QStringLiteral("QPSQL"),
                                                    name);
        db.setHostName(url.host());
        db.setPort(url.port());
        db.setUserName(url.userName());
        db.setPassword(password);
        db.setDatabaseName(url.path().mid(1));
        if (!db.open()) {
            problem = db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (!q.exec(sql))
                problem = sql + QStringLiteral(": ") + q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return problem;
}

// Every database (or Redis prefix) freshDatabase made in this process, so that a benchmark can
// give back its disk before the next one fills it: a million-row store and its reference take
// hundreds of megabytes on each server, and CI machines are not always large.
struct Throwaway {
    QString serverUri;
    QString password;
    QString name; // a database, or a Redis key prefix
};

struct Throwaways {
    std::mutex lock;
    std::vector<Throwaway> made;
};

inline Throwaways& throwaways() {
    static Throwaways all;
    return all;
}

inline void remember(Throwaway t) {
    Throwaways& all = throwaways();
    const std::lock_guard<std::mutex> held(all.lock);
    all.made.push_back(std::move(t));
}

// A new, empty database on the server of `uri`, and the URI that reaches it. On Redis, a new
// key prefix in the lab's database.
inline QString freshDatabase(const QString& uri, const QString& password, QString& problem) {
    if (uri.startsWith(QLatin1String("redis:"))) {
        static std::atomic<int> prefixes{0};
        problem.clear();
        const QString prefix =
            QStringLiteral("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++prefixes);
        remember({uri, password, prefix});
        return uri + QStringLiteral("?prefix=") + prefix;
    }
    static std::atomic<int> counter{0};
    const QString database =
        QStringLiteral("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++counter);
    problem = run(uri, password, QStringLiteral("CREATE DATABASE ") + database);
    if (problem.isEmpty())
        remember({uri, password, database});
    QUrl url(uri);
    url.setPath(QLatin1Char('/') + database);
    return url.toString();
}

// Runs redis-cli on the lab's Redis server as the lab account, as a user would type it; its
// output, trimmed.
inline QString redisCli(const QString& redisUri, const QString& password, const QStringList& args) {
    const QUrl url(redisUri);
    QProcess p;
    p.start(QStringLiteral("redis-cli"),
            QStringList{QStringLiteral("-h"), url.host(), QStringLiteral("-p"),
                        QString::number(url.port()), QStringLiteral("--user"), url.userName(),
                        QStringLiteral("--pass"), password, QStringLiteral("--no-auth-warning")} +
                args);
    p.waitForFinished(10000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// Drops the replication slots (capture=log stores) no process reads in the databases this
// process made: each keeps the server's WAL from its last position on, which a run of many tests
// on one lab would otherwise pile up. The stores are opened again without them (a new slot).
inline QString dropIdleSlots(const QString& postgresUri, const QString& password) {
    return run(postgresUri, password,
               QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM "
                              "pg_replication_slots WHERE NOT active AND database LIKE 't%1\\_%'")
                   .arg(QCoreApplication::applicationPid()));
}

// Drops every database and Redis prefix this process made with freshDatabase; the stores on
// them must be closed. The first failure is returned (and the rest still tried).
inline QString dropThrowaways() {
    std::vector<Throwaway> taken;
    {
        Throwaways& all = throwaways();
        const std::lock_guard<std::mutex> held(all.lock);
        taken.swap(all.made);
    }
    QString first;
    for (const Throwaway& t : taken) {
        QString problem;
        if (t.serverUri.startsWith(QLatin1String("redis:"))) {
            // The prefix is ours (t<pid>_<n>), so a server-side loop over its keys is safe.
            const QString deleted = redisCli(
                t.serverUri, t.password,
                {QStringLiteral("EVAL"),
                 QStringLiteral("local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do "
                                "redis.call('UNLINK', k) n = n + 1 end return n"),
                 QStringLiteral("0"), t.name + QStringLiteral(":*")});
            bool number = false;
            deleted.toLongLong(&number);
            if (!number)
                problem = t.name + QStringLiteral(": ") + deleted;
        } else {
            const bool postgres = t.serverUri.startsWith(QLatin1String("postgres"));
            // A store with capture=log made a replication slot in its database, which PostgreSQL
            // will not drop a database under (and which would keep the server's WAL for ever).
            if (postgres)
                run(t.serverUri, t.password,
                    QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM "
                                   "pg_replication_slots WHERE database = '%1'")
                        .arg(t.name));
            problem = run(t.serverUri, t.password,
                          QStringLiteral("DROP DATABASE IF EXISTS ") + t.name +
                              (postgres ? QStringLiteral(" WITH (FORCE)") : QString()));
        }
        if (first.isEmpty())
            first = problem;
    }
    // Deleted keys stay in Redis's append-only file until it is rewritten.
    for (const Throwaway& t : taken)
        if (t.serverUri.startsWith(QLatin1String("redis:"))) {
            redisCli(t.serverUri, t.password, {QStringLiteral("BGREWRITEAOF")});
            break;
        }
    return first;
}

// The Redis key of one of a store's structures ("grades", "oplog", …) under its URI's prefix.
inline QString redisKey(const QString& storeUri, const char* structure) {
    return QUrlQuery(QUrl(storeUri)).queryItemValue(QStringLiteral("prefix")) + QLatin1Char(':') +
           QLatin1String(structure);
}

} // namespace lab

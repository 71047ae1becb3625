#pragma once
// HiveServer2 for the tests: the protocol peer (tests/peers/hs2peer) started on a free
// loopback port over a throwaway folder, or a real HiveServer2 when SYNCSCOPE_HIVE_URI names
// one. Each test then takes a fresh database on it.
#include "hiveconnection.h"
#include "hivestore.h"
#include "peerprocess.h"
#include "storefactory.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QUrl>

#include <atomic>
#include <memory>

namespace lab {

class HivePeer {
public:
    // auth: "PLAIN" or "NOSASL"; a non-empty password makes PLAIN check user and password.
    bool start(const QString& auth, QString& problem, const QStringList& extra = {},
               const QString& user = {}, const QString& password = {}) {
        if (!folder_.isValid()) {
            problem = QStringLiteral("no temporary folder for the Hive peer");
            return false;
        }
        auth_ = auth;
        QStringList args{QStringLiteral("--folder"), folder_.path(), QStringLiteral("--auth"),
                         auth};
        if (!password.isEmpty())
            args << QStringLiteral("--user") << user << QStringLiteral("--password") << password;
        return process_.start(QStringLiteral(SYNCSCOPE_HS2PEER), args + extra, problem);
    }

    // The options every uri() carries after auth and user (the transport's: ssl, sslCaFile,
    // transportMode, httpPath), and the host it names (a TLS peer's certificate names
    // localhost, not 127.0.0.1).
    void setUriOptions(const QString& options, const QString& host = QStringLiteral("127.0.0.1")) {
        options_ = options;
        host_ = host;
    }

    void stop() { process_.stop(); }

    int port() const { return process_.port(); }
    QString uri(const QString& database = QStringLiteral("default")) const {
        return QStringLiteral("hive2://%1:%2/%3?auth=%4&user=hive")
                   .arg(host_)
                   .arg(process_.port())
                   .arg(database, auth_) +
               (options_.isEmpty() ? QString() : QLatin1Char('&') + options_);
    }

private:
    QTemporaryDir folder_;
    PeerProcess process_;
    QString auth_;
    QString options_;
    QString host_ = QStringLiteral("127.0.0.1");
};

// The endpoint a hive2:// URI names, for the tests' own statements: read by StoreFactory, as
// the store reads it (password default included).
inline syncscope::HiveEndpoint hiveEndpoint(const QString& uri, const QString& password = {}) {
    auto made = syncscope::StoreFactory::create(QStringLiteral("LAB"), uri, password);
    if (!made)
        qFatal("%s", qPrintable(made.error().toString()));
    return dynamic_cast<const syncscope::HiveStore&>(*made.value()).endpoint();
}

// Runs one statement on the Hive server of `uri`; Hive's words on failure.
inline QString hiveRun(const QString& uri, const std::string& statement,
                       const std::function<void(syncscope::HiveRows&&)>& take = {}) {
    syncscope::HiveConnection c;
    syncscope::HiveOutcome out = c.connect(hiveEndpoint(uri));
    if (out.ok())
        out = c.execute(
            statement, [] { return false; }, take);
    return out.ok() ? QString() : QString::fromStdString(out.message);
}

// A new, empty database on the Hive server of `uri`, and the URI that reaches it.
inline QString hiveFreshDatabase(const QString& uri, QString& problem) {
    static std::atomic<int> counter{0};
    const QString database =
        QStringLiteral("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++counter);
    problem = hiveRun(uri, "CREATE DATABASE " + database.toStdString());
    QUrl url(uri);
    url.setPath(QLatin1Char('/') + database);
    return url.toString();
}

} // namespace lab

#pragma once
// MongoDB for the tests: the wire-protocol peer (tests/peers/mongopeer) started on a free
// loopback port, or a real server when SYNCSCOPE_MONGO_URI names one. Each test then takes a
// database of its own on it (MongoDB makes a database on its first write).
#include "peerprocess.h"

#include <QCoreApplication>
#include <QString>

#include <atomic>

namespace lab {

class MongoPeer {
public:
    bool start(QString& problem, const QStringList& extra = {}) {
        return process_.start(QStringLiteral(SYNCSCOPE_MONGOPEER), extra, problem);
    }
    void stop() { process_.stop(); }
    int port() const { return process_.port(); }
    qint64 pid() const { return process_.pid(); }
    QString uri(const QString& database = QString()) const {
        return QStringLiteral("mongodb://127.0.0.1:%1/%2").arg(process_.port()).arg(database);
    }

private:
    PeerProcess process_;
};

// `server` (a mongodb:// URI, with or without a database and options) with a database no other
// test uses.
inline QString mongoFreshDatabase(const QString& server) {
    static std::atomic<int> counter{0};
    const QString database =
        QStringLiteral("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++counter);
    const qsizetype hosts = server.indexOf(QLatin1String("://")) + 3;
    const qsizetype query = server.indexOf(QLatin1Char('?'));
    const qsizetype slash = server.indexOf(QLatin1Char('/'), hosts);
    const QString options = query < 0 ? QString() : server.mid(query);
    const QString base = server.left(slash >= 0 ? slash : query >= 0 ? query : server.size());
    return base + QLatin1Char('/') + database + options;
}

} // namespace lab

#pragma once
// The protocol peers the shared tests (store contract, CLI golden scripts) run every backend on:
// HiveServer2 in SASL PLAIN, NOSASL and ACID modes, over TLS, over HTTP and over HTTPS (with a
// throwaway CA made at start), with Kerberos (a throwaway KDC, where its packages are
// installed), and MongoDB as a standalone server, as a
// replica set and as a replica set with authentication (a user of admin, SCRAM); plus the real
// servers SYNCSCOPE_HIVE_URI and SYNCSCOPE_MONGO_URI name, when set. Each kind has an id (what a
// test's data row carries) and a label (how its row is named).
#include "hivepeer.h"
#include "mongopeer.h"
#include "testcerts.h"
#include "testkdc.h"

#include <QList>

namespace lab {

class ProtocolPeers {
public:
    struct Kind {
        QString id;
        QString label;
    };

    bool start(QString& problem) {
        if (!certs_.make(problem))
            return false;
        if (TestKdc::missing().isEmpty()) {
            if (!kdc_.start(problem) || !hiveKerberos_.start(QStringLiteral("KERBEROS"), problem))
                return false;
            hiveKerberos_.setUriOptions(QStringLiteral("principal=hive/_HOST@") +
                                            QLatin1String(TestKdc::kRealm),
                                        QStringLiteral("localhost"));
        }
        const QString ca = QStringLiteral("sslCaFile=") + certs_.caFile();
        const QString localhost = QStringLiteral("localhost");
        hiveTls_.setUriOptions(QStringLiteral("ssl=true&") + ca, localhost);
        hiveHttp_.setUriOptions(QStringLiteral("transportMode=http"));
        hiveHttps_.setUriOptions(QStringLiteral("transportMode=http&httpPath=hs2&ssl=true&") + ca,
                                 localhost);
        // Over HTTP the peer insists on the session cookie once it set one, so a client that
        // logs in again on every request instead is caught.
        const QStringList http = {QStringLiteral("--http"),
                                  QStringLiteral("--http-cookie-required")};
        return hivePlain_.start(QStringLiteral("PLAIN"), problem) &&
               hiveTls_.start(QStringLiteral("PLAIN"), problem, certs_.peerArgs()) &&
               hiveHttp_.start(QStringLiteral("PLAIN"), problem, http) &&
               hiveHttps_.start(
                   QStringLiteral("PLAIN"), problem,
                   http + certs_.peerArgs() +
                       QStringList{QStringLiteral("--http-path"), QStringLiteral("hs2")}) &&
               hiveNoSasl_.start(QStringLiteral("NOSASL"), problem) &&
               hiveAcid_.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}) &&
               mongo_.start(problem) &&
               mongoReplicaSet_.start(problem,
                                      {QStringLiteral("--replica-set"), QStringLiteral("rs0")}) &&
               mongoAuth_.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0"),
                                          QStringLiteral("--user"),
                                          QStringLiteral("syncscope:") + kMongoPassword});
    }

    // The password a store of kind `id` logs in with: the authenticated peer's, else
    // `otherwise` (the lab's, which the other peers do not check).
    static QString passwordFor(const QString& id, const QString& otherwise) {
        return id == QLatin1String("mongo-auth") ? kMongoPassword : otherwise;
    }

    // The kinds this run has: every peer mode, and the real servers the environment names.
    static QList<Kind> kinds() {
        QList<Kind> out = {
            {QStringLiteral("hive-plain"), QStringLiteral("hive peer, SASL PLAIN")},
            {QStringLiteral("hive-nosasl"), QStringLiteral("hive peer, NOSASL")},
            // A Hive with ACID tables: the store keeps and reads its transactional grade table.
            {QStringLiteral("hive-acid"), QStringLiteral("hive peer, ACID")},
            // The transports: binary over TLS, HTTP, HTTP over TLS (all PLAIN).
            {QStringLiteral("hive-tls"), QStringLiteral("hive peer, TLS")},
            {QStringLiteral("hive-http"), QStringLiteral("hive peer, HTTP")},
            {QStringLiteral("hive-https"), QStringLiteral("hive peer, HTTPS")},
            {QStringLiteral("mongo-peer"), QStringLiteral("mongo peer")},
            // A replica set's primary: every batch in one transaction.
            {QStringLiteral("mongo-rs"), QStringLiteral("mongo peer, replica set")},
            // The same with users: the store logs in (SCRAM-SHA-256) as a user of admin.
            {QStringLiteral("mongo-auth"), QStringLiteral("mongo peer, replica set, auth")},
        };
        // Kerberos (SASL GSSAPI) with a throwaway KDC, where this machine has one.
        if (TestKdc::missing().isEmpty())
            out.push_back({QStringLiteral("hive-kerberos"), QStringLiteral("hive peer, Kerberos")});
        if (qEnvironmentVariableIsSet("SYNCSCOPE_HIVE_URI"))
            out.push_back({QStringLiteral("hive-server"), QStringLiteral("hive server")});
        if (qEnvironmentVariableIsSet("SYNCSCOPE_MONGO_URI"))
            out.push_back({QStringLiteral("mongo-server"), QStringLiteral("mongo server")});
        return out;
    }

    static bool isPeerKind(const QString& id) {
        return id.startsWith(QLatin1String("hive")) || id.startsWith(QLatin1String("mongo"));
    }

    // A database no other test uses, on the server of kind `id`, and the URI that reaches it;
    // `problem` says why there is none.
    QString freshDatabase(const QString& id, QString& problem) const {
        if (id == QLatin1String("mongo-auth")) {
            QString database = mongoFreshDatabase(mongoAuth_.uri());
            return database.replace(QLatin1String("mongodb://"),
                                    QLatin1String("mongodb://syncscope@")) +
                   QLatin1String("?authSource=admin");
        }
        if (id.startsWith(QLatin1String("mongo")))
            return mongoFreshDatabase(id == QLatin1String("mongo-peer") ? mongo_.uri()
                                      : id == QLatin1String("mongo-rs")
                                          ? mongoReplicaSet_.uri()
                                          : qEnvironmentVariable("SYNCSCOPE_MONGO_URI"));
        return hiveFreshDatabase(id == QLatin1String("hive-plain")    ? hivePlain_.uri()
                                 : id == QLatin1String("hive-nosasl") ? hiveNoSasl_.uri()
                                 : id == QLatin1String("hive-acid")   ? hiveAcid_.uri()
                                 : id == QLatin1String("hive-tls")    ? hiveTls_.uri()
                                 : id == QLatin1String("hive-http")   ? hiveHttp_.uri()
                                 : id == QLatin1String("hive-https")  ? hiveHttps_.uri()
                                 : id == QLatin1String("hive-kerberos")
                                     ? hiveKerberos_.uri()
                                     : qEnvironmentVariable("SYNCSCOPE_HIVE_URI"),
                                 problem);
    }

private:
    TestCerts certs_;
    TestKdc kdc_; // before the peer that uses it, so it stops after
    HivePeer hivePlain_, hiveNoSasl_, hiveAcid_, hiveTls_, hiveHttp_, hiveHttps_, hiveKerberos_;
    static inline const QString kMongoPassword = QStringLiteral("peer-Passw0rd");
    MongoPeer mongo_, mongoReplicaSet_, mongoAuth_;
};

} // namespace lab

#pragma once
// The protocol peers the shared tests (store contract, CLI golden scripts) run every backend on:
// HiveServer2 in SASL PLAIN, NOSASL and ACID modes, and MongoDB as a standalone server and as a
// replica set; plus the real servers SYNCSCOPE_HIVE_URI and SYNCSCOPE_MONGO_URI name, when set.
// Each kind has an id (what a test's data row carries) and a label (how its row is named).
#include "hivepeer.h"
#include "mongopeer.h"

#include <QList>

namespace lab {

class ProtocolPeers {
public:
    struct Kind {
        QString id;
        QString label;
    };

    bool start(QString& problem) {
        return hivePlain_.start(QStringLiteral("PLAIN"), problem) &&
               hiveNoSasl_.start(QStringLiteral("NOSASL"), problem) &&
               hiveAcid_.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}) &&
               mongo_.start(problem) &&
               mongoReplicaSet_.start(problem,
                                      {QStringLiteral("--replica-set"), QStringLiteral("rs0")});
    }

    // The kinds this run has: every peer mode, and the real servers the environment names.
    static QList<Kind> kinds() {
        QList<Kind> out = {
            {QStringLiteral("hive-plain"), QStringLiteral("hive peer, SASL PLAIN")},
            {QStringLiteral("hive-nosasl"), QStringLiteral("hive peer, NOSASL")},
            // A Hive with ACID tables: the store keeps and reads its transactional grade table.
            {QStringLiteral("hive-acid"), QStringLiteral("hive peer, ACID")},
            {QStringLiteral("mongo-peer"), QStringLiteral("mongo peer")},
            // A replica set's primary: every batch in one transaction.
            {QStringLiteral("mongo-rs"), QStringLiteral("mongo peer, replica set")},
        };
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
        if (id.startsWith(QLatin1String("mongo")))
            return mongoFreshDatabase(id == QLatin1String("mongo-peer") ? mongo_.uri()
                                      : id == QLatin1String("mongo-rs")
                                          ? mongoReplicaSet_.uri()
                                          : qEnvironmentVariable("SYNCSCOPE_MONGO_URI"));
        return hiveFreshDatabase(id == QLatin1String("hive-plain")    ? hivePlain_.uri()
                                 : id == QLatin1String("hive-nosasl") ? hiveNoSasl_.uri()
                                 : id == QLatin1String("hive-acid")
                                     ? hiveAcid_.uri()
                                     : qEnvironmentVariable("SYNCSCOPE_HIVE_URI"),
                                 problem);
    }

private:
    HivePeer hivePlain_, hiveNoSasl_, hiveAcid_;
    MongoPeer mongo_, mongoReplicaSet_;
};

} // namespace lab

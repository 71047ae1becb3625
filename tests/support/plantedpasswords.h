#pragma once
// Store URIs of every shape a password can hide in, well formed or not, each holding the
// planted password kPlanted (whole, split by odd characters, or percent-encoded): what the
// password tests feed through displayUri, the store factory and the CLI, then search every
// output for kPlantedParts.
#include <QString>
#include <QStringList>

namespace lab {

inline const QString kPlanted = QStringLiteral("PLANTED-s3cret");
// What must appear nowhere: each half on its own, so a password cut in two is found too.
inline const QStringList kPlantedParts = {QStringLiteral("PLANTED"), QStringLiteral("s3cret"),
                                          QStringLiteral("planted"), QStringLiteral("S3CRET")};

inline QStringList urisWithPlantedPassword() {
    const QString p = kPlanted;
    QStringList uris = {
        // Refused ports and hosts: Qt cannot read these.
        QStringLiteral("mysql://syncscope:%1@127.0.0.1:99999/db"),
        QStringLiteral("postgresql://u:%1@h:badport/db"),
        QStringLiteral("mysql://u:%1@/db"),
        QStringLiteral("mysql://u:%1@"),
        QStringLiteral("mysql://u:%1"),
        QStringLiteral("mysql://u:%1/db"),
        QStringLiteral("mysql://:%1@h/db"),
        QStringLiteral("mysql://u:%1@@h/db"),
        QStringLiteral("redis://:%1@h:6379/0"),
        QStringLiteral("redis://u:%1@h:6379/zero"),
        QStringLiteral("hive2://u:%1@h:10000/my-db"),
        QStringLiteral("mongodb://u:%1@h1:1,h2:2/db"),
        QStringLiteral("mongodb://u:%1@h:99999/db"),
        QStringLiteral("sqlite://u:%1@h/db.db"),
        QStringLiteral("cassandra://u:%1@h:9042/db"),
        QStringLiteral("MYSQL://U:%1@H/DB"),
        // Odd characters in the password, unencoded: the authority ends inside it.
        QStringLiteral("mysql://u:PLANTED/s3cret@h/db"),
        QStringLiteral("mysql://u:PLANTED?s3cret@h/db"),
        QStringLiteral("mysql://u:PLANTED#s3cret@h/db"),
        QStringLiteral("mysql://u:PLANTED@s3cret@h/db"),
        QStringLiteral("mysql://u:PLANTED s3cret@h/db"),
        QStringLiteral("mysql://u:PLANTED\ns3cret@h/db"),
        QStringLiteral("mysql://u:PLANTED\x1b[2Js3cret@h/db"),
        QStringLiteral("mysql://u:12/%1@h/db"),
        QStringLiteral("mysql://u:%1@h:3306/db?x=a@b"),
        // Percent-encoded: the password, or the '@' that should end it.
        QStringLiteral("mysql://u:PLANTED%2Ds3cret@h/db"),
        QStringLiteral("mysql://u:%1%40h/db"),
        QStringLiteral("postgresql://u%3A%1@h/db"),
        // IPv6 brackets, closed and not.
        QStringLiteral("postgresql://u:%1@[::1]:5432/db"),
        QStringLiteral("postgresql://u:%1@[::1]:x/db"),
        QStringLiteral("postgresql://u:%1@[::1/db"),
        QStringLiteral("postgresql://[::1]:%1/db"),
        // Query options that carry passwords.
        QStringLiteral("mysql://u@h/db?password=%1"),
        QStringLiteral("postgresql://u@h/db?tls=require&sslpassword=%1"),
        QStringLiteral("mongodb://h/db?authMechanismProperties=AWS_SESSION_TOKEN:%1"),
        QStringLiteral("mongodb://h/db?tlsCertificateKeyFilePassword=%1"),
        QStringLiteral("redis://h/0?PASSWORD=%1"),
        QStringLiteral("hive2://h/db?auth=PLAIN#password=%1"),
        // No "//", no scheme.
        QStringLiteral("mysql:u:%1@h/db"),
        QStringLiteral("mysql:/u:%1@h/db"),
        QStringLiteral("u:%1@h"),
        QStringLiteral("syncscope:%1"),
        QStringLiteral("//u:%1@h/db"),
        QStringLiteral("-u:%1@h"),
        // Long: cut, and still without it.
        QStringLiteral("mysql://u:%1@h/") + QString(10000, QLatin1Char('d')),
        QString(600, QLatin1Char('x')) + QStringLiteral("mysql://u:%1@h/db"),
    };
    for (QString& u : uris)
        u.replace(QLatin1String("%1"), p);
    return uris;
}

} // namespace lab

#pragma once
// A throwaway certificate authority and a server certificate it signed, made with the openssl
// command when a test starts (keys are never committed): for the peers' TLS. The server's
// certificate names `localhost` only, so a client that reaches it as 127.0.0.1 must refuse it
// for the host name; `otherCa` is a second authority that signed nothing here.
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace lab {

class TestCerts {
public:
    bool make(QString& problem) {
        if (!dir_.isValid()) {
            problem = QStringLiteral("no temporary folder for the certificates");
            return false;
        }
        const QString ext = path(QStringLiteral("ext.cnf"));
        QFile f(ext);
        if (!f.open(QIODevice::WriteOnly) || f.write("subjectAltName=DNS:localhost\n") < 0) {
            problem = QStringLiteral("cannot write ") + ext;
            return false;
        }
        f.close();
        return openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), path(QStringLiteral("ca.key")),
                        QStringLiteral("-out"), caFile(), QStringLiteral("-days"),
                        QStringLiteral("2"), QStringLiteral("-subj"),
                        QStringLiteral("/CN=Syncscope test CA")},
                       problem) &&
               openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), path(QStringLiteral("other.key")),
                        QStringLiteral("-out"), otherCaFile(), QStringLiteral("-days"),
                        QStringLiteral("2"), QStringLiteral("-subj"),
                        QStringLiteral("/CN=Another CA")},
                       problem) &&
               openssl({QStringLiteral("req"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), keyFile(), QStringLiteral("-out"),
                        path(QStringLiteral("server.csr")), QStringLiteral("-subj"),
                        QStringLiteral("/CN=localhost")},
                       problem) &&
               openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                        path(QStringLiteral("server.csr")), QStringLiteral("-CA"), caFile(),
                        QStringLiteral("-CAkey"), path(QStringLiteral("ca.key")),
                        QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), certFile(),
                        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                        ext},
                       problem);
    }

    QString caFile() const { return path(QStringLiteral("ca.pem")); }
    QString otherCaFile() const { return path(QStringLiteral("other.pem")); }
    QString certFile() const { return path(QStringLiteral("server.pem")); }
    QString keyFile() const { return path(QStringLiteral("server.key")); }
    // The peer's arguments to serve with this certificate.
    QStringList peerArgs() const {
        return {QStringLiteral("--tls-cert"), certFile(), QStringLiteral("--tls-key"), keyFile()};
    }

private:
    QString path(const QString& name) const { return dir_.filePath(name); }

    static bool openssl(const QStringList& args, QString& problem) {
        QProcess p;
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0) {
            problem = QStringLiteral("openssl %1 failed: %2 %3")
                          .arg(args.first(), p.errorString(),
                               QString::fromLocal8Bit(p.readAllStandardError()));
            return false;
        }
        return true;
    }

    QTemporaryDir dir_;
};

} // namespace lab

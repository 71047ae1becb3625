#pragma once
// A throwaway MIT Kerberos realm for the Hive peer's Kerberos login: a KDC (krb5kdc) on a free
// loopback port over a database in a temporary folder, the service principal hive/localhost
// with its keytab for the peer, and a user `grader` logged in (kinit from its own keytab) into
// a credential cache of the folder. start() points this process's Kerberos at them
// (KRB5_CONFIG, KRB5CCNAME, KRB5_KTNAME), which the peers and CLIs it starts inherit. Nothing
// of it outlives the test: the KDC goes with this object, the folder with it.
#include "freeport.h"
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lab {

class TestKdc {
public:
    static constexpr const char* kRealm = "SYNCSCOPE.TEST";

    ~TestKdc() {
        if (kdc_.state() != QProcess::NotRunning) {
            kdc_.terminate();
            kdc_.waitForFinished(5000);
        }
    }

    // Why this machine cannot run one (the MIT KDC's packages missing), or empty.
    static QString missing() {
        for (const char* tool : {"krb5kdc", "kdb5_util", "kadmin.local", "kinit"})
            if (QStandardPaths::findExecutable(
                    QLatin1String(tool), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")})
                    .isEmpty())
                return QStringLiteral("%1 is not installed (scripts/setup installs krb5-kdc, "
                                      "krb5-admin-server and krb5-user)")
                    .arg(QLatin1String(tool));
        return {};
    }

    bool start(QString& problem) {
        if (!dir_.isValid()) {
            problem = QStringLiteral("no temporary folder for the KDC");
            return false;
        }
        const int port = lab::freePort();
        const QString realm = QLatin1String(kRealm);
        if (!write(QStringLiteral("krb5.conf"),
                   QStringLiteral("[libdefaults]\n default_realm = %1\n dns_lookup_kdc = false\n"
                                  " dns_lookup_realm = false\n rdns = false\n"
                                  " dns_canonicalize_hostname = false\n"
                                  "[realms]\n %1 = {\n  kdc = 127.0.0.1:%2\n }\n")
                       .arg(realm)
                       .arg(port),
                   problem) ||
            !write(QStringLiteral("kdc.conf"),
                   QStringLiteral("[kdcdefaults]\n kdc_listen = 127.0.0.1:%2\n"
                                  " kdc_tcp_listen = 127.0.0.1:%2\n"
                                  "[realms]\n %1 = {\n  database_name = %3\n"
                                  "  key_stash_file = %4\n }\n"
                                  "[logging]\n kdc = FILE:%5\n")
                       .arg(realm)
                       .arg(port)
                       .arg(path(QStringLiteral("principal")), path(QStringLiteral("stash")),
                            path(QStringLiteral("kdc.log"))),
                   problem))
            return false;
        qputenv("KRB5_CONFIG", path(QStringLiteral("krb5.conf")).toUtf8());
        qputenv("KRB5_KDC_PROFILE", path(QStringLiteral("kdc.conf")).toUtf8());
        qputenv("KRB5_KTNAME", serviceKeytab().toUtf8());
        qputenv("KRB5CCNAME", (QStringLiteral("FILE:") + path(QStringLiteral("cc"))).toUtf8());
        const auto admin = [&](const QString& query) {
            return run(QStringLiteral("kadmin.local"),
                       {QStringLiteral("-r"), realm, QStringLiteral("-q"), query}, problem);
        };
        if (!run(QStringLiteral("kdb5_util"),
                 {QStringLiteral("create"), QStringLiteral("-s"), QStringLiteral("-r"), realm,
                  QStringLiteral("-P"), QStringLiteral("throwaway-master-key")},
                 problem) ||
            !admin(QStringLiteral("addprinc -randkey hive/localhost")) ||
            !admin(QStringLiteral("addprinc -randkey grader")) ||
            !admin(QStringLiteral("ktadd -k %1 hive/localhost").arg(serviceKeytab())) ||
            !admin(QStringLiteral("ktadd -k %1 grader").arg(path(QStringLiteral("grader.keytab")))))
            return false;
        kdc_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        kdc_.start(QStringLiteral("krb5kdc"), {QStringLiteral("-n"), QStringLiteral("-r"), realm});
        if (!kdc_.waitForStarted(10000)) {
            problem = QStringLiteral("krb5kdc did not start: ") + kdc_.errorString();
            return false;
        }
        // The KDC listens a moment after it starts: kinit until it answers.
        for (int attempt = 0; attempt < 50; ++attempt) {
            if (run(QStringLiteral("kinit"),
                    {QStringLiteral("-kt"), path(QStringLiteral("grader.keytab")),
                     QStringLiteral("grader")},
                    problem))
                return true;
            usleep(100000);
        }
        return false;
    }

    QString serviceKeytab() const { return path(QStringLiteral("service.keytab")); }
    // The credential cache `grader` is logged in to; another, empty one, for a user who is not.
    QString cache() const { return QStringLiteral("FILE:") + path(QStringLiteral("cc")); }
    QString emptyCache() const { return QStringLiteral("FILE:") + path(QStringLiteral("none")); }

private:
    QString path(const QString& name) const { return dir_.filePath(name); }

    bool write(const QString& name, const QString& text, QString& problem) const {
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0) {
            problem = QStringLiteral("cannot write ") + f.fileName();
            return false;
        }
        return true;
    }

    static bool run(const QString& program, const QStringList& args, QString& problem) {
        QProcess p;
        p.start(program, args);
        if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0) {
            problem = QStringLiteral("%1 %2 failed: %3%4")
                          .arg(program, args.join(QLatin1Char(' ')), p.errorString(),
                               QString::fromLocal8Bit(p.readAllStandardError()));
            return false;
        }
        return true;
    }

    QTemporaryDir dir_;
    QProcess kdc_;
};

} // namespace lab

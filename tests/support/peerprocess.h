#pragma once
// A protocol peer (tests/peers) run for a test: started with --exit-with-stdin, so that it goes
// when the test does even if the test crashes, and read for the "PORT n" line it prints once it
// listens.
#include <QProcess>
#include <QStringList>

namespace lab {

class PeerProcess {
public:
    ~PeerProcess() { stop(); }

    bool start(const QString& program, const QStringList& args, QString& problem) {
        process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process_.start(program, args + QStringList{QStringLiteral("--exit-with-stdin")});
        if (!process_.waitForStarted(10000) || !process_.waitForReadyRead(10000)) {
            problem = QStringLiteral("%1 did not start: %2").arg(program, process_.errorString());
            return false;
        }
        const QString line = QString::fromUtf8(process_.readLine()).trimmed();
        if (!line.startsWith(QLatin1String("PORT "))) {
            problem = QStringLiteral("%1 said '%2' instead of its port").arg(program, line);
            return false;
        }
        port_ = line.mid(5).toInt();
        return port_ > 0;
    }

    void stop() {
        if (process_.state() == QProcess::NotRunning)
            return;
        process_.terminate();
        if (!process_.waitForFinished(10000))
            process_.kill();
        process_.waitForFinished(10000);
    }

    int port() const { return port_; }
    qint64 pid() const { return process_.processId(); }

private:
    QProcess process_;
    int port_ = 0;
};

} // namespace lab

#pragma once
// syncscope-cli as the CLI tests run it: a separate process, its exit status and both outputs.
#include <QProcess>
#include <QStringList>

#include <tuple>

namespace lab {

// (exit status, stdout, stderr); -1 and "timed out" when it did not end within `timeoutMs`.
inline std::tuple<int, QString, QString> runCli(const QStringList& args, int timeoutMs = 300000) {
    QProcess p;
    p.start(QStringLiteral(SYNCSCOPE_CLI), args);
    if (!p.waitForFinished(timeoutMs))
        return {-1, {}, QStringLiteral("timed out")};
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace lab

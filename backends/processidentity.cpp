#include "processidentity.h"

#include <QFile>
#include <QSysInfo>

#include <unistd.h>

namespace syncscope {

namespace {
std::string firstLineOf(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readLine().trimmed().toStdString();
}

std::string machine() {
    const std::string id = firstLineOf(QStringLiteral("/etc/machine-id"));
    char ns[64] = {};
    const ssize_t n = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1); // "pid:[N]"
    if (id.empty() || n <= 0)
        return {};
    return id + "/" + std::string(ns, static_cast<size_t>(n));
}
} // namespace

std::optional<int64_t> startTicksOf(int64_t pid) {
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray stat = f.readAll();
    // The command name (field 2) is in parentheses and may hold spaces or ')': the fields
    // after it start after its last ')'. Field 22 is the 20th after it.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 1).simplified().split(' ');
    if (fields.size() < 20)
        return std::nullopt;
    bool ok = false;
    const int64_t ticks = fields.at(19).toLongLong(&ok);
    return ok ? std::optional<int64_t>(ticks) : std::nullopt;
}

ProcessIdentity thisProcess() {
    ProcessIdentity self;
    self.host = QSysInfo::machineHostName().toStdString();
    self.machine = machine();
    self.bootId = firstLineOf(QStringLiteral("/proc/sys/kernel/random/boot_id"));
    self.pid = static_cast<int64_t>(::getpid());
    self.startTicks = startTicksOf(self.pid).value_or(0);
    return self;
}

ProcessLiveness livenessOf(const ProcessIdentity& other) {
    const ProcessIdentity self = thisProcess();
    if (self.machine.empty() || other.machine != self.machine || self.bootId.empty() ||
        other.bootId.empty() || self.startTicks == 0)
        return ProcessLiveness::Unknown;
    if (other.bootId != self.bootId)
        return ProcessLiveness::Ended; // this machine was started again since
    const std::optional<int64_t> ticks = startTicksOf(other.pid);
    return ticks && *ticks == other.startTicks ? ProcessLiveness::Running : ProcessLiveness::Ended;
}

} // namespace syncscope

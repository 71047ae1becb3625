#include "runmarker.h"

#include <QSettings>

namespace syncscope {

namespace {
const QString kGroup = QStringLiteral("lastRun");
constexpr qint64 kWriteEveryMs = 1000;
} // namespace

void RunMarker::started(const QString& scriptPath, int done, int total) {
    running_ = true;
    QSettings settings;
    settings.beginGroup(kGroup);
    settings.setValue(QStringLiteral("script"), scriptPath);
    settings.setValue(QStringLiteral("total"), total);
    settings.setValue(QStringLiteral("running"), true);
    settings.endGroup();
    write(done, false);
}

void RunMarker::progressed(int done) {
    if (running_ && sinceWrite_.hasExpired(kWriteEveryMs))
        write(done, false);
}

void RunMarker::stopped() {
    if (!running_)
        return;
    running_ = false;
    QSettings().remove(kGroup);
}

void RunMarker::closing(int done) {
    if (running_)
        write(done, true);
}

void RunMarker::write(int done, bool exact) {
    QSettings settings;
    settings.beginGroup(kGroup);
    settings.setValue(QStringLiteral("done"), done);
    settings.setValue(QStringLiteral("exact"), exact);
    settings.endGroup();
    settings.sync();
    sinceWrite_.start();
}

std::optional<RunMarker::CutShort> RunMarker::takeCutShort() {
    QSettings settings;
    settings.beginGroup(kGroup);
    if (!settings.value(QStringLiteral("running")).toBool())
        return std::nullopt;
    CutShort cut{settings.value(QStringLiteral("script")).toString(),
                 settings.value(QStringLiteral("done")).toInt(),
                 settings.value(QStringLiteral("total")).toInt(),
                 settings.value(QStringLiteral("exact")).toBool()};
    settings.endGroup();
    settings.remove(kGroup);
    return cut;
}

} // namespace syncscope

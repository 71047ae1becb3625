#include "followstatefile.h"

#include "displayuri.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace syncscope {

QString defaultFollowStatePath(const QString& workspace, const QString& source) {
    const QFileInfo info(workspace);
    return info.absolutePath() + QLatin1Char('/') + info.completeBaseName() +
           QStringLiteral(".follow-") + source + QStringLiteral(".json");
}

std::optional<FollowState> readFollowState(const QString& path, QString& error) {
    QFile file(path);
    if (!file.exists())
        return FollowState{};
    if (!file.open(QIODevice::ReadOnly)) {
        error = displayUri(path) + QStringLiteral(": ") + file.errorString();
        return std::nullopt;
    }
    QString why;
    std::optional<FollowState> state = FollowState::fromJson(file.readAll(), why);
    if (!state)
        error = displayUri(path) + QStringLiteral(": ") + why;
    return state;
}

bool writeFollowState(const QString& path, const FollowState& state, QString& error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(state.toJson()) < 0 || !file.commit()) {
        error = QStringLiteral("cannot save the follow position to %1: %2")
                    .arg(displayUri(path), file.errorString());
        return false;
    }
    return true;
}

} // namespace syncscope

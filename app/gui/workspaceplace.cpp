#include "workspaceplace.h"

#include "workspacefile.h"
#include "workspacesession.h"

#include <QDir>
#include <QFileInfo>

namespace syncscope {

WorkspacePlace WorkspacePlace::openDefault(const QString& dataDir) {
    WorkspacePlace place;
    place.label = defaultLabel(dataDir);
    const QString kept = defaultFile(dataDir);
    if (QFileInfo::exists(kept)) {
        WorkspaceFile file = WorkspaceFile::load(kept);
        if (file.error.isEmpty()) {
            place.stores = std::move(file.stores);
            return place;
        }
        place.problem = QStringLiteral("The default workspace's store list could not be read, "
                                       "so the built-in stores are opened instead: %1")
                            .arg(file.error);
    }
    place.stores = WorkspaceSession::defaultStores(dataDir);
    return place;
}

QString WorkspacePlace::defaultLabel(const QString& dataDir) {
    return QStringLiteral("default workspace (embedded SQLite in %1)").arg(dataDir);
}

QString WorkspacePlace::defaultFile(const QString& dataDir) {
    return QDir(dataDir).absoluteFilePath(QStringLiteral("workspace.json"));
}

QString WorkspacePlace::fileOf(const QString& label, const QString& dataDir) {
    if (label == defaultLabel(dataDir))
        return defaultFile(dataDir);
    // File > Open Workspace and --workspace show the file's path as the label. It stays the
    // place even when the file or its folder is gone since: saving there then fails, and
    // quitting asks.
    if (label.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) && !QFileInfo(label).isDir())
        return QFileInfo(label).absoluteFilePath();
    return {};
}

} // namespace syncscope

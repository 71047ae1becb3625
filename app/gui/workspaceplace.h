#pragma once

#include "storedirectory.h"

#include <QString>

#include <vector>

namespace syncscope {

// Where the window's store list lives between runs. A workspace opened from a JSON file is
// kept in that file; the default workspace is kept in workspace.json in its data folder once
// the user edits it, and read from there at the next start. Store > Add / Edit / Remove
// write the list there as they happen, so quitting loses nothing.
struct WorkspacePlace {
    std::vector<StoreSpec> stores;
    QString label;   // the window's title: the file's path, or a description of the default
    QString problem; // why the kept default list could not be read (the built-in list is used)

    // The default workspace: the kept list when there is one, else one SQLite file per
    // default store in dataDir.
    static WorkspacePlace openDefault(const QString& dataDir);
    static QString defaultLabel(const QString& dataDir);
    static QString defaultFile(const QString& dataDir);
    // The file a workspace shown as `label` is kept in, or an empty string when it is kept
    // nowhere (a list made by a test or a demo's command line).
    static QString fileOf(const QString& label, const QString& dataDir);
};

} // namespace syncscope

#pragma once

#include "storedirectory.h"

#include <QString>

#include <vector>

namespace syncscope {

// A configured workspace (docs/backends.md) read from its JSON file:
//   {"stores": [{"name": "SQL", "aliases": ["MYSQL"], "uri": "sqlite:///abs/sql.db"}, ...]}
// Names must be canonical and unique across names and aliases; URIs carry no password.
struct WorkspaceFile {
    std::vector<StoreSpec> stores;
    QString error; // empty when the file was read and is valid

    static WorkspaceFile load(const QString& path);
    static WorkspaceFile fromJson(const QByteArray& json, const QString& origin);

    static QByteArray toJson(const std::vector<StoreSpec>& stores);
    // Writes atomically (QSaveFile); returns an error message or an empty string.
    static QString save(const QString& path, const std::vector<StoreSpec>& stores);
};

} // namespace syncscope

#pragma once
// The password tests' search: every file below a folder (hidden ones and subfolders included)
// read whole and looked through for any of the planted secrets.
#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QStringList>

#include <vector>

namespace lab {

struct SecretSearch {
    int files = 0;       // files read
    QStringList holding; // those that hold a secret, or could not be read
};

inline SecretSearch searchFiles(const QString& folder, const std::vector<QByteArray>& secrets) {
    SecretSearch found;
    for (QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
         it.hasNext();) {
        QFile f(it.next());
        ++found.files;
        if (!f.open(QIODevice::ReadOnly)) {
            found.holding << f.fileName() + QStringLiteral(" (unreadable)");
            continue;
        }
        const QByteArray bytes = f.readAll();
        for (const QByteArray& secret : secrets)
            if (bytes.contains(secret)) {
                found.holding << f.fileName();
                break;
            }
    }
    return found;
}

} // namespace lab

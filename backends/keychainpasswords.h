#pragma once
// Server passwords in the system keychain (QtKeychain: the Secret Service on Linux, the macOS
// Keychain, Windows' Credential Manager), for the GUI; the CLI reads SYNCSCOPE_PASSWORD_<STORE>.
//
// An entry is keyed by the store's URI, which never holds a password: a password saved for one
// server account is never offered to another when a workspace is edited to point elsewhere.
// Call these from a thread with an event loop (the UI thread). The keychain may take its time
// (a locked keyring asks the user to unlock it); the answers come through the futures and
// nothing waits.
#include <QFuture>
#include <QString>

namespace syncscope::keychain {

struct Answer {
    QString password; // null when the keychain holds none for the URI, or could not be read
    QString problem;  // why the keychain could not be read; empty when it answered
};

QFuture<Answer> readPassword(const QString& uri);
// Both answer with why the keychain refused, or an empty string.
QFuture<QString> savePassword(const QString& uri, const QString& password);
// Forgetting a password that was never saved is no problem.
QFuture<QString> forgetPassword(const QString& uri);

} // namespace syncscope::keychain

#pragma once
// A store URI as messages, logs, the window and files show it: never with a password.
#include <QString>

namespace syncscope {

// `uri` for people to read, with whatever may be a password taken out, whether or not the URI
// parses: the text between the user name's ':' and the last '@' (user:pw@host shows user@host;
// a password holding '/', '?', '#' or '@' goes whole), a "port" that is not digits (user:pw
// with the '@' and host missing, or an encoded '@'), what follows "user:" when there is no
// "//" at all, and the value of a query option whose name speaks of a password, secret, token
// or credential (?password=…, sslpassword=…, authMechanismProperties=…) as ***. Then control
// bytes as \xNN and at most 512 bytes. Erring towards hiding: a URI with an '@' in its query
// after a port shows less than it could.
QString displayUri(const QString& uri);

// Whether displayUri takes something out of `uri` (or it does not parse as a URL and might
// hold a password): such a URI is refused where it would be kept (a workspace file).
bool uriMayHoldPassword(const QString& uri);

} // namespace syncscope

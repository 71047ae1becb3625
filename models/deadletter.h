#pragma once

#include "logrecord.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace syncscope {

// A write a follow set aside instead of delivering: its target would refuse it for what it
// holds (an id or a grade that breaks docs/script-language.md's data rules), or did refuse it
// by a rule of its own (a CHECK, a trigger), so retrying it as is does not succeed, and
// holding the follow for it would block every write after it.
// The follow moves on; the write is kept, whole, in the follow's state file until
// `follow --retry-dead-letters` (or the Follow dock's Retry) offers it again.
struct DeadLetter {
    LogRecord write; // as the source's oplog holds it (position: its place there)
    QString reason;  // why the target refuses it: naming the key, or in the server's words
    qint64 atMs = 0; // when it was set aside (ms since the epoch)

    // The write as one line, for messages: "MARIA:17 SET (S2,C1) = 'B\x01'".
    QString describe() const;

    // Every byte is kept: a field that is not valid UTF-8 (the very thing that may have set it
    // aside) is stored as base64 under "<name>_base64".
    QJsonObject toJson() const;
    // nullopt with `error` when `json` is not a dead letter.
    static std::optional<DeadLetter> fromJson(const QJsonObject& json, QString& error);
};

} // namespace syncscope

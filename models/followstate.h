#pragma once

#include "deadletter.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace syncscope {

// Where a follow (live replication) stands, kept in a file between runs so a restart
// of a target or of Syncscope resumes where it stopped. For every target: the position in the
// source's oplog up to which its writes have been delivered. A position saved late costs
// nothing but time: writes delivered again are recognised by identity and left out
// (writeidentities.h).
struct FollowState {
    struct Target {
        QString location; // the target's URI without credentials, when the position was saved
        int64_t position = 0;
        // Writes set aside for this target (deadletter.h), kept with the position that moved
        // past them: one file, replaced whole, so a crash keeps both or neither.
        std::vector<DeadLetter> deadLetters;
    };
    QString source;
    QString sourceLocation;
    std::map<QString, Target> targets; // by store name

    // Where `target` (at `location`) resumes: 0 when the source or the target is not the one
    // the position was saved for (a store pointed elsewhere starts from the beginning).
    int64_t resumeAt(const QString& sourceLocationNow, const QString& target,
                     const QString& targetLocation) const;

    QByteArray toJson() const;
    // nullopt with `error` (naming what is wrong) when `json` is not a follow state.
    static std::optional<FollowState> fromJson(const QByteArray& json, QString& error);
};

} // namespace syncscope

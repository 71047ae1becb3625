#pragma once

#include <QString>
#include <QStringList>

#include <cstdio>

namespace syncscope {

struct FollowOptions {
    QString workspace;
    QString from;                  // the source store (name or alias)
    QStringList to;                // the targets
    QString state;                 // the positions file; empty: defaultFollowStatePath()
    bool untilCaughtUp = false;    // stop once every target has everything the source has
    double seconds = 0;            // stop after this long (0: run until interrupted)
    bool retryDeadLetters = false; // offer the writes set aside before again, first
};

// `syncscope-cli follow`: live replication from one store to others (replicator.h) until
// SIGINT or SIGTERM (or --until-caught-up, --seconds), then a clean stop: the batch being
// written lands whole and the positions are saved. Progress (position, rate, lag p50/p99 per
// target) goes to `err` every second, a failing target's retries too; a summary to `out`.
// Exit 0 after a clean stop, 2 on bad options, 3 when the source cannot be opened.
int followWorkspace(const FollowOptions& options, std::FILE* out, std::FILE* err);

} // namespace syncscope

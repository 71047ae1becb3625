#pragma once

#include <QString>

#include <cstdint>

namespace syncscope {

// One target's side of a follow, as the views and the CLI show it.
struct FollowProgress {
    enum class State { Starting, Following, Paused, Retrying, Stopped };
    State state = State::Starting;
    int64_t position = 0;   // in the source's oplog: delivered up to here
    qint64 applied = 0;     // writes appended to the target since the start
    qint64 alreadyHeld = 0; // writes left out because the target held them
    qint64 setAside = 0;    // writes listed as dead letters (deadletter.h), now
    bool caughtUp = false;  // the last read of the source found nothing more
    QString problem;        // while Retrying: what failed, naming the store
    int retryInMs = 0;
};

const char* followStateName(FollowProgress::State state); // "following", "retrying", …

} // namespace syncscope

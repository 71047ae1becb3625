#include "followprogress.h"

namespace syncscope {

const char* followStateName(FollowProgress::State state) {
    switch (state) {
    case FollowProgress::State::Starting:
        return "starting";
    case FollowProgress::State::Following:
        return "following";
    case FollowProgress::State::Paused:
        return "paused";
    case FollowProgress::State::Retrying:
        return "retrying";
    case FollowProgress::State::Stopped:
        return "stopped";
    }
    return "";
}

} // namespace syncscope

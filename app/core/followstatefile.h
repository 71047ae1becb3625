#pragma once

#include "followstate.h"

#include <QString>

#include <optional>

namespace syncscope {

// Where a follow from `source` keeps its positions by default: next to the workspace file,
// `<workspace>.follow-<SOURCE>.json`, so the CLI and the window resume each other's follows.
QString defaultFollowStatePath(const QString& workspace, const QString& source);

// The state in `path`; an empty state when the file does not exist yet; nullopt with `error`
// (naming the file) when it cannot be read or is not a follow state.
std::optional<FollowState> readFollowState(const QString& path, QString& error);
// Replaces the file whole (written aside, then renamed), so a crash leaves the old state or
// the new one, never half of one.
bool writeFollowState(const QString& path, const FollowState& state, QString& error);

} // namespace syncscope

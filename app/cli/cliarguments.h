#pragma once

#include "followcommand.h"
#include "loadcommand.h"
#include "runcommand.h"
#include "verifycommand.h"

#include <QStringList>

namespace syncscope {

struct CliArguments {
    enum class Action { Run, Verify, Load, Follow, Help, Invalid } action = Action::Invalid;
    RunOptions run;
    VerifyOptions verify;
    LoadOptions load;
    FollowOptions follow;
    QString error; // for Invalid

    static CliArguments parse(const QStringList& args); // args without the program name
    static CliArguments parseVerify(const QStringList& args);
    static CliArguments parseLoad(const QStringList& args);
    static CliArguments parseFollow(const QStringList& args);
    static QString usage();
};

} // namespace syncscope

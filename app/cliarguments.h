#pragma once

#include "scriptrun.h"

#include <QStringList>

namespace syncscope {

struct CliArguments {
    enum class Action { Run, Help, Invalid } action = Action::Invalid;
    RunOptions run;
    QString error; // for Invalid

    static CliArguments parse(const QStringList& args); // args without the program name
    static QString usage();
};

} // namespace syncscope

#pragma once

#include "commandexecutor.h"

#include <string>

namespace syncscope {

// What a command did, in words, for the console beside the line the user typed or stepped:
// "written at ts 5"; "logged, but superseded on arrival: SQL holds a newer write, B at ts 9
// (HIVE:3)"; "3 writes applied"; "nothing to apply". Empty for a GET, whose answer is its line.
std::string commandEffect(Op op, const CommandExecutor::Outcome& done, const Engine& engine);

} // namespace syncscope

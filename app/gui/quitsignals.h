#pragma once
// SIGTERM, SIGINT and SIGHUP (`kill`, Ctrl+C in the terminal that started the program, the
// desktop session ending) quit the program as File > Quit does, minus the questions: nobody is
// there to answer them. Without this the default action ends the process on the spot, and a Run
// in progress would not keep its place for the next start.
#include <functional>

namespace syncscope {

// From then on, each of those signals calls `quit` on the main thread (once per signal). The
// handler only writes a byte to a pipe, which is all a signal handler may safely do.
void quitOnSignals(std::function<void()> quit);

} // namespace syncscope

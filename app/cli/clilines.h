#pragma once
// One line of the headless commands' output (stdout) or diagnostics (stderr), flushed at once
// so progress and errors show as they happen, in order with the other stream.
#include "errorlist.h"

#include <QByteArray>
#include <QString>

#include <cstdio>
#include <string>
#include <vector>

namespace syncscope {

inline void say(std::FILE* to, const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), to);
    std::fputc('\n', to);
    std::fflush(to);
}

inline void say(std::FILE* to, const QString& line) {
    say(to, line.toStdString());
}

// A file's errors (a script's, a seed CSV's): each as FILE:LINE:COL: message, then "… and N
// more errors" for those found past kMaxErrorsShown.
template <class File>
void sayErrors(std::FILE* to, const File& file, const std::vector<ScriptError>& shown,
               size_t more) {
    for (const ScriptError& e : shown)
        say(to, file.formatError(e));
    if (more > 0)
        say(to, moreErrorsLine(more));
}

} // namespace syncscope

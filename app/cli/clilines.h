#pragma once
// One line of the headless commands' output (stdout) or diagnostics (stderr), flushed at once
// so progress and errors show as they happen, in order with the other stream.
#include <QByteArray>
#include <QString>

#include <cstdio>
#include <string>

namespace syncscope {

inline void say(std::FILE* to, const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), to);
    std::fputc('\n', to);
    std::fflush(to);
}

inline void say(std::FILE* to, const QString& line) {
    say(to, line.toStdString());
}

} // namespace syncscope

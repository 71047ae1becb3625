#pragma once

#include <QElapsedTimer>
#include <QString>

#include <optional>

namespace syncscope {

// Remembers, between runs of the program, that a script Run is under way and how far it got,
// so that a Run cut short (the window quit during it, the program killed) is known at the next
// start. Kept in QSettings; the position is written at most about once a second while running,
// and exactly when the run stops or the window closes.
class RunMarker {
public:
    struct CutShort {
        QString scriptPath;
        int done = 0; // commands run when last written (at least; a kill may lose a second)
        int total = 0;
        bool exact = false; // written as the window closed
    };

    // A run of the script started (or went on) from `done` commands.
    void started(const QString& scriptPath, int done, int total);
    void progressed(int done);
    // The run came to its end or was paused: nothing was cut short.
    void stopped();
    // The window closes while the run is under way: the position as it stands now.
    void closing(int done);

    // What the last run of the program left: a run cut short, if any. Forgotten once read.
    static std::optional<CutShort> takeCutShort();

private:
    void write(int done, bool exact);

    bool running_ = false;
    QElapsedTimer sinceWrite_;
};

} // namespace syncscope

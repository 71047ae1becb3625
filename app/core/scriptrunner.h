#pragma once

#include "script.h"

#include <QObject>
#include <QString>

#include <algorithm>
#include <memory>
#include <vector>

namespace syncscope {

class CommandSession;

// The testcase file the window has open and how far it has run: open, step, run a stretch,
// pause, skip ahead, and Reset (every store back to where the script began). The commands run
// on the session's engine, as typed lines do, in stretches of about 20 ms whose results come
// back one at a time, so a Pause takes effect promptly and the UI thread is never stalled.
//
// The script and its position live here, on the UI thread; the engine keeps only where it is
// in the script (CommandSession::runScriptStretch). When the session drops its engine (another
// writer took an identity it needed), the script stops and starts again from its first command.
class ScriptRunner : public QObject {
    Q_OBJECT
public:
    explicit ScriptRunner(CommandSession* session, QObject* parent = nullptr);

    // Reads and parses the file whole (docs/script-language.md) on the thread pool, with its own
    // timestamp clock; opened() follows with its errors (file:line:col). A script with errors
    // cannot run. A later open supersedes an earlier one.
    void open(const QString& path);
    bool hasRunnableScript() const { return script_ && script_->ok(); }
    int total() const { return script_ ? static_cast<int>(script_->commands.size()) : 0; }
    // How many commands have run.
    int done() const { return done_; }
    // A run or steps are under way.
    bool isBusy() const { return target_ > done_; }
    // The line of the command that runs next, or 0 at the end.
    int nextLine() const;
    // How many commands come before the first one on or after `line`.
    int commandsBeforeLine(int line) const;

    // Runs commands until `count` of them have run (or the script ends); progress() reports
    // each stretch as the engine finishes it.
    void runTo(int count);
    // One more command (steps queue up while the engine works).
    void step() { runTo(std::max(target_, done_) + 1); }
    // Stops a run after the stretch the engine is on.
    void stop() { target_ = done_; }
    // Takes the script to `count` commands without running any: those ran before (the stores
    // hold their effects), in a window this one replaces. progress() follows.
    void skipTo(int count);

    // Remembers where every store's oplog ends now (after everything already typed is
    // written): the point Reset returns to. Not while a store cannot be reached (Reset stays
    // off). resetPointReady() follows.
    void markResetPoint();
    bool canReset() const;
    // Rolls every store back to the reset point, rebuilds the engine from the stores and
    // rewinds the script to its start; resetDone() then the session's ready() follow, and a new
    // reset point is taken.
    void reset();

Q_SIGNALS:
    // The file open() read: its text and errors (the first kMaxErrorsShown, and how many
    // more), or why it could not be read (then the script that was open stays).
    void opened(const QString& path, const QString& text,
                const std::vector<syncscope::ScriptError>& errors, qsizetype moreErrors,
                const QString& readError);
    void progress(int done);
    void resetPointReady();
    void resetDone();

private:
    void requestStretch();
    // A stretch (or a skip) came back from the engine: `count` commands have run; `blocked`
    // when a command naming an unavailable store stopped it (the session said why).
    void stretchRan(int count, bool blocked);
    // The engine's script position is back at the first command.
    void rewind();

    CommandSession* session_;
    std::shared_ptr<const Script> script_; // read-only once parsed: shared with the engine
    std::vector<size_t> stores_;           // the script's store names bound to the session's
    quint64 openGeneration_ = 0;
    int done_ = 0;
    int target_ = 0;
    bool stretchOut_ = false; // a stretch is on the engine: the next is asked for when it is back
    std::vector<int64_t> resetPoints_; // per store; empty until markResetPoint() completes
};

} // namespace syncscope

#pragma once

#include "runmarker.h"
#include "script.h"

#include <QObject>
#include <QString>

#include <utility>
#include <vector>

class QAction;
class QMenu;

namespace syncscope {

class CommandBar;
class CommandSession;
class ConsoleView;
class MainWindow;
class MergeRunner;
class ScriptPanel;
class ScriptRunner;
class WorkspaceSession;

// Testcase files in the window: File > Open Script… (Ctrl+O, or a file dropped on the window)
// and Recent Scripts, and the Script menu: Step (F10), Run (F5), Run to Cursor (Ctrl+F10),
// Pause (Shift+F5) and Reset (Ctrl+Shift+F5). Drives the ScriptRunner and shows what it does
// in the script panel: the file with its errors marked, where it is, what a Reset undid.
//
// A Run is remembered between starts (RunMarker): quitting during one is asked for, and a Run
// the last program did not finish is offered again where it stopped.
class ScriptActions : public QObject {
    Q_OBJECT
public:
    ScriptActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                  ScriptRunner* runner, ScriptPanel* panel, CommandBar* bar, ConsoleView* console,
                  QObject* parent = nullptr);

    // Read and parsed whole off the UI thread, then shown with its errors marked; opened()
    // follows. A Run under way is paused first.
    void open(const QString& path);
    // Opens the script and, when it has no errors, takes it to `done` commands without running
    // them: they ran before, in a window this one replaces or that was cut short.
    void reopenAt(const QString& path, int done);
    void step();
    // Runs to `untilDone` commands (-1: the end) on the engine's thread, in stretches: the
    // window stays responsive.
    void run(int untilDone = -1);
    void runToCursor();
    void pause();
    // Returns every store to its state before the script began, and the script to its start.
    // Undoing merges applied through the Merge dialog is asked for first.
    void reset();

    // The open script's file (absolute), empty when none was opened.
    QString path() const { return path_; }
    // File > Open Script…, also offered by the welcome view.
    QAction* openAction() const { return openAction_; }
    // Merges the runner applies count as what a Reset undoes: it asks before undoing them, and
    // the audit log records the reset.
    void countMergesOf(MergeRunner* merges);
    // Asked before the window closes: quitting during a Run is a choice, not an accident.
    bool mayClose();
    // Quitting with nobody to ask (a signal): a Run stops where it is and keeps its place for
    // the next start, as if Quit had been answered Yes.
    void stopForQuit();
    // The window closes for a quit at last: the kept place is where the run really stopped.
    void keepPlaceAtClose();
    // A Run the last program did not finish (quit during it, or killed): said in the console,
    // and the script offered again where it stopped.
    void offerCutShortRun();

Q_SIGNALS:
    // A script opened through open() is shown; `runnable` when it has no errors.
    void opened(bool runnable);

private:
    void showScript(const QString& path, const QString& text,
                    const std::vector<syncscope::ScriptError>& errors, qsizetype moreErrors,
                    const QString& readError);
    void showProgress(int done);
    void resetDone();
    void updateActions();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();

    MainWindow* window_;
    WorkspaceSession* session_;
    CommandSession* commands_;
    ScriptRunner* runner_;
    ScriptPanel* panel_;
    CommandBar* bar_;
    ConsoleView* console_;
    MergeRunner* merges_ = nullptr;
    QAction* openAction_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QAction* stepAction_ = nullptr;
    QAction* runAction_ = nullptr;
    QAction* runToCursorAction_ = nullptr;
    QAction* pauseAction_ = nullptr;
    QAction* resetAction_ = nullptr;
    RunMarker runMarker_;
    bool quitting_ = false; // stopForQuit(): the program ends, whatever a question says
    bool askingToQuit_ = false;
    QString path_;
    int mergesSinceResetPoint_ = 0;   // applied through the Merge dialog
    std::pair<int, int> resetUndoes_; // commands, merges: what the Reset under way undoes
};

} // namespace syncscope

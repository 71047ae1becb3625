#pragma once

#include "storedirectory.h"
#include "undoactions.h"

#include <QObject>
#include <QString>

#include <QByteArray>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QDockWidget;

namespace syncscope {

class CommandBar;
class ConflictActions;
class LabActions;
class DataActions;
class CaptureWatch;
class FollowActions;
class VerifyActions;
class MergeActions;
class WorkspaceActions;
class CommandSession;
class ScriptRunner;
class OutsideWriteFollower;
class ConsoleView;
class MainWindow;
class ScriptActions;
class ScriptPanel;
class WorkspaceSession;

// What a workspace change (a store added, edited or removed; another workspace opened) keeps
// from the program it replaces: the console, the command history, Undo and Redo (less the steps
// of stores no longer there), the window's size and docks, and the open script at its position.
// What syncscope's command line asks of the window once its stores are loaded, in
// command-line order (docs/gui.md): the -e lines given before --script, then the script's
// first `steps` commands, then the -e lines given after it.
struct StartCommands {
    QStringList linesBefore;
    QString script;
    int steps = 0;
    QStringList linesAfter;
    // `lines` (the -e values, in order) split at --script's place among `arguments`.
    static StartCommands fromArguments(const QStringList& arguments, const QStringList& lines,
                                       const QString& script, int steps);
};

struct CarriedSession {
    QString consoleText;
    QStringList commandHistory;
    UndoHistory undo;
    QByteArray geometry;
    QByteArray dockState;
    QString scriptPath; // empty: no script was open
    int scriptDone = 0;
};

// The desktop program put together: the workspace's stores and their views, the main window
// with a panel per store, the command bar and the console. syncscope's main() and the GUI
// tests build the same object.
class GuiApp : public QObject {
    Q_OBJECT
public:
    GuiApp(std::vector<StoreSpec> stores, const QString& workspaceLabel, QObject* parent = nullptr);
    // The program's resources (icon, sample lecture), for main() to use before a GuiApp exists.
    static void loadResources();
    ~GuiApp() override;

    // Shows the window and opens the stores.
    void start();
    // What a replacement should keep; taken over before its start().
    CarriedSession carry() const;
    void takeOver(CarriedSession carried);
    // Runs lines as if typed in the command bar, in order, each after the one before has been
    // answered, stopping at the first error; then `then` (also after an error).
    void runLines(const QStringList& lines, std::function<void()> then = {});
    // The command line's lines and script, each answered before the next starts (the script's
    // answers before the lines given after it).
    void runStartCommands(const StartCommands& start);
    // Closes the window without asking (see quitsignals.h): a Run keeps its place for the next
    // start, and a store list that could not be kept stays unkept.
    void quitWithoutAsking();

    // Help > Open Sample Lecture: resources/samples/lecture.in with grades.csv imported into
    // every store.
    void openSampleLecture();
    // Testcase files: File > Open Script… and the Script menu.
    ScriptActions* scripts() const { return scripts_; }
    // File > Export Oplogs, Data > Import CSV / Generate Sample Data.
    DataActions* data() const { return data_; }
    // Data > Verify Stores.
    VerifyActions* verifier() const { return verify_; }
    // Data > Follow (live replication).
    FollowActions* follower() const { return follow_; }
    // The Conflicts dock and menu (docs/script-language.md).
    ConflictActions* conflicts() const { return conflicts_; }
    UndoActions* undo() const { return undo_; }
    // The Merge and Audit menus.
    MergeActions* merges() const { return merges_; }
    LabActions* labs() const { return labs_; }
    // File > New / Open / Save Workspace, Store > Add / Edit / Remove.
    WorkspaceActions* workspace() const { return workspace_; }

    ScriptPanel* scriptPanel() const { return scriptPanel_; }

    MainWindow* window() const { return window_.get(); }
    WorkspaceSession* session() const { return session_.get(); }
    CommandSession* commands() const { return commands_.get(); }
    // The open testcase file and how far it has run.
    ScriptRunner* scriptRunner() const { return script_.get(); }
    CommandBar* commandBar() const { return bar_; }
    ConsoleView* console() const { return console_; }

private:
    void connectUnavailableStores();
    void addWelcome();
    // The Welcome tab gives way to the console for good (something ran, or was opened).
    void welcomeStepsAside();
    bool run(const QString& line);
    // Echoes a line in the console and runs it; a refusal is shown there (and, for a line of
    // the command bar, `undoable`, in the bar). False when refused.
    // stepId: the Undo step the line runs for (0: a typed line).
    bool echoAndExecute(const QString& line, bool undoable, quint64 stepId = 0);

    std::unique_ptr<WorkspaceSession> session_;
    std::unique_ptr<CommandSession> commands_;
    // Closing waits for the stores to write what they were handed (closeOnceWritten), at most
    // this long.
    static constexpr int kQuitWaitMs = 10000;
    void closeOnceWritten();
    bool closeWhenWritten_ = false;                  // asked to close; waiting for the writes
    bool closeNow_ = false;                          // the writes are in (or the wait ended): close
    bool quitAfterClose_ = false;                    // a signal asked: every window ends
    std::unique_ptr<ScriptRunner> script_;           // ends before the session it runs on
    std::unique_ptr<OutsideWriteFollower> follower_; // ends before the session it reads for
    std::unique_ptr<CaptureWatch> captureWatch_;     // ends before the session it asks
    std::unique_ptr<MainWindow> window_;
    CommandBar* bar_ = nullptr;
    ConsoleView* console_ = nullptr;
    ScriptPanel* scriptPanel_ = nullptr;
    QDockWidget* welcome_ = nullptr;
    std::optional<CarriedSession> carried_;
    ScriptActions* scripts_ = nullptr;
    DataActions* data_ = nullptr;
    VerifyActions* verify_ = nullptr;
    FollowActions* follow_ = nullptr;
    ConflictActions* conflicts_ = nullptr;
    UndoActions* undo_ = nullptr;
    MergeActions* merges_ = nullptr;
    LabActions* labs_ = nullptr;
    WorkspaceActions* workspace_ = nullptr;
};

} // namespace syncscope

#pragma once

#include "runmarker.h"
#include "script.h"
#include "storedirectory.h"

#include <QObject>
#include <QString>

#include <QByteArray>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QDockWidget;
class QMenu;
class QWidget;

namespace syncscope {

class CommandBar;
class ConflictActions;
class LabActions;
class DataActions;
class FollowActions;
class VerifyActions;
class MergeActions;
class WorkspaceActions;
class CommandSession;
class OutsideWriteFollower;
class ConsoleView;
class MainWindow;
class ScriptPanel;
class WorkspaceSession;

// What a workspace change (a store added, edited or removed; another workspace opened) keeps
// from the program it replaces: the console, the command history, the window's size and docks,
// and the open script at its position.
struct CarriedSession {
    QString consoleText;
    QStringList commandHistory;
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
    // Runs lines as if typed in the command bar, in order, stopping at the first error.
    void runLines(const QStringList& lines);

    // Testcase files: open (read and parsed whole off the UI thread, then shown with its
    // errors marked; scriptOpened() follows), step, run (on the engine's thread, in stretches:
    // the window stays responsive), run to the cursor's line, pause.
    void openScript(const QString& path);
    // Help > Open Sample Lecture: resources/samples/lecture.in with grades.csv imported into
    // every store.
    void openSampleLecture();
    void stepScript();
    void runScript(int untilDone = -1);
    void runToCursor();
    void pauseScript();
    // Returns every store to its state before the script began, and the script to its start.
    void resetScript();
    // File > Export Oplogs, Data > Import CSV / Generate Sample Data.
    DataActions* data() const { return data_; }
    // Data > Verify Stores.
    VerifyActions* verifier() const { return verify_; }
    // Data > Follow (live replication).
    FollowActions* follower() const { return follow_; }
    // The Conflicts dock and menu (docs/script-language.md).
    ConflictActions* conflicts() const { return conflicts_; }
    // The Merge and Audit menus.
    MergeActions* merges() const { return merges_; }
    LabActions* labs() const { return labs_; }
    // File > New / Open / Save Workspace, Store > Add / Edit / Remove.
    WorkspaceActions* workspace() const { return workspace_; }

    bool isRunning() const;
    ScriptPanel* scriptPanel() const { return scriptPanel_; }

    MainWindow* window() const { return window_.get(); }
    WorkspaceSession* session() const { return session_.get(); }
    CommandSession* commands() const { return commands_.get(); }
    CommandBar* commandBar() const { return bar_; }
    ConsoleView* console() const { return console_; }

Q_SIGNALS:
    // A script opened through openScript() is shown; `runnable` when it has no errors.
    void scriptOpened(bool runnable);

private:
    void connectUnavailableStores();
    void addWelcome();
    bool mayClose();
    void offerCutShortRun();
    void showScript(const QString& path, const QString& text,
                    const std::vector<syncscope::ScriptError>& errors, qsizetype moreErrors,
                    const QString& readError);
    bool run(const QString& line);
    void updateScriptActions();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();

    std::unique_ptr<WorkspaceSession> session_;
    std::unique_ptr<CommandSession> commands_;
    std::unique_ptr<OutsideWriteFollower> follower_; // ends before the session it reads for
    std::unique_ptr<MainWindow> window_;
    CommandBar* bar_ = nullptr;
    ConsoleView* console_ = nullptr;
    ScriptPanel* scriptPanel_ = nullptr;
    QAction* stepAction_ = nullptr;
    QAction* runAction_ = nullptr;
    QAction* runToCursorAction_ = nullptr;
    QAction* pauseAction_ = nullptr;
    QAction* resetAction_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QAction* openAction_ = nullptr;
    QDockWidget* welcome_ = nullptr;
    std::optional<CarriedSession> carried_;
    RunMarker runMarker_;
    bool askingToQuit_ = false;
    QString scriptPath_;              // the open script's file
    int mergesSinceResetPoint_ = 0;   // applied through the Merge dialog
    std::pair<int, int> resetUndoes_; // commands, merges: what the Reset under way undoes
    DataActions* data_ = nullptr;
    VerifyActions* verify_ = nullptr;
    FollowActions* follow_ = nullptr;
    ConflictActions* conflicts_ = nullptr;
    MergeActions* merges_ = nullptr;
    LabActions* labs_ = nullptr;
    WorkspaceActions* workspace_ = nullptr;
};

} // namespace syncscope

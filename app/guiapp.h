#pragma once

#include "seedcsv.h"
#include "storedirectory.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QAction;
class QMenu;
class QWidget;

namespace syncscope {

class CommandBar;
class CommandSession;
class ConsoleView;
class MainWindow;
class ScriptPanel;
class WorkspaceSession;

// The desktop program put together: the workspace's stores and their views, the main window
// with a panel per store, the command bar and the console. syncscope's main() and the GUI
// tests build the same object.
class GuiApp : public QObject {
    Q_OBJECT
public:
    GuiApp(std::vector<StoreSpec> stores, const QString& workspaceLabel, QObject* parent = nullptr);
    ~GuiApp() override;

    // Shows the window and opens the stores.
    void start();
    // Runs lines as if typed in the command bar, in order, stopping at the first error.
    void runLines(const QStringList& lines);

    // Testcase files: open (parsed whole; errors marked), step, run (on the engine's thread,
    // in stretches: the window stays responsive), run to the cursor's line, pause.
    bool openScript(const QString& path);
    void stepScript();
    void runScript(int untilDone = -1);
    void runToCursor();
    void pauseScript();
    // Returns every store to its state before the script began, and the script to its start.
    void resetScript();
    // Writes oplog.<store>.txt (SPEC §5) for every store into dir, from the stores' own oplogs
    // once everything run so far is written; oplogsExported() follows.
    void exportOplogs(const QString& dir);

    // Reads a CSV of SPEC §1's shape (off the UI thread) and imports it into the named stores;
    // errors name file:line:col and import nothing. dataImported() follows.
    void importCsv(const QString& path, const QStringList& stores);
    // Generated demo data (students x courses, SPEC §1's shape) into the named stores.
    void importSample(int students, int courses, const QStringList& stores);

    // The workspace: its stores as configured, saved as JSON (SPEC §2); changing it (another
    // file, a store added, edited or removed) asks the host for a new program on the new list.
    const std::vector<StoreSpec>& stores() const { return stores_; }
    QString saveWorkspace(const QString& path) const;
    void addStore(const StoreSpec& spec);
    void replaceStore(int index, const StoreSpec& spec);
    void removeStore(int index);

Q_SIGNALS:
    void workspaceRequested(const std::vector<syncscope::StoreSpec>& stores, const QString& label);
    void oplogsExported(const QString& dir, bool ok);
    void dataImported(int rows, bool canceled, const QString& error);

public:
    bool isRunning() const;
    ScriptPanel* scriptPanel() const { return scriptPanel_; }

    MainWindow* window() const { return window_.get(); }
    WorkspaceSession* session() const { return session_.get(); }
    CommandSession* commands() const { return commands_.get(); }
    CommandBar* commandBar() const { return bar_; }
    ConsoleView* console() const { return console_; }

private:
    bool run(const QString& line);
    static QStringList chooseStores(QWidget* parent, const QStringList& names);
    void importSeedData(std::shared_ptr<SeedData> data, const QStringList& stores);
    void updateScriptActions();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();

    void createWorkspaceActions();
    QStringList namesOfOthers(int except) const;

    std::vector<StoreSpec> stores_;
    QString label_;
    std::unique_ptr<WorkspaceSession> session_;
    std::unique_ptr<CommandSession> commands_;
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
};

} // namespace syncscope

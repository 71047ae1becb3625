#pragma once

#include <QDeadlineTimer>
#include <QMainWindow>

#include <functional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTableView;

namespace syncscope {

class ElidedLabel;
class ViewZoom;
class StorePanel;
class StoreSummaryModel;

// The main window: one dock per store (its StorePanel), which the user can move, float and
// tab; a Workspace dock summarising every store. Thin by design: it arranges docks and
// actions, and remembers geometry and dock layout between runs (QSettings).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(StoreSummaryModel* stores, const QString& workspaceLabel,
                        QWidget* parent = nullptr);

    // Adds a store's panel in a dock, arranged with the others (two rows beyond three stores).
    void addStorePanel(StorePanel* panel);
    // The command line across the top, and the console dock below the panels.
    void setCommandBar(QWidget* bar);
    void setConsole(QWidget* console);
    // The script dock, beside the console.
    void setScriptPanel(QWidget* panel);
    // A dock tabbed with the console (the console stays in front), listed in View.
    QDockWidget* addConsoleTab(QWidget* widget, const QString& title, const QString& objectName);
    QMenu* fileMenu() const { return fileMenu_; }
    QMenu* editMenu() const { return editMenu_; }
    // File > Reload stores, the first of the window's own File actions: what the program adds
    // to File goes above them.
    QAction* reloadAction() const { return reload_; }
    // An action listed at the top of the View menu (and so active in the whole window).
    void addViewAction(QAction* action);
    QDockWidget* consoleDock() const { return console_; }
    ViewZoom* zoom() const { return zoom_; }
    // A top-level menu placed before Help.
    QMenu* addMenuBeforeHelp(const QString& title);
    // Shows the window once every panel and dock is added: as it was left (size, docks), or
    // the first time fitted to the screen, maximised on a small one.
    void showRestoredOrFitted();
    // Shows the window as another one was (its saveGeometry() and saveDockState()): the
    // replacement after a workspace change. The store panels are arranged afresh when the
    // stores differ; every other dock keeps its place.
    void showWithLayout(const QByteArray& geometry, const QByteArray& dockState);
    // The docks' places and the stores they were saved with.
    QByteArray saveDockState() const;
    // Asked before the window closes (File > Quit, the window's close button); false keeps it
    // open.
    void setCloseGuard(std::function<bool()> mayClose) { mayClose_ = std::move(mayClose); }

    QTableView* storeTable() const { return table_; }
    QList<StorePanel*> storePanels() const { return panels_; }

public Q_SLOTS:
    void showStatus(const QString& message);

Q_SIGNALS:
    void refreshRequested();
    // Help > Open Sample Lecture: the program opens the lecture script with its grades.
    void sampleLectureRequested();
    // A file was dropped on the window (a testcase file to open).
    void fileDropped(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void arrangeDocks();
    void fitToScreen();
    bool restoreLayout();
    bool restoreDocks(const QByteArray& state, const QStringList& savedStores);
    void sizeDocksForFirstStart();
    bool fitsScreen();
    void fitBackOnScreen();
    QStringList storeNames() const;

    QTableView* table_ = nullptr;
    ElidedLabel* status_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QMenu* fileMenu_ = nullptr;
    QMenu* editMenu_ = nullptr;
    QAction* reload_ = nullptr;
    QMenu* helpMenu_ = nullptr;
    QDockWidget* console_ = nullptr;
    QList<StorePanel*> panels_;
    QList<QDockWidget*> docks_;
    QList<QDockWidget*> consoleTabs_; // the docks tabbed with the console
    QDockWidget* workspace_ = nullptr;
    ViewZoom* zoom_ = nullptr;
    std::function<bool()> mayClose_;
    QAction* presentation_ = nullptr;
    QDeadlineTimer sizeDocksUntil_{0}; // expired: the user's sizes stand
};

} // namespace syncscope

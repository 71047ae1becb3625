#pragma once

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QMenu;
class QTableView;

namespace syncscope {

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
    // A top-level menu placed before Help.
    QMenu* addMenuBeforeHelp(const QString& title);
    // Restores the saved layout once every panel is added.
    void restoreLayout();

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
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void arrangeDocks();

    QTableView* table_ = nullptr;
    QLabel* status_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QMenu* fileMenu_ = nullptr;
    QMenu* helpMenu_ = nullptr;
    QDockWidget* console_ = nullptr;
    QList<StorePanel*> panels_;
    QList<QDockWidget*> docks_;
    QDockWidget* workspace_ = nullptr;
};

} // namespace syncscope

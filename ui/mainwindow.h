#pragma once

#include <QMainWindow>

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
    // Restores the saved layout once every panel is added.
    void restoreLayout();

    QTableView* storeTable() const { return table_; }
    QList<StorePanel*> storePanels() const { return panels_; }

public Q_SLOTS:
    void showStatus(const QString& message);

Q_SIGNALS:
    void refreshRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void arrangeDocks();

    QTableView* table_ = nullptr;
    QLabel* status_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QList<StorePanel*> panels_;
    QList<QDockWidget*> docks_;
    QDockWidget* workspace_ = nullptr;
};

} // namespace syncscope

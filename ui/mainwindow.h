#pragma once

#include <QMainWindow>

class QLabel;
class QTableView;

namespace syncscope {

class StoreSummaryModel;

// The main window at this stage: the workspace's stores with their kind, location, state and
// row counts. Thin by design: it arranges widgets and actions, the data comes from a model.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(StoreSummaryModel* stores, const QString& workspaceLabel,
                        QWidget* parent = nullptr);

    QTableView* storeTable() const { return table_; }

Q_SIGNALS:
    void refreshRequested();

private:
    void createActions();

    QTableView* table_ = nullptr;
    QLabel* status_ = nullptr;
};

} // namespace syncscope

#include "mainwindow.h"

#include "storesummarymodel.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace syncscope {

MainWindow::MainWindow(StoreSummaryModel* stores, const QString& workspaceLabel, QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("Syncscope — ") + workspaceLabel);
    table_ = new QTableView(this);
    table_->setModel(stores);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(StoreSummaryModel::Location,
                                                     QHeaderView::Stretch);
    setCentralWidget(table_);

    status_ = new QLabel(workspaceLabel, this);
    statusBar()->addWidget(status_);
    createActions();
    resize(900, 360);
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* refresh = file->addAction(QStringLiteral("&Refresh counts"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, this, &MainWindow::refreshRequested);
    file->addSeparator();
    QAction* quit = file->addAction(QStringLiteral("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction* about = help->addAction(QStringLiteral("&About Syncscope"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, QStringLiteral("About Syncscope"),
                           QStringLiteral("<b>Syncscope</b><p>See, understand and repair where "
                                          "copies of the same data in several databases "
                                          "disagree.</p>"));
    });
}

} // namespace syncscope

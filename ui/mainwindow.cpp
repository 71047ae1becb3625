#include "mainwindow.h"

#include "elidedlabel.h"
#include "focushalo.h"
#include "helptexts.h"
#include "storepanel.h"
#include "storeroom.h"
#include "storesummarymodel.h"
#include "viewzoom.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDataStream>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

namespace syncscope {

namespace {
// Bumped when the dock layout changes shape, so an old saved layout is not forced on it.
constexpr int kLayoutVersion = 2;
} // namespace

MainWindow::MainWindow(StoreSummaryModel* stores, const QString& workspaceLabel, QWidget* parent)
    : QMainWindow(parent) {
    setObjectName(QStringLiteral("main-window"));
    setWindowTitle(QStringLiteral("Syncscope — ") + workspaceLabel);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);
    setAcceptDrops(true);

    table_ = new QTableView(this);
    table_->setObjectName(QStringLiteral("workspace-table"));
    table_->setModel(stores);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(StoreSummaryModel::Location,
                                                     QHeaderView::Stretch);
    auto* workspace = new QDockWidget(QStringLiteral("Workspace"), this);
    workspace->setObjectName(QStringLiteral("dock-workspace"));
    workspace->setWidget(table_);
    addDockWidget(Qt::BottomDockWidgetArea, workspace);
    // Every panel's header already says what this table says; it stays one click away.
    workspace->hide();
    workspace_ = workspace;

    status_ = new ElidedLabel(workspaceLabel, this);
    statusBar()->addWidget(status_, 1);
    // A message is drawn where the label is: the label steps aside meanwhile.
    connect(statusBar(), &QStatusBar::messageChanged, status_,
            [this](const QString& message) { status_->setVisible(message.isEmpty()); });
    createActions();
    viewMenu_->addAction(workspace->toggleViewAction());
    fitToScreen();
    FocusHalo::install();
}

// 1280×800 where there is room; on a projector or a laptop, the screen less the window
// manager's frame and title bar (which availableGeometry does not count).
void MainWindow::fitToScreen() {
    const QScreen* screen = QGuiApplication::primaryScreen();
    if (!screen) {
        resize(1280, 800);
        return;
    }
    const QRect room = screen->availableGeometry();
    resize(std::min(1280, room.width() - 16), std::min(800, room.height() - 48));
}

void MainWindow::addStorePanel(StorePanel* panel) {
    auto* dock = new QDockWidget(panel->storeName(), this);
    dock->setObjectName(QStringLiteral("dock-store-") + panel->storeName());
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    panels_ << panel;
    docks_ << dock;
    viewMenu_->addAction(dock->toggleViewAction());
    arrangeDocks();
}

// Up to three stores side by side in one row; four to six in two rows, each row's panels side
// by side. Both rows live in the top dock area, so the console and the script below keep the
// window's whole width instead of sharing a row with stores.
void MainWindow::arrangeDocks() {
    const int perRow = docks_.size() <= 3 ? static_cast<int>(docks_.size())
                                          : static_cast<int>((docks_.size() + 1) / 2);
    for (QDockWidget* dock : docks_)
        removeDockWidget(dock);
    for (int i = 0; i < docks_.size(); ++i) {
        const bool startsRow = i == 0 || i == perRow;
        if (startsRow)
            addDockWidget(Qt::TopDockWidgetArea, docks_[i], Qt::Vertical);
        else
            splitDockWidget(docks_[i - 1], docks_[i], Qt::Horizontal);
        docks_[i]->show();
    }
}

void MainWindow::setCommandBar(QWidget* bar) {
    auto* toolbar = addToolBar(QStringLiteral("Command"));
    toolbar->setObjectName(QStringLiteral("toolbar-command"));
    toolbar->setMovable(false);
    toolbar->addWidget(bar);
    viewMenu_->addAction(toolbar->toggleViewAction());
}

void MainWindow::setConsole(QWidget* console) {
    auto* dock = new QDockWidget(QStringLiteral("Console"), this);
    dock->setObjectName(QStringLiteral("dock-console"));
    dock->setWidget(console);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->show();
    dock->raise();
    console_ = dock;
    viewMenu_->addAction(dock->toggleViewAction());
}

void MainWindow::setScriptPanel(QWidget* panel) {
    auto* dock = new QDockWidget(QStringLiteral("Script"), this);
    dock->setObjectName(QStringLiteral("dock-script"));
    dock->setWidget(panel);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    if (console_)
        splitDockWidget(console_, dock, Qt::Horizontal);
    viewMenu_->addAction(dock->toggleViewAction());
}

QDockWidget* MainWindow::addConsoleTab(QWidget* widget, const QString& title,
                                       const QString& objectName) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    // Tabs behind the console share its height, and the tallest minimum of them all is the
    // area's: a tab that needs more than it gets scrolls instead of taking the store panels'
    // rows (presentation mode gives them the height first).
    auto* scroll = new QScrollArea;
    scroll->setObjectName(objectName + QStringLiteral("-scroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(widget);
    dock->setWidget(scroll);
    consoleTabs_ << dock;
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    if (console_) {
        tabifyDockWidget(console_, dock);
        console_->raise();
    }
    viewMenu_->addAction(dock->toggleViewAction());
    return dock;
}

void MainWindow::addViewAction(QAction* action) {
    viewMenu_->insertAction(viewMenu_->actions().value(0), action);
}

QMenu* MainWindow::addMenuBeforeHelp(const QString& title) {
    auto* menu = new QMenu(title, this);
    menuBar()->insertMenu(helpMenu_->menuAction(), menu);
    return menu;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().value(0).isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = event->mimeData()->urls().value(0).toLocalFile();
    if (!path.isEmpty()) {
        event->acceptProposedAction();
        Q_EMIT fileDropped(path);
    }
}

bool MainWindow::restoreLayout() {
    QSettings settings;
    if (settings.value(QStringLiteral("window/layoutVersion")).toInt() != kLayoutVersion)
        return false;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // Saved on a bigger screen: fit this one again (the layout below still applies).
    if (const QScreen* screen = QGuiApplication::primaryScreen();
        screen && !screen->availableGeometry().contains(frameGeometry()))
        fitToScreen();
    return restoreDocks(settings.value(QStringLiteral("window/state")).toByteArray(),
                        settings.value(QStringLiteral("window/stores")).toStringList());
}

// restoreState keeps a placeholder for each dock it names that this window lacks: the panel of
// a store of another workspace, or of one removed since. Arranging the store docks among such
// placeholders crashed Qt 6.4's layout at show() (offscreen). Stand-ins by those names take
// the placeholders' places and leave with them; then the store panels are arranged afresh
// when the stores differ, and every other dock keeps its place.
bool MainWindow::restoreDocks(const QByteArray& state, const QStringList& savedStores) {
    const QStringList current = storeNames();
    QList<QDockWidget*> standIns;
    for (const QString& name : savedStores) {
        if (current.contains(name))
            continue;
        auto* standIn = new QDockWidget(this);
        standIn->setObjectName(QStringLiteral("dock-store-") + name);
        addDockWidget(Qt::TopDockWidgetArea, standIn);
        standIns << standIn;
    }
    const bool restored = restoreState(state, kLayoutVersion);
    for (QDockWidget* standIn : standIns) {
        removeDockWidget(standIn);
        delete standIn;
    }
    if (savedStores != current)
        arrangeDocks();
    return restored;
}

QStringList MainWindow::storeNames() const {
    QStringList names;
    for (const StorePanel* panel : panels_)
        names << panel->storeName();
    return names;
}

void MainWindow::showRestoredOrFitted() {
    // Every dock exists now: the remembered zoom applies to all of them.
    zoom_->setView(this);
    presentation_->setChecked(zoom_->isPresentation());
    // A remembered presentation scale is held to the same rule as a new one, once a window
    // manager has given the window its size.
    QTimer::singleShot(2100, this, [this] {
        if (zoom_->isPresentation() && !giveStoresRoom(this, docks_))
            zoom_->zoomOut();
    });
    if (restoreLayout()) {
        show();
        return;
    }
    // A projector or a small laptop: the whole screen. The stores get most of the height, the
    // console and script below a third.
    const QScreen* screen = QGuiApplication::primaryScreen();
    if (screen &&
        (screen->availableGeometry().width() < 1440 || screen->availableGeometry().height() < 900))
        showMaximized();
    else
        show();
    // A window manager maximises a moment later; the docks are sized again on each resize
    // until then.
    sizeDocksUntil_ = QDeadlineTimer(2000);
    sizeDocksForFirstStart();
}

// The docks' state with the stores it was saved with, for restoreDocks.
QByteArray MainWindow::saveDockState() const {
    QByteArray saved;
    QDataStream out(&saved, QIODevice::WriteOnly);
    out << storeNames() << saveState(kLayoutVersion);
    return saved;
}

void MainWindow::showWithLayout(const QByteArray& geometry, const QByteArray& dockState) {
    zoom_->setView(this);
    presentation_->setChecked(zoom_->isPresentation());
    restoreGeometry(geometry);
    QDataStream in(dockState);
    QStringList stores;
    QByteArray state;
    in >> stores >> state;
    restoreDocks(state, stores);
    show();
}

bool MainWindow::fitsScreen() {
    const QScreen* screen = QGuiApplication::primaryScreen();
    if (!screen || !layout())
        return true;
    layout()->activate();
    const QSize min = minimumSizeHint().expandedTo(minimumSize());
    const QRect room = screen->availableGeometry();
    // Less a window manager's frame and title bar.
    return min.width() <= room.width() - 10 && min.height() <= room.height() - 40;
}

// After a smaller scale, a window the larger one pushed past the screen comes back inside it.
void MainWindow::fitBackOnScreen() {
    const QScreen* screen = QGuiApplication::primaryScreen();
    if (!screen || screen->availableGeometry().contains(frameGeometry()))
        return;
    if (isMaximized()) {
        showNormal();
        showMaximized();
    } else {
        fitToScreen();
    }
}

// The console and the tabs behind it get a third of the height, and at least what the tallest
// tab needs whole (the History plots, the Conflicts grid: they scroll only when presentation
// mode gives their height to the store tables).
void MainWindow::sizeDocksForFirstStart() {
    if (console_) {
        int tallest = 0;
        for (const QDockWidget* dock : std::as_const(consoleTabs_))
            if (const auto* scroll = qobject_cast<const QScrollArea*>(dock->widget());
                scroll && scroll->widget())
                tallest = std::max(tallest, scroll->widget()->minimumSizeHint().height());
        // Besides the tab itself: the dock's title bar, and the tabs' bar below it.
        const int bars =
            console_->height() - console_->widget()->height() + fontMetrics().height() + 12;
        resizeDocks({console_}, {std::max(height() * 3 / 10, tallest + bars)}, Qt::Vertical);
    }
    if (zoom_->isPresentation())
        giveStoresRoom(this, docks_);
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    if (!sizeDocksUntil_.hasExpired())
        sizeDocksForFirstStart();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (mayClose_ && !mayClose_()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/layoutVersion"), kLayoutVersion);
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    settings.setValue(QStringLiteral("window/stores"), storeNames());
    QMainWindow::closeEvent(event);
}

void MainWindow::showStatus(const QString& message) {
    statusBar()->showMessage(message, 10000);
}

void MainWindow::createActions() {
    QMenu* file = fileMenu_ = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* refresh = reload_ = file->addAction(QStringLiteral("&Reload stores"));
    // Ctrl+R, not QKeySequence::Refresh: that is F5 here, and F5 is Script > Run.
    refresh->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(refresh, &QAction::triggered, this, &MainWindow::refreshRequested);
    file->addSeparator();
    QAction* quit = file->addAction(QStringLiteral("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    editMenu_ = menuBar()->addMenu(QStringLiteral("&Edit"));
    viewMenu_ = menuBar()->addMenu(QStringLiteral("&View"));
    zoom_ = new ViewZoom(this);
    presentation_ = viewMenu_->addAction(QStringLiteral("&Presentation"));
    presentation_->setCheckable(true);
    presentation_->setShortcut(Qt::Key_F11);
    presentation_->setToolTip(QStringLiteral("Everything larger, for a projector (F11)"));
    connect(presentation_, &QAction::triggered, zoom_, &ViewZoom::setPresentation);
    QAction* zoomIn = viewMenu_->addAction(QStringLiteral("Zoom &In"), zoom_, &ViewZoom::zoomIn);
    // Ctrl+= is the zoom-in key where + needs Shift.
    zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn});
    QAction* zoomOut = viewMenu_->addAction(QStringLiteral("Zoom &Out"), zoom_, &ViewZoom::zoomOut);
    zoomOut->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Minus)});
    QAction* actual =
        viewMenu_->addAction(QStringLiteral("&Actual Size"), zoom_, &ViewZoom::actualSize);
    actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    zoom_->setKeysInDialogs({presentation_, zoomIn, zoomOut, actual});
    connect(zoom_, &ViewZoom::percentChanged, this, [this](int percent) {
        presentation_->setChecked(percent > 100);
        // A scale whose layout no longer fits the screen is taken back one step: the window
        // never grows past the screen's edge.
        if (percent > 100 && !fitsScreen()) {
            zoom_->zoomOut();
            showStatus(QStringLiteral("Zoom %1 % would not fit this screen").arg(percent));
            return;
        }
        // Nor one that leaves the store tables a row or two: the panels take the height they
        // need from the console and the script first.
        if (percent > 100 && isVisible() && !giveStoresRoom(this, docks_)) {
            zoom_->zoomOut();
            showStatus(QStringLiteral("Zoom %1 % would leave the store tables fewer than %2 rows")
                           .arg(percent)
                           .arg(kUsableTableRows));
            return;
        }
        showStatus(QStringLiteral("Zoom %1 %").arg(percent));
        fitBackOnScreen();
    });
    viewMenu_->addSeparator();

    QMenu* help = helpMenu_ = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction* syntax = help->addAction(QStringLiteral("Script &Syntax"));
    syntax->setShortcut(QKeySequence::HelpContents);
    connect(syntax, &QAction::triggered, this, [this] {
        showHelpPage(this, QStringLiteral("scriptSyntax"), QStringLiteral("Script Syntax"),
                     scriptSyntaxHtml());
    });
    QAction* keys = help->addAction(QStringLiteral("&Keyboard Shortcuts"));
    keys->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    connect(keys, &QAction::triggered, this, [this] {
        showHelpPage(this, QStringLiteral("keyboardShortcuts"),
                     QStringLiteral("Keyboard Shortcuts"), shortcutListHtml(*this));
    });
    QAction* lecture = help->addAction(QStringLiteral("Open Sample &Lecture"));
    connect(lecture, &QAction::triggered, this, &MainWindow::sampleLectureRequested);
    help->addSeparator();
    QAction* about = help->addAction(QStringLiteral("&About Syncscope"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, QStringLiteral("About Syncscope"),
                           QStringLiteral("<b>Syncscope</b> %1<p>See, understand and repair where "
                                          "copies of the same data in several databases "
                                          "disagree.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

} // namespace syncscope

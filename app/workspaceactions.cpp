#include "workspaceactions.h"

#include "mainwindow.h"
#include "storedialog.h"
#include "workspacefile.h"
#include "workspacesession.h"

#include <QAction>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>

namespace syncscope {

WorkspaceActions::WorkspaceActions(MainWindow* window, std::vector<StoreSpec> stores, QString label,
                                   QObject* parent)
    : QObject(parent)
    , window_(window)
    , stores_(std::move(stores))
    , label_(std::move(label)) {
    QMenu* file = window_->fileMenu();
    QAction* first = file->actions().value(0);
    QFileDialog::Options options;
    if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
        options |= QFileDialog::DontUseNativeDialog;

    auto* newWs = new QAction(QStringLiteral("&New Workspace"), window_);
    newWs->setShortcut(QKeySequence::New);
    connect(newWs, &QAction::triggered, this, [this] {
        const QString dir = WorkspaceSession::defaultDataDir();
        Q_EMIT workspaceRequested(
            WorkspaceSession::defaultStores(dir),
            QStringLiteral("default workspace (embedded SQLite in %1)").arg(dir));
    });
    auto* openWs = new QAction(QStringLiteral("Open &Workspace…"), window_);
    openWs->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    connect(openWs, &QAction::triggered, this, [this, options] {
        const QString path =
            QFileDialog::getOpenFileName(window_, QStringLiteral("Open a workspace"), QString(),
                                         QStringLiteral("Workspaces (*.json)"), nullptr, options);
        if (path.isEmpty())
            return;
        WorkspaceFile ws = WorkspaceFile::load(path);
        if (!ws.error.isEmpty()) {
            QMessageBox::warning(window_, QStringLiteral("Open workspace"), ws.error);
            return;
        }
        Q_EMIT workspaceRequested(ws.stores, path);
    });
    auto* saveWs = new QAction(QStringLiteral("&Save Workspace As…"), window_);
    saveWs->setShortcut(QKeySequence::SaveAs);
    connect(saveWs, &QAction::triggered, this, [this, options] {
        const QString path = QFileDialog::getSaveFileName(
            window_, QStringLiteral("Save the workspace"), QStringLiteral("workspace.json"),
            QStringLiteral("Workspaces (*.json)"), nullptr, options);
        if (path.isEmpty())
            return;
        const QString error = saveWorkspace(path);
        window_->showStatus(error.isEmpty() ? QStringLiteral("Workspace saved to %1").arg(path)
                                            : error);
    });
    for (QAction* a : {newWs, openWs, saveWs})
        file->insertAction(first, a);
    file->insertSeparator(first);

    QMenu* storeMenu = window_->addMenuBeforeHelp(QStringLiteral("S&tore"));
    storeMenu->addAction(QStringLiteral("&Add Store…"), this, [this] {
        StoreDialog dialog({}, namesOfOthers(-1), window_);
        if (dialog.exec() == QDialog::Accepted)
            addStore(dialog.spec());
    });
    QMenu* edit = storeMenu->addMenu(QStringLiteral("&Edit Store"));
    QMenu* remove = storeMenu->addMenu(QStringLiteral("&Remove Store"));
    for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
        const QString name = QString::fromStdString(stores_[static_cast<size_t>(i)].name);
        edit->addAction(name + QStringLiteral("…"), this, [this, i] {
            StoreDialog dialog(stores_[static_cast<size_t>(i)], namesOfOthers(i), window_);
            if (dialog.exec() == QDialog::Accepted)
                replaceStore(i, dialog.spec());
        });
        remove->addAction(name, this, [this, i, name] {
            if (QMessageBox::question(window_, QStringLiteral("Remove store"),
                                      QStringLiteral("Remove %1 from the workspace? Its data stays "
                                                     "where it is.")
                                          .arg(name)) == QMessageBox::Yes)
                removeStore(i);
        });
    }
}

QStringList WorkspaceActions::namesOfOthers(int except) const {
    QStringList names;
    for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
        if (i == except)
            continue;
        names << QString::fromStdString(stores_[static_cast<size_t>(i)].name);
        for (const std::string& a : stores_[static_cast<size_t>(i)].aliases)
            names << QString::fromStdString(a);
    }
    return names;
}

QString WorkspaceActions::saveWorkspace(const QString& path) const {
    return WorkspaceFile::save(path, stores_);
}

void WorkspaceActions::addStore(const StoreSpec& spec) {
    std::vector<StoreSpec> next = stores_;
    next.push_back(spec);
    Q_EMIT workspaceRequested(next, label_);
}

void WorkspaceActions::replaceStore(int index, const StoreSpec& spec) {
    std::vector<StoreSpec> next = stores_;
    next[static_cast<size_t>(index)] = spec;
    Q_EMIT workspaceRequested(next, label_);
}

void WorkspaceActions::removeStore(int index) {
    std::vector<StoreSpec> next = stores_;
    next.erase(next.begin() + index);
    Q_EMIT workspaceRequested(next, label_);
}

} // namespace syncscope

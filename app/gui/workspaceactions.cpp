#include "workspaceactions.h"

#include "displayuri.h"
#include "keychainpasswords.h"
#include "mainwindow.h"
#include "storedialog.h"
#include "storefactory.h"
#include "whenfinished.h"
#include "workspacefile.h"
#include "workspaceplace.h"
#include "workspacesession.h"

#include <QAction>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>

namespace syncscope {

namespace {
// Tests and screenshots ask for Qt's own file dialogs, which they can drive.
QFileDialog::Options fileDialogOptions() {
    return qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS")
               ? QFileDialog::Options(QFileDialog::DontUseNativeDialog)
               : QFileDialog::Options();
}
} // namespace

WorkspaceActions::WorkspaceActions(MainWindow* window, std::vector<StoreSpec> stores, QString label,
                                   QObject* parent)
    : QObject(parent)
    , window_(window)
    , stores_(std::move(stores))
    , label_(std::move(label)) {
    QMenu* file = window_->fileMenu();
    QAction* first = file->actions().value(0);
    const QFileDialog::Options options = fileDialogOptions();

    auto* newWs = new QAction(QStringLiteral("&New Workspace"), window_);
    newWs->setShortcut(QKeySequence::New);
    connect(newWs, &QAction::triggered, this, [this] {
        // The built-in stores again, kept as the default workspace from now on.
        const QString dir = WorkspaceSession::defaultDataDir();
        std::vector<StoreSpec> builtIn = WorkspaceSession::defaultStores(dir);
        const QString error = WorkspaceFile::save(WorkspacePlace::defaultFile(dir), builtIn);
        if (!error.isEmpty())
            window_->showStatus(error);
        Q_EMIT workspaceRequested(builtIn, WorkspacePlace::defaultLabel(dir));
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
    connect(saveWs, &QAction::triggered, this, [this] {
        if (const auto saved = askAndSaveAs())
            window_->showStatus(saved->error.isEmpty()
                                    ? QStringLiteral("Workspace saved to %1").arg(saved->path)
                                    : saved->error);
    });
    for (QAction* a : {newWs, openWs, saveWs})
        file->insertAction(first, a);
    file->insertSeparator(first);

    QMenu* storeMenu = window_->addMenuBeforeHelp(QStringLiteral("S&tore"));
    QAction* add = storeMenu->addAction(QStringLiteral("&Add Store…"), this,
                                        &WorkspaceActions::askForNewStore);
    if (stores_.size() >= kMaxStores) {
        add->setEnabled(false);
        add->setToolTip(QStringLiteral("A workspace holds at most %1 stores").arg(kMaxStores));
    }
    QMenu* edit = storeMenu->addMenu(QStringLiteral("&Edit Store"));
    QMenu* remove = storeMenu->addMenu(QStringLiteral("&Remove Store"));
    QMenu* passwords = storeMenu->addMenu(QStringLiteral("&Password"));
    for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
        const QString name = QString::fromStdString(stores_[static_cast<size_t>(i)].name);
        edit->addAction(name + QStringLiteral("…"), this, [this, i] { editStore(i); });
        remove->addAction(name, this, [this, i] { askToRemoveStore(i); });
        const QString uri = QString::fromStdString(stores_[static_cast<size_t>(i)].uri);
        if (!StoreFactory::takesPassword(uri))
            continue;
        passwords->addAction(name + QStringLiteral("…"), this, [this, i, name, uri] {
            bool ok = false;
            const QString password = QInputDialog::getText(
                window_, QStringLiteral("Password for %1").arg(name),
                QStringLiteral("The password for %1 at %2, kept in the system keychain.\n"
                               "Leave it empty to forget the saved one.")
                    .arg(name, displayUri(uri)),
                QLineEdit::Password, QString(), &ok);
            if (ok)
                setPassword(i, password);
        });
    }
    passwords->setEnabled(!passwords->isEmpty());
}

void WorkspaceActions::askForNewStore() {
    StoreDialog dialog({}, namesOfOthers(-1), window_);
    if (dialog.exec() == QDialog::Accepted)
        addStore(dialog.spec(), dialog.password());
}

void WorkspaceActions::editStore(int index) {
    StoreDialog dialog(stores_[static_cast<size_t>(index)], namesOfOthers(index), window_);
    if (dialog.exec() == QDialog::Accepted)
        replaceStore(index, dialog.spec(), dialog.password());
}

void WorkspaceActions::askToRemoveStore(int index) {
    const QString name = QString::fromStdString(stores_[static_cast<size_t>(index)].name);
    if (QMessageBox::question(
            window_, QStringLiteral("Remove store"),
            QStringLiteral("Remove %1 from the workspace? Its data stays where it is.")
                .arg(name)) == QMessageBox::Yes)
        removeStore(index);
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

void WorkspaceActions::addStore(const StoreSpec& spec, const QString& password) {
    if (stores_.size() >= kMaxStores) {
        window_->showStatus(QStringLiteral("%1 is not added: a workspace holds at most %2 stores")
                                .arg(QString::fromStdString(spec.name))
                                .arg(kMaxStores));
        return;
    }
    std::vector<StoreSpec> next = stores_;
    next.push_back(spec);
    keepPasswordThenRequest(spec, password, std::move(next));
}

void WorkspaceActions::replaceStore(int index, const StoreSpec& spec, const QString& password) {
    std::vector<StoreSpec> next = stores_;
    next[static_cast<size_t>(index)] = spec;
    keepPasswordThenRequest(spec, password, std::move(next));
}

QString WorkspaceActions::keptIn() const {
    return WorkspacePlace::fileOf(label_, WorkspaceSession::defaultDataDir());
}

bool WorkspaceActions::keptAsShown() const {
    const QString file = keptIn();
    if (file.isEmpty())
        return true;
    std::vector<StoreSpec> kept;
    if (QFileInfo::exists(file)) {
        WorkspaceFile read = WorkspaceFile::load(file);
        if (!read.error.isEmpty())
            return false;
        kept = std::move(read.stores);
    } else {
        // A default workspace never edited is the built-in list, kept nowhere.
        kept = WorkspaceSession::defaultStores(WorkspaceSession::defaultDataDir());
    }
    return WorkspaceFile::toJson(kept) == WorkspaceFile::toJson(stores_);
}

bool WorkspaceActions::mayClose() {
    if (keptAsShown())
        return true;
    QMessageBox box(QMessageBox::Warning, QStringLiteral("Store list not saved"),
                    QStringLiteral("The store list shown here could not be kept in %1, so the "
                                   "next start would open the list kept there instead.")
                        .arg(keptIn()),
                    QMessageBox::NoButton, window_);
    QPushButton* saveAs =
        box.addButton(QStringLiteral("Save Workspace &As…"), QMessageBox::AcceptRole);
    box.addButton(QStringLiteral("&Quit Anyway"), QMessageBox::DestructiveRole);
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(saveAs);
    box.exec();
    if (box.clickedButton() == cancel)
        return false;
    if (box.clickedButton() != saveAs)
        return true;
    const auto saved = askAndSaveAs();
    if (!saved)
        return false;
    if (!saved->error.isEmpty()) {
        QMessageBox::warning(window_, QStringLiteral("Save workspace"), saved->error);
        return false;
    }
    return true;
}

std::optional<WorkspaceActions::SavedAs> WorkspaceActions::askAndSaveAs() {
    const QFileDialog::Options options = fileDialogOptions();
    const QString path = QFileDialog::getSaveFileName(
        window_, QStringLiteral("Save the workspace"), QStringLiteral("workspace.json"),
        QStringLiteral("Workspaces (*.json)"), nullptr, options);
    if (path.isEmpty())
        return std::nullopt;
    return SavedAs{path, saveWorkspace(path)};
}

void WorkspaceActions::requestKept(std::vector<StoreSpec> next) {
    const QString file = keptIn();
    if (!file.isEmpty()) {
        // A kept list that cannot be read is the user's work still: it is set aside under
        // another name, never written over.
        QString setAside;
        if (QFileInfo::exists(file) && !WorkspaceFile::load(file).error.isEmpty()) {
            setAside = file + QStringLiteral(".unreadable-") +
                       QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
            if (!QFile::rename(file, setAside)) {
                window_->showStatus(QStringLiteral("The store list is not saved: %1 cannot be "
                                                   "read, and could not be set aside")
                                        .arg(file));
                Q_EMIT workspaceRequested(next, label_);
                return;
            }
        }
        const QString error = WorkspaceFile::save(file, next);
        if (!setAside.isEmpty() && error.isEmpty()) {
            window_->showStatus(QStringLiteral("Store list saved to %1; the unreadable one it "
                                               "held is kept as %2")
                                    .arg(file, setAside));
            Q_EMIT workspaceRequested(next, label_);
            return;
        }
        // The change holds for this run either way; quitting asks while it is not kept.
        window_->showStatus(error.isEmpty()
                                ? QStringLiteral("Store list saved to %1").arg(file)
                                : QStringLiteral("The store list is not saved: %1").arg(error));
    }
    Q_EMIT workspaceRequested(next, label_);
}

void WorkspaceActions::setPassword(int index, const QString& password) {
    const StoreSpec& spec = stores_[static_cast<size_t>(index)];
    const QString uri = QString::fromStdString(spec.uri);
    const QString name = QString::fromStdString(spec.name);
    auto done =
        password.isEmpty() ? keychain::forgetPassword(uri) : keychain::savePassword(uri, password);
    whenFinished(done, this, [this, name, forgot = password.isEmpty()](const QString& problem) {
        if (!problem.isEmpty()) {
            window_->showStatus(keychainRefused(name, problem));
            return;
        }
        window_->showStatus(forgot
                                ? QStringLiteral("%1: the saved password is forgotten").arg(name)
                                : QStringLiteral("%1: password saved in the keychain").arg(name));
        // The store logs in again, with it, in a new program on the same workspace.
        Q_EMIT workspaceRequested(stores_, label_);
    });
}

void WorkspaceActions::keepPasswordThenRequest(const StoreSpec& spec, const QString& password,
                                               std::vector<StoreSpec> next) {
    if (password.isEmpty()) {
        requestKept(std::move(next));
        return;
    }
    const QString name = QString::fromStdString(spec.name);
    whenFinished(keychain::savePassword(QString::fromStdString(spec.uri), password), this,
                 [this, name, next = std::move(next)](const QString& problem) {
                     if (!problem.isEmpty())
                         window_->showStatus(keychainRefused(name, problem));
                     // The store change holds even when its password could not be kept.
                     requestKept(next);
                 });
}

QString WorkspaceActions::keychainRefused(const QString& store, const QString& why) {
    return QStringLiteral("%1: the keychain did not keep the password (%2); set "
                          "SYNCSCOPE_PASSWORD_%1 instead")
        .arg(store, why);
}

void WorkspaceActions::removeStore(int index) {
    std::vector<StoreSpec> next = stores_;
    next.erase(next.begin() + index);
    requestKept(std::move(next));
}

} // namespace syncscope

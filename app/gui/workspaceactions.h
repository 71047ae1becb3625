#pragma once

#include "storedirectory.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace syncscope {

class MainWindow;

// The workspace as the user edits it: File > New / Open / Save Workspace As (JSON,
// docs/backends.md) and Store > Add / Edit / Remove (a StoreDialog) / Password (kept in the
// system keychain). A change does not touch the running program: it keeps the new store list
// where the workspace lives (WorkspacePlace) and asks, through workspaceRequested(), for a new
// program on it.
class WorkspaceActions : public QObject {
    Q_OBJECT
public:
    WorkspaceActions(MainWindow* window, std::vector<StoreSpec> stores, QString label,
                     QObject* parent = nullptr);

    const std::vector<StoreSpec>& stores() const { return stores_; }
    QString saveWorkspace(const QString& path) const;
    // `password`, when not empty, is kept in the keychain for the store's URI first.
    void addStore(const StoreSpec& spec, const QString& password = QString());
    void replaceStore(int index, const StoreSpec& spec, const QString& password = QString());
    // Keeps (or, when empty, forgets) store `index`'s password in the keychain, then asks for
    // the workspace again so the store logs in with it.
    void setPassword(int index, const QString& password);
    void removeStore(int index);
    // Store > Edit Store and Remove Store, for one store (also its panel's buttons): the store
    // dialog, or a question first.
    void editStore(int index);
    // Store > Add Store…: the store dialog, then the workspace with the new store.
    void askForNewStore();
    void askToRemoveStore(int index);

    // The file this workspace's store list is kept in, or empty when it is kept nowhere.
    QString keptIn() const;
    // Whether the next start would open the list shown here.
    bool keptAsShown() const;
    // Asked before the window closes: when the list is not kept, Save As / Quit / Cancel.
    bool mayClose();

Q_SIGNALS:
    void workspaceRequested(const std::vector<syncscope::StoreSpec>& stores, const QString& label);

private:
    QStringList namesOfOthers(int except) const;
    void requestKept(std::vector<StoreSpec> next);
    // File > Save Workspace As…'s dialog, then the save: nothing when the user canceled.
    struct SavedAs {
        QString path;
        QString error; // empty when saved
    };
    std::optional<SavedAs> askAndSaveAs();
    void keepPasswordThenRequest(const StoreSpec& spec, const QString& password,
                                 std::vector<StoreSpec> next);
    static QString keychainRefused(const QString& store, const QString& why);

    MainWindow* window_;
    std::vector<StoreSpec> stores_;
    QString label_;
};

} // namespace syncscope

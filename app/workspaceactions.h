#pragma once

#include "storedirectory.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace syncscope {

class MainWindow;

// The workspace as the user edits it: File > New / Open / Save Workspace As (JSON, SPEC §2)
// and Store > Add / Edit / Remove (a StoreDialog). A change does not touch the running
// program: it asks, through workspaceRequested(), for a new one on the new store list.
class WorkspaceActions : public QObject {
    Q_OBJECT
public:
    WorkspaceActions(MainWindow* window, std::vector<StoreSpec> stores, QString label,
                     QObject* parent = nullptr);

    const std::vector<StoreSpec>& stores() const { return stores_; }
    QString saveWorkspace(const QString& path) const;
    void addStore(const StoreSpec& spec);
    void replaceStore(int index, const StoreSpec& spec);
    void removeStore(int index);

Q_SIGNALS:
    void workspaceRequested(const std::vector<syncscope::StoreSpec>& stores, const QString& label);

private:
    QStringList namesOfOthers(int except) const;

    MainWindow* window_;
    std::vector<StoreSpec> stores_;
    QString label_;
};

} // namespace syncscope

#pragma once

#include <QObject>
#include <QPointer>

#include <vector>

class QMenu;

namespace syncscope {

class AuditView;
class CommandSession;
class ConsoleView;
class MainWindow;
class MergeDialog;
class MergeRunner;
class WorkspaceSession;

// The Merge menu (Merge… Ctrl+M) and the Audit menu (Audit Log… Ctrl+Shift+L, Verify Audit
// Log): wires MergeDialog and AuditView to the MergeRunner, which does the work off the UI
// thread. When the stores are loaded it looks for a merge the program did not finish (killed
// while applying) and offers to complete it.
class MergeActions : public QObject {
    Q_OBJECT
public:
    MergeActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                 ConsoleView* console, const QString& workspaceLabel, QObject* parent = nullptr);
    ~MergeActions() override;

    // Where a workspace keeps its audit database: $SYNCSCOPE_AUDIT_DB, else next to the
    // workspace file (lab.json: lab.audit.db), else in the default stores' folder.
    static QString auditPathFor(const QString& workspaceLabel);

    MergeRunner* runner() const { return runner_; }
    QMenu* mergeMenu() const { return mergeMenu_; }
    MergeDialog* openMergeDialog();
    // Copying one store into others (bulk copy in the window) is a one-way merge:
    // the targets take the source's rows with their own identity, each keeping whichever of
    // its own and the copied write is greater, as `syncscope-cli load --from` does. Opens the
    // merge dialog set up for it, so the copy is previewed, applied in batches through each
    // target's bulk write path with progress and Cancel, verified and audited like any merge.
    MergeDialog* copyStoreInto(size_t source, const std::vector<size_t>& targets);
    // Data > Copy Store Into Others… (Ctrl+Shift+C): asks for the source, targets all others.
    void addCopyStoreAction(QMenu* menu);
    AuditView* openAuditLog();
    void verifyAuditLog();
    // Writes the whole log as csv, json or html to path (console reports the outcome).
    void exportAuditLog(const QString& format, const QString& path);

Q_SIGNALS:
    void auditExported(const QString& path, bool ok);
    // An interrupted merge was found when the stores loaded (tests, and the offer dialog).
    void unfinishedMergeFound(qint64 mergeId);

private:
    void offerUnfinishedMerge();
    void reloadAudit();

    MainWindow* window_;
    CommandSession* commands_;
    ConsoleView* console_;
    MergeRunner* runner_;
    QMenu* mergeMenu_;
    QPointer<MergeDialog> dialog_;
    QPointer<AuditView> audit_;
};

} // namespace syncscope

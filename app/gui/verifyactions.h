#pragma once

#include "result.h"
#include "storeverify.h"

#include <QFuture>

#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

class QMenu;

namespace syncscope {

class CommandSession;
class MainWindow;
class WorkspaceSession;

// Data > Verify… (Ctrl+Shift+V): the headless `syncscope-cli verify` in the window. Once what
// has been typed or run is written, the stores are read on a pool thread through their workers
// (verifystores.h), with progress and Cancel; the report opens in a VerifyReportDialog.
class VerifyActions : public QObject {
    Q_OBJECT
public:
    VerifyActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                  QMenu* dataMenu, QObject* parent = nullptr);
    ~VerifyActions() override;

    // Verifies the named stores (all when empty), row by row or, `byChecksums`, by range
    // checksums (verifyByChecksums); verified() or verifyFailed() follows.
    void verify(const QStringList& stores = {}, bool byChecksums = false);
    void cancel();
    // Cancels a verification under way and waits for its pool thread to let go of the
    // stores' workers: the program calls it before the workers go.
    void stop();

Q_SIGNALS:
    void verified(const syncscope::VerifyReport& report);
    void verifyFailed(const QString& why);
    void progress(qint64 read, qint64 total);

private:
    MainWindow* window_;
    WorkspaceSession* session_;
    CommandSession* commands_;
    std::shared_ptr<std::atomic<bool>> canceled_;
    bool running_ = false;
    QFuture<Result<VerifyReport>> reading_;
};

} // namespace syncscope

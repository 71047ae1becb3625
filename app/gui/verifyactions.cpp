#include "verifyactions.h"

#include "commandsession.h"
#include "counttext.h"
#include "mainwindow.h"
#include "storeworker.h"
#include "verifyreportdialog.h"
#include "verifystores.h"
#include "whenfinished.h"
#include "workspacesession.h"

#include <QAction>
#include <QMenu>
#include <QPointer>
#include <QProgressDialog>
#include <QtConcurrent/QtConcurrentRun>

namespace syncscope {

VerifyActions::VerifyActions(MainWindow* window, WorkspaceSession* session,
                             CommandSession* commands, QMenu* dataMenu, QObject* parent)
    : QObject(parent)
    , window_(window)
    , session_(session)
    , commands_(commands) {
    dataMenu->addSeparator();
    QAction* action =
        dataMenu->addAction(QStringLiteral("&Verify Stores…"), this, [this] { verify(); });
    action->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_V);
    action->setStatusTip(QStringLiteral("Compare the stores key by key, and each with its oplog"));
    QAction* sums = dataMenu->addAction(QStringLiteral("Verify by &Checksums…"), this,
                                        [this] { verify({}, true); });
    sums->setShortcut(Qt::CTRL | Qt::ALT | Qt::Key_V);
    sums->setStatusTip(QStringLiteral("Compare the stores by checksums over key ranges, computed "
                                      "in the servers, reading only the ranges that differ"));

    connect(this, &VerifyActions::verified, window_, [this](const VerifyReport& report) {
        window_->showStatus(
            report.clean()
                ? QStringLiteral("Verify: no differences")
                : QStringLiteral("Verify: %1")
                      .arg(countOf(static_cast<qint64>(report.findingCount), "finding")));
        auto* dialog = new VerifyReportDialog(report, window_);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show(); // not modal: the stores stay in view beside it
    });
    connect(this, &VerifyActions::verifyFailed, window_,
            [this](const QString& why) { window_->showStatus(QStringLiteral("Verify: ") + why); });
}

VerifyActions::~VerifyActions() {
    stop();
}

void VerifyActions::stop() {
    cancel();
    reading_.waitForFinished(); // at most one page read: the loop checks between pages
}

void VerifyActions::cancel() {
    if (canceled_)
        canceled_->store(true);
}

void VerifyActions::verify(const QStringList& stores, bool byChecksums) {
    if (running_)
        return;
    std::vector<StoreWorker*> workers;
    QStringList unavailable;
    for (int i = 0; i < session_->storeCount(); ++i) {
        const QString name = session_->description(i).name;
        if (!stores.isEmpty() && !stores.contains(name))
            continue;
        StoreWorker* w = session_->workers()[static_cast<size_t>(i)];
        if (w)
            workers.push_back(w);
        else
            unavailable << name;
    }
    if (!unavailable.isEmpty() || workers.empty()) {
        Q_EMIT verifyFailed(unavailable.isEmpty()
                                ? QStringLiteral("no stores to verify")
                                : QStringLiteral("%1 could not be opened")
                                      .arg(unavailable.join(QStringLiteral(", "))));
        return;
    }
    running_ = true;
    canceled_ = std::make_shared<std::atomic<bool>>(false);
    auto* dialog = new QProgressDialog(QStringLiteral("Verifying the stores…"),
                                       QStringLiteral("Cancel"), 0, 0, window_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setMinimumDuration(300);
    connect(dialog, &QProgressDialog::canceled, this, &VerifyActions::cancel);
    connect(this, &VerifyActions::progress, dialog, [dialog](qint64 read, qint64 total) {
        dialog->setMaximum(static_cast<int>(std::min<qint64>(total, INT_MAX)));
        dialog->setValue(static_cast<int>(std::min<qint64>(read, INT_MAX)));
        dialog->setLabelText(QStringLiteral("Verifying the stores… %1 rows read").arg(read));
    });
    QPointer<QProgressDialog> progressDialog(dialog);
    // What has been typed or run is in the stores first, so it is not reported as missing.
    commands_->whenWritten([this, workers, progressDialog, byChecksums, canceled = canceled_] {
        QPointer<VerifyActions> self(this);
        VerifyControl run;
        run.canceled = canceled.get();
        run.progress = [self](int64_t read, int64_t total) {
            QMetaObject::invokeMethod(self.data(), [self, read, total] {
                if (self)
                    Q_EMIT self->progress(read, total);
            });
        };
        // The future keeps `canceled` alive as long as the pool thread reads it.
        whenFinished(QtConcurrent::run([workers, run, canceled, byChecksums] {
                         return byChecksums ? verifyByChecksums(workers, run)
                                            : verifyStores(workers, run);
                     }),
                     this, [this, progressDialog](Result<VerifyReport> report) {
                         running_ = false;
                         if (progressDialog)
                             progressDialog->close();
                         if (report)
                             Q_EMIT verified(report.value());
                         else
                             Q_EMIT verifyFailed(report.error().message);
                     });
    });
}

} // namespace syncscope

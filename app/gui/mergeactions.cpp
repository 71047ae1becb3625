#include "mergeactions.h"

#include "auditview.h"
#include "commandsession.h"
#include "consoleview.h"
#include "counttext.h"
#include "mainwindow.h"
#include "mergedialog.h"
#include "mergerequestjson.h"
#include "mergerunner.h"
#include "whenfinished.h"
#include "workspacesession.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

namespace syncscope {

namespace {
constexpr size_t kAuditViewRows = 100000;
} // namespace

QString MergeActions::auditPathFor(const QString& workspaceLabel) {
    const QString env = qEnvironmentVariable("SYNCSCOPE_AUDIT_DB");
    if (!env.isEmpty())
        return env;
    const QFileInfo file(workspaceLabel);
    if (file.isFile())
        return file.absolutePath() + QLatin1Char('/') + file.completeBaseName() +
               QStringLiteral(".audit.db");
    const QString dir = WorkspaceSession::defaultDataDir();
    QDir().mkpath(dir);
    return dir + QStringLiteral("/audit.db");
}

MergeActions::MergeActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                           ConsoleView* console, const QString& workspaceLabel, QObject* parent)
    : QObject(parent)
    , window_(window)
    , commands_(commands)
    , console_(console)
    , runner_(new MergeRunner(commands, session->workers(), auditPathFor(workspaceLabel),
                              workspaceLabel, this)) {
    mergeMenu_ = window->addMenuBeforeHelp(QStringLiteral("&Merge"));
    QAction* open = mergeMenu_->addAction(QStringLiteral("&Merge or Full Sync…"), this,
                                          [this] { openMergeDialog(); });
    open->setShortcut(Qt::CTRL | Qt::Key_M);
    QMenu* audit = window->addMenuBeforeHelp(QStringLiteral("&Audit"));
    QAction* log =
        audit->addAction(QStringLiteral("Audit &Log…"), this, [this] { openAuditLog(); });
    log->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L);
    audit->addAction(QStringLiteral("&Verify Audit Log"), this, &MergeActions::verifyAuditLog);

    connect(runner_, &MergeRunner::failed, this, [this](const QString& why) {
        console_->appendError(why);
        if (dialog_)
            dialog_->showFailure(why);
    });
    connect(runner_, &MergeRunner::finished, this, [this](const QString& summary, bool) {
        console_->appendResult(QStringLiteral("-- merge: ") + summary);
    });
    connect(runner_, &MergeRunner::verified, this, [this](const QString& report, qint64 bad) {
        if (bad == 0)
            console_->appendResult(QStringLiteral("-- ") + report);
        else
            console_->appendError(report);
    });
    connect(runner_, &MergeRunner::auditChanged, this, [this] {
        if (audit_ && audit_->isVisible())
            reloadAudit();
    });
    connect(commands, &CommandSession::ready, this, &MergeActions::offerUnfinishedMerge,
            Qt::SingleShotConnection);
}

MergeActions::~MergeActions() = default;

MergeDialog* MergeActions::openMergeDialog() {
    if (!dialog_) {
        dialog_ = new MergeDialog(commands_->storeNames(), window_);
        dialog_->setAttribute(Qt::WA_DeleteOnClose);
        MergeDialog* d = dialog_;
        connect(d, &MergeDialog::previewRequested, runner_, &MergeRunner::preview);
        connect(runner_, &MergeRunner::previewReady, d, &MergeDialog::showPreview);
        connect(d, &MergeDialog::applyRequested, runner_,
                [runner = runner_, d] { runner->apply(d->mergeInside()); });
        d->setMergeInsideCheck([runner = runner_](const MergeRequest& r, const ManualPicks& p) {
            return runner->mergeInsideProblem(r, p);
        });
        connect(d, &MergeDialog::cancelRequested, runner_, &MergeRunner::cancel);
        connect(runner_, &MergeRunner::progress, d, &MergeDialog::showProgress);
        connect(runner_, &MergeRunner::finished, d, &MergeDialog::showFinished);
        connect(runner_, &MergeRunner::verified, d, &MergeDialog::showVerified);
        // Sensible first request: the first store catches up with all the others, last
        // writer wins.
        // Stores whose server is down are left out of it.
        MergeRequest first;
        for (qsizetype s = 0; s < commands_->storeNames().size(); ++s) {
            first.priority.push_back(static_cast<size_t>(s));
            if (commands_->isUnavailable(static_cast<int>(s)))
                continue;
            (first.targets.empty() ? first.targets : first.sources)
                .push_back(static_cast<size_t>(s));
        }
        if (first.targets.empty())
            first.targets = {0};
        d->setRequest(first, {});
    }
    dialog_->show();
    dialog_->raise();
    dialog_->activateWindow();
    return dialog_;
}

MergeDialog* MergeActions::copyStoreInto(size_t source, const std::vector<size_t>& targets) {
    MergeDialog* dialog = openMergeDialog();
    MergeRequest copy;
    copy.sources = {source};
    for (size_t t : targets)
        if (t != source)
            copy.targets.push_back(t);
    for (qsizetype s = 0; s < commands_->storeNames().size(); ++s)
        copy.priority.push_back(static_cast<size_t>(s));
    dialog->setRequest(copy, {});
    return dialog;
}

void MergeActions::addCopyStoreAction(QMenu* menu) {
    QAction* copy = menu->addAction(QStringLiteral("&Copy Store Into Others…"), this, [this] {
        const QStringList names = commands_->storeNames();
        bool ok = false;
        const QString source = QInputDialog::getItem(
            window_, QStringLiteral("Copy a store"),
            QStringLiteral("Copy every row of this store into the others (each keeps whichever "
                           "write is newer); the merge dialog shows what will change first:"),
            names, 0, false, &ok);
        if (!ok || source.isEmpty())
            return;
        std::vector<size_t> others;
        for (qsizetype s = 0; s < names.size(); ++s)
            if (names[s] != source)
                others.push_back(static_cast<size_t>(s));
        copyStoreInto(static_cast<size_t>(names.indexOf(source)), others);
    });
    copy->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_C);
}

AuditView* MergeActions::openAuditLog() {
    if (!audit_) {
        audit_ = new AuditView(window_);
        audit_->setAttribute(Qt::WA_DeleteOnClose);
        connect(audit_, &AuditView::refreshRequested, this, &MergeActions::reloadAudit);
        connect(audit_, &AuditView::verifyRequested, this, &MergeActions::verifyAuditLog);
        connect(audit_, &AuditView::exportRequested, this, [this](const QString& format) {
            QFileDialog dialog(audit_, QStringLiteral("Export the audit log"));
            dialog.setAcceptMode(QFileDialog::AcceptSave);
            dialog.setDefaultSuffix(format);
            dialog.selectFile(QStringLiteral("audit.") + format);
            if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
                dialog.setOption(QFileDialog::DontUseNativeDialog);
            if (dialog.exec() == QDialog::Accepted)
                exportAuditLog(format, dialog.selectedFiles().value(0));
        });
        connect(audit_, &AuditView::revertRequested, this, [this](const AuditEntry& row) {
            bool ok = false;
            const QString note = QInputDialog::getText(
                audit_, QStringLiteral("Revert this decision"),
                QStringLiteral("%1 gets back %2 for (%3,%4). Why?")
                    .arg(row.store, row.before.isNull() ? QStringLiteral("no value") : row.before,
                         row.studentId, row.courseId),
                QLineEdit::Normal, QString(), &ok);
            if (ok)
                runner_->revert(row, note);
        });
    }
    audit_->show();
    audit_->raise();
    reloadAudit();
    return audit_;
}

void MergeActions::reloadAudit() {
    // The view holds the newest entries; exports and Verify read the whole file.
    whenFinished(runner_->readAudit(kAuditViewRows), this,
                 [this](QFuture<Result<std::vector<AuditEntry>>> f) {
                     Result<std::vector<AuditEntry>> entries = f.takeResult();
                     if (!entries) {
                         console_->appendError(entries.error().toString());
                         return;
                     }
                     if (audit_)
                         audit_->setEntries(std::move(entries.value()));
                 });
}

void MergeActions::verifyAuditLog() {
    whenFinished(runner_->verifyAudit(), this, [this](const Result<AuditChainCheck>& check) {
        QString text;
        bool ok = false;
        if (!check) {
            text = check.error().toString();
        } else if (check.value().ok()) {
            ok = true;
            text = QStringLiteral("Audit log verified: %1, every hash and link intact (%2).")
                       .arg(countOf(static_cast<qint64>(check.value().checked), "entry", "entries"))
                       .arg(runner_->auditPath());
        } else {
            text = QStringLiteral("Audit log broken at entry %1: %2")
                       .arg(check.value().brokenAt)
                       .arg(check.value().problem);
        }
        if (ok)
            console_->appendResult(QStringLiteral("-- ") + text);
        else
            console_->appendError(text);
        window_->showStatus(text);
        if (audit_)
            audit_->showVerification(text, ok);
    });
}

void MergeActions::exportAuditLog(const QString& format, const QString& path) {
    whenFinished(
        runner_->readAudit(), this,
        [this, format, path](QFuture<Result<std::vector<AuditEntry>>> f) {
            auto entries = std::make_shared<Result<std::vector<AuditEntry>>>(f.takeResult());
            if (!*entries) {
                console_->appendError(entries->error().toString());
                Q_EMIT auditExported(path, false);
                return;
            }
            whenFinished(QtConcurrent::run([entries, format, path] {
                             const std::vector<AuditEntry>& rows = entries->value();
                             const QByteArray bytes =
                                 format == QLatin1String("csv") ? auditToCsv(rows)
                                 : format == QLatin1String("json")
                                     ? auditToJson(rows)
                                     : auditToHtml(rows, QStringLiteral("Syncscope audit log"));
                             QSaveFile file(path);
                             if (!file.open(QIODevice::WriteOnly) ||
                                 file.write(bytes) != bytes.size() || !file.commit())
                                 return file.errorString();
                             return QString();
                         }),
                         this, [this, path](const QString& error) {
                             if (error.isEmpty())
                                 console_->appendResult(
                                     QStringLiteral("-- audit log exported to %1").arg(path));
                             else
                                 console_->appendError(
                                     QStringLiteral("Cannot write %1: %2").arg(path, error));
                             Q_EMIT auditExported(path, error.isEmpty());
                         });
        });
}

void MergeActions::offerUnfinishedMerge() {
    whenFinished(
        runner_->unfinishedMerge(), this, [this](const Result<std::optional<AuditEntry>>& found) {
            if (!found) {
                console_->appendError(found.error().toString());
                return;
            }
            if (!found.value())
                return;
            const AuditEntry row = *found.value();
            Q_EMIT unfinishedMergeFound(row.id);
            MergeRequest request;
            ManualPicks picks;
            const QString problem =
                mergeRequestFromJson(row.detail, commands_->storeNames(), request, picks);
            auto* box =
                new QMessageBox(QMessageBox::Question, QStringLiteral("Unfinished merge"),
                                QStringLiteral("A merge started %1 by %2 did not finish (the "
                                               "program stopped while applying it). Every "
                                               "batch it applied is complete; completing it "
                                               "plans and applies what is left.")
                                    .arg(row.at, row.user),
                                QMessageBox::NoButton, window_);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->setObjectName(QStringLiteral("unfinishedMergeBox"));
            QPushButton* complete =
                box->addButton(QStringLiteral("&Complete It…"), QMessageBox::AcceptRole);
            QPushButton* abandon =
                box->addButton(QStringLiteral("&Abandon"), QMessageBox::DestructiveRole);
            box->addButton(QStringLiteral("&Later"), QMessageBox::RejectRole);
            if (!problem.isEmpty()) {
                complete->setEnabled(false);
                box->setInformativeText(
                    QStringLiteral("It cannot be completed here: %1").arg(problem));
            }
            connect(box, &QMessageBox::buttonClicked, this,
                    [this, row, request, picks, complete, abandon](QAbstractButton* b) {
                        if (b == complete)
                            openMergeDialog()->setRequest(request, picks);
                        else if (b == abandon)
                            runner_->abandon(row);
                    });
            box->open();
        });
}

} // namespace syncscope

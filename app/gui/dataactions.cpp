#include "dataactions.h"

#include "commandsession.h"
#include "consoleview.h"
#include "counttext.h"
#include "errorlist.h"
#include "mainwindow.h"
#include "progresstext.h"
#include "sampledata.h"
#include "sampledatadialog.h"
#include "storeworker.h"
#include "textoutput.h"
#include "whenfinished.h"
#include "workspacesession.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QListWidget>
#include <QMenu>
#include <QProgressDialog>
#include <QSaveFile>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace syncscope {

DataActions::DataActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                         ConsoleView* console, QObject* parent)
    : QObject(parent)
    , window_(window)
    , session_(session)
    , commands_(commands)
    , console_(console) {
    QMenu* file = window_->fileMenu();
    QAction* first = file->actions().value(0);
    auto* exportAction = new QAction(QStringLiteral("&Export Oplogs…"), window_);
    exportAction->setShortcut(Qt::CTRL | Qt::Key_E);
    connect(exportAction, &QAction::triggered, this, [this] {
        QFileDialog::Options options;
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            options |= QFileDialog::DontUseNativeDialog;
        const QString dir = QFileDialog::getExistingDirectory(
            window_, QStringLiteral("Export every store's oplog into"), QString(),
            options | QFileDialog::ShowDirsOnly);
        if (!dir.isEmpty())
            exportOplogs(dir);
    });
    file->insertAction(first, exportAction);
    connect(this, &DataActions::oplogsExported, window_, [this](const QString& dir, bool ok) {
        window_->showStatus(ok ? QStringLiteral("Oplogs exported to %1").arg(dir)
                               : QStringLiteral("Exporting the oplogs to %1 failed").arg(dir));
    });

    QMenu* dataMenu = dataMenu_ = window_->addMenuBeforeHelp(QStringLiteral("&Data"));
    QAction* importAction = dataMenu->addAction(QStringLiteral("&Import CSV…"), this, [this] {
        QFileDialog::Options options;
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            options |= QFileDialog::DontUseNativeDialog;
        const QString path = QFileDialog::getOpenFileName(
            window_, QStringLiteral("Import grades (student-ID,course-id,…,grade)"), QString(),
            QStringLiteral("CSV files (*.csv);;All files (*)"), nullptr, options);
        if (path.isEmpty())
            return;
        const QStringList targets = chooseStores(window_, commands_->storeNames());
        if (!targets.isEmpty())
            importCsv(path, targets);
    });
    importAction->setShortcut(Qt::CTRL | Qt::Key_I);
    dataMenu->addAction(QStringLiteral("&Generate Sample Data…"), this, &DataActions::askForSample);
    connect(this, &DataActions::dataImported, window_,
            [this](int rows, bool canceled, const QString& error) {
                const QString message =
                    !error.isEmpty() ? error
                    : canceled
                        ? QStringLiteral("Import canceled after %1").arg(countOf(rows, "row"))
                        : QStringLiteral("Imported %1").arg(countOf(rows, "row"));
                window_->showStatus(message);
                (error.isEmpty() ? console_->appendResult(QStringLiteral("-- ") + message)
                                 : console_->appendError(message));
            });
}

void DataActions::exportOplogs(const QString& dir) {
    if (!QDir().mkpath(dir)) {
        console_->appendError(QStringLiteral("cannot create %1").arg(dir));
        Q_EMIT oplogsExported(dir, false);
        return;
    }
    commands_->whenWritten([this, dir] {
        const std::vector<StoreWorker*> workers = session_->workers();
        auto pending = std::make_shared<size_t>(workers.size());
        auto ok = std::make_shared<bool>(true);
        for (size_t s = 0; s < workers.size(); ++s) {
            const QString name = session_->description(static_cast<int>(s)).name;
            const QString path =
                QDir(dir).filePath(QString::fromStdString(exportFileName(name.toStdString())));
            auto done = [this, dir, pending, ok] {
                if (--*pending == 0)
                    Q_EMIT oplogsExported(dir, *ok);
            };
            if (!workers[s]) {
                *ok = false;
                done();
                continue;
            }
            // The store reads on its worker; formatting and writing the file go to the thread
            // pool: a million-entry oplog is neither formatted nor written on the UI thread.
            whenFinished(
                workers[s]->readOplog(), this,
                [this, path, ok, done](QFuture<Result<std::vector<LogRecord>>> f) {
                    auto log = std::make_shared<Result<std::vector<LogRecord>>>(f.takeResult());
                    whenFinished(
                        QtConcurrent::run([log, path]() -> QString {
                            if (!*log)
                                return log->error().toString();
                            std::string text;
                            for (const LogRecord& r : log->value())
                                appendExportLine(text, r);
                            QSaveFile file(path);
                            if (!file.open(QIODevice::WriteOnly) ||
                                file.write(text.data(), static_cast<qint64>(text.size())) !=
                                    static_cast<qint64>(text.size()) ||
                                !file.commit())
                                return path + QStringLiteral(": ") + file.errorString();
                            return {};
                        }),
                        this, [this, ok, done](const QString& error) {
                            if (!error.isEmpty()) {
                                *ok = false;
                                console_->appendError(error);
                            }
                            done();
                        });
                });
        }
    });
}

void DataActions::askForSample() {
    auto* dialog = new SampleDataDialog(commands_->storeNames(), window_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        importSample(dialog->students(), dialog->courses(), dialog->stores());
    });
    dialog->open();
}

void DataActions::importSample(int students, int courses, const QStringList& stores) {
    whenFinished(QtConcurrent::run([students, courses] {
                     auto data = std::make_shared<SeedData>();
                     data->fileName = "sample";
                     data->rows = generateSampleData(students, courses);
                     return data;
                 }),
                 this, [this, stores](std::shared_ptr<SeedData> data) {
                     importSeedData(std::move(data), stores);
                 });
}

void DataActions::importCsv(const QString& path, const QStringList& stores) {
    whenFinished(QtConcurrent::run([path] {
                     QFile file(path);
                     if (!file.open(QIODevice::ReadOnly))
                         return std::make_shared<SeedData>(SeedData{
                             path.toStdString(), {}, {{1, 1, file.errorString().toStdString()}}});
                     const QByteArray bytes = file.readAll();
                     return std::make_shared<SeedData>(parseSeedCsv(
                         QFileInfo(path).fileName().toStdString(),
                         std::string_view(bytes.constData(), static_cast<size_t>(bytes.size()))));
                 }),
                 this, [this, stores](std::shared_ptr<SeedData> data) {
                     importSeedData(std::move(data), stores);
                 });
}

void DataActions::importSeedData(std::shared_ptr<SeedData> data, const QStringList& stores) {
    std::vector<int> chosen;
    const QStringList names = commands_->storeNames();
    for (const QString& s : stores) {
        const int index = static_cast<int>(names.indexOf(s));
        if (index < 0)
            continue;
        if (commands_->isUnavailable(index)) {
            // Its server is down: the rows go to the others, and the console says so.
            console_->appendError(commands_->unavailableMessage(index) +
                                  QStringLiteral(": not imported into it"));
            continue;
        }
        chosen.push_back(index);
    }
    if (!data->errors.empty()) {
        for (const ScriptError& e : data->errors)
            console_->appendError(QString::fromStdString(data->formatError(e)));
        if (data->moreErrors > 0)
            console_->appendError(QString::fromStdString(moreErrorsLine(data->moreErrors)));
        Q_EMIT dataImported(0, false,
                            QString::fromStdString(data->formatError(data->errors.front())));
        return;
    }
    auto rows = std::make_shared<const std::vector<SeedRow>>(std::move(data->rows));
    auto* progress =
        new QProgressDialog(QStringLiteral("Importing grades…"), QStringLiteral("Cancel"), 0,
                            static_cast<int>(rows->size()), window_);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto update = connect(
        commands_, &CommandSession::importProgress, progress,
        [progress, clock](int done, int total) {
            progress->setValue(done);
            const double seconds = std::max(1e-3, static_cast<double>(clock->elapsed()) / 1000.0);
            const double rate = done / seconds;
            progress->setLabelText(progressText(done, total, QStringLiteral("rows imported"), rate,
                                                rate > 0 ? (total - done) / rate : 0.0));
        });
    connect(progress, &QProgressDialog::canceled, commands_, &CommandSession::cancelImport);
    auto finished = std::make_shared<QMetaObject::Connection>();
    *finished = connect(commands_, &CommandSession::importFinished, this,
                        [this, progress, update, finished](int done, bool canceled) {
                            disconnect(update);
                            disconnect(*finished);
                            progress->close();
                            Q_EMIT dataImported(done, canceled, QString());
                        });
    commands_->importRows(rows, chosen);
}

QStringList DataActions::chooseStores(QWidget* parent, const QStringList& names) {
    QDialog dialog(parent);
    dialog.setWindowTitle(QStringLiteral("Import into which stores?"));
    auto* list = new QListWidget(&dialog);
    for (const QString& n : names) {
        auto* item = new QListWidgetItem(n, list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(list);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    QStringList chosen;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            chosen << list->item(i)->text();
    return chosen;
}

} // namespace syncscope

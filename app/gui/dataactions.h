#pragma once

#include "seedcsv.h"

#include <QObject>
#include <QStringList>

#include <memory>

class QMenu;
class QWidget;

namespace syncscope {

class CommandSession;
class ConsoleView;
class MainWindow;
class WorkspaceSession;

// The data the program moves in and out of its stores: File > Export Oplogs (every store's
// oplog in the seed format), Data > Import CSV and Data > Generate Sample Data (seed rows into
// the chosen stores, with progress and cancel).
class DataActions : public QObject {
    Q_OBJECT
public:
    DataActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                ConsoleView* console, QObject* parent = nullptr);

    // Writes oplog.<store>.txt (docs/cli.md) for every store into dir, from the stores' own oplogs
    // once everything run so far is written; oplogsExported() follows.
    void exportOplogs(const QString& dir);
    // Reads a CSV of docs/script-language.md's shape (off the UI thread) and imports it into the
    // named stores; errors name file:line:col and import nothing. dataImported() follows.
    void importCsv(const QString& path, const QStringList& stores);
    // Generated demo data (students x courses, docs/script-language.md's shape) into the named
    // stores.
    void importSample(int students, int courses, const QStringList& stores);
    // Data > Generate Sample Data…: one dialog (SampleDataDialog) for the counts and the stores.
    void askForSample();
    // The Data menu, for the actions that live beside these (Verify).
    QMenu* menu() const { return dataMenu_; }

Q_SIGNALS:
    void oplogsExported(const QString& dir, bool ok);
    void dataImported(int rows, bool canceled, const QString& error);

private:
    static QStringList chooseStores(QWidget* parent, const QStringList& names);
    void importSeedData(std::shared_ptr<SeedData> data, const QStringList& stores);

    MainWindow* window_;
    WorkspaceSession* session_;
    CommandSession* commands_;
    ConsoleView* console_;
    QMenu* dataMenu_ = nullptr;
};

} // namespace syncscope

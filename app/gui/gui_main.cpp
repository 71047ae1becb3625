// syncscope: the desktop program. With no arguments it opens the default workspace (one SQLite
// file per store in the data folder); `syncscope --workspace FILE` opens a configured one.
#include "commandsession.h"
#include "conflictactions.h"
#include "guiapp.h"
#include "guihost.h"
#include "labactions.h"
#include "mergeactions.h"
#include "openfilelimit.h"
#include "propertylabdialog.h"
#include "quitsignals.h"
#include "scriptactions.h"
#include "workspacefile.h"
#include "workspaceplace.h"
#include "workspacesession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTimer>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Syncscope"));
    QApplication::setOrganizationName(QStringLiteral("Syncscope"));
    QApplication::setApplicationVersion(QStringLiteral(SYNCSCOPE_VERSION));
    syncscope::raiseOpenFileLimit();
    // From the start: a signal while the stores open is acted on once the event loop runs, by
    // then with a window to close.
    syncscope::GuiHost* host = nullptr;
    syncscope::quitOnSignals([&host] {
        if (host && host->app())
            host->app()->quitWithoutAsking();
        else
            QCoreApplication::quit();
    });
    syncscope::GuiApp::loadResources();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/syncscope/icons/syncscope.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("See and repair where copies of a grade table disagree."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption workspace(QStringList{QStringLiteral("workspace")},
                                 QStringLiteral("Open the workspace JSON FILE."),
                                 QStringLiteral("FILE"));
    QCommandLineOption quitAfter(QStringList{QStringLiteral("quit-after")},
                                 QStringLiteral("Quit after MS milliseconds (smoke tests)."),
                                 QStringLiteral("MS"));
    QCommandLineOption execute(QStringList{QStringLiteral("execute"), QStringLiteral("e")},
                               QStringLiteral("Run LINE in the command bar once the stores are "
                                              "loaded (repeatable; demos and screenshots)."),
                               QStringLiteral("LINE"));
    QCommandLineOption script(QStringList{QStringLiteral("script")},
                              QStringLiteral("Open the testcase FILE once the stores are loaded."),
                              QStringLiteral("FILE"));
    QCommandLineOption steps(QStringList{QStringLiteral("steps")},
                             QStringLiteral("Then run its first N commands (demos, screenshots)."),
                             QStringLiteral("N"));
    QCommandLineOption conflicts(QStringList{QStringLiteral("conflicts")},
                                 QStringLiteral("Show the Conflicts dock in front."));
    parser.addOption(conflicts);
    QCommandLineOption plots(QStringList{QStringLiteral("plots")},
                             QStringLiteral("Show the History plots dock in front."));
    parser.addOption(plots);
    QCommandLineOption merge(QStringList{QStringLiteral("merge")},
                             QStringLiteral("Open the Merge dialog once the stores are loaded."));
    parser.addOption(merge);
    QCommandLineOption lab(QStringList{QStringLiteral("lab")},
                           QStringLiteral("Open the Property Lab and run it (after the script's "
                                          "steps have had a moment)."));
    parser.addOption(lab);
    parser.addOption(workspace);
    parser.addOption(execute);
    parser.addOption(script);
    parser.addOption(steps);
    parser.addOption(quitAfter);
    parser.process(app);

    std::vector<syncscope::StoreSpec> stores;
    QString label;
    if (parser.isSet(workspace)) {
        syncscope::WorkspaceFile file = syncscope::WorkspaceFile::load(parser.value(workspace));
        if (!file.error.isEmpty()) {
            QMessageBox::critical(nullptr, QStringLiteral("Syncscope"), file.error);
            return 2;
        }
        stores = std::move(file.stores);
        label = parser.value(workspace);
    } else {
        syncscope::WorkspacePlace place =
            syncscope::WorkspacePlace::openDefault(syncscope::WorkspaceSession::defaultDataDir());
        if (!place.problem.isEmpty())
            QMessageBox::warning(nullptr, QStringLiteral("Syncscope"), place.problem);
        stores = std::move(place.stores);
        label = place.label;
    }

    // The host replaces the program when the workspace changes (File > Open Workspace, Store >
    // Add/Edit/Remove); the command-line lines and script apply to the first one.
    syncscope::GuiHost theHost;
    host = &theHost;
    theHost.open(std::move(stores), label);
    syncscope::GuiApp* gui = theHost.app();
    // The -e lines and the script run in command-line order (docs/gui.md), each answered
    // before the next starts.
    const syncscope::StartCommands start = syncscope::StartCommands::fromArguments(
        QCoreApplication::arguments(), parser.values(execute), parser.value(script),
        parser.value(steps).toInt());
    const bool showConflicts = parser.isSet(conflicts);
    const bool showMerge = parser.isSet(merge);
    const bool showPlots = parser.isSet(plots);
    const bool showLab = parser.isSet(lab);
    QObject::connect(
        gui->commands(), &syncscope::CommandSession::ready, gui,
        [gui, start, showConflicts, showMerge, showPlots, showLab] {
            gui->runStartCommands(start);
            if (showConflicts)
                gui->conflicts()->showConflicts();
            if (showPlots)
                gui->conflicts()->showPlots();
            if (showMerge)
                gui->merges()->openMergeDialog();
            if (showLab)
                QTimer::singleShot(1500, gui, [gui] { gui->labs()->open()->runButton()->click(); });
        },
        Qt::SingleShotConnection);
    if (parser.isSet(quitAfter))
        QTimer::singleShot(parser.value(quitAfter).toInt(), &app, &QApplication::quit);
    return app.exec();
}

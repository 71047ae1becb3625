// The GUI under load: launch to first paint with a workspace holding a 1,000,000-row
// SQLite store; the longest stall of the UI thread (a 5 ms timer recording its lateness)
// while that store loads, while its million rows are ordered by a column and searched, and
// while a 100,000-line script runs (then again with the History plots in front); resident
// memory per loaded row of the grade table model.
#include "benchutil.h"
#include "commandsession.h"
#include "conflictactions.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "mainwindow.h"
#include "scriptactions.h"
#include "scriptgen.h"
#include "scriptrunner.h"
#include "storefactory.h"
#include "storepanel.h"
#include "uiprobe.h"
#include "workspacesession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <utility>

using namespace syncscope;

namespace {

long residentKb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeBench"));
    QTemporaryDir dir;
    const int rows = 1000000;
    const QString uri = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("sql.db"));
    if (!bench::fillStore(uri, "SQL", rows)) {
        std::fprintf(stderr, "bench_gui: cannot fill the store\n");
        return 1;
    }

    // Memory per loaded row: the grade table model alone, a million rows in pages.
    {
        const long before = residentKb();
        GradeTableModel model;
        const quint64 gen = model.beginLoad(rows);
        std::vector<GradeRecord> page;
        for (int i = 0; i < rows; ++i) {
            GradeRecord& g = page.emplace_back();
            g.studentId = "SID" + std::to_string(100000 + i / 20);
            g.courseId = "CSE" + std::to_string(100 + i % 20);
            g.value = "B";
            g.ts = i + 1;
            g.origin = "SQL";
            g.seq = static_cast<uint64_t>(i + 1);
            if (page.size() == 20000) {
                model.appendPage(gen, page);
                page.clear();
            }
        }
        model.endLoad(gen);
        const double perRow = static_cast<double>(residentKb() - before) * 1024.0 / rows;
        bench::Json("gui_memory_per_row")
            .num("rows", rows)
            .num("bytes_per_row", perRow)
            .num("target_bytes_per_row", 80)
            .flag("meets_target", perRow <= 80)
            .print();
    }

    bench::LatencyProbe probe;
    QElapsedTimer clock;
    clock.start();
    probe.start();
    GuiApp gui({{"SQL", {}, uri.toStdString()}, {"HIVE", {}, "sqlite::memory:"}},
               QStringLiteral("bench"));
    gui.start();
    if (!QTest::qWaitForWindowExposed(gui.window()))
        return 1;
    const double exposed = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    GradeTableModel* grades = gui.session()->grades(0);
    while (grades->rowCount() < rows)
        QTest::qWait(1);
    const double rowsShown = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    while (grades->loadedRows() < 20000)
        QTest::qWait(1);
    const double firstPage = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    while (grades->isLoading() || !gui.commands()->isReady())
        QTest::qWait(5);
    const double allLoaded = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    const double loadStall = probe.stop();
    bench::Json("gui_launch")
        .str("input", "workspace with a 1,000,000-row SQLite store")
        .num("window_exposed_s", exposed)
        .num("row_count_shown_s", rowsShown)
        .num("first_page_painted_s", firstPage)
        .num("all_rows_loaded_s", allLoaded)
        .num("target_first_paint_s", 1)
        .flag("meets_target", firstPage < 1)
        .print();
    bench::Json("gui_stall_loading")
        .num("longest_stall_ms", loadStall)
        .num("target_ms", 50)
        .flag("meets_target", loadStall < 50)
        .print();

    // Ordering the million rows by a column, then a search over them: the sort runs on a
    // worker, so what the UI thread pays is the snapshot and the install.
    StorePanel* panel = gui.window()->storePanels().value(0);
    if (!panel)
        return 1;
    const auto timed = [&probe, panel](auto&& ask, int expectedRows) {
        QElapsedTimer sortClock;
        sortClock.start();
        probe.start();
        ask();
        while (panel->isSorting() || panel->gradeView()->model()->rowCount() != expectedRows)
            QTest::qWait(2);
        const double seconds = static_cast<double>(sortClock.nsecsElapsed()) / 1e9;
        return std::pair{seconds, probe.stop()};
    };
    const auto [sortSeconds, sortStall] =
        timed([panel] { panel->setSortOrder(GradeTableModel::Grade, Qt::DescendingOrder); }, rows);
    const QModelIndex top = panel->gradeView()->model()->index(0, GradeTableModel::Grade);
    if (top.data().toString() != QStringLiteral("F"))
        return 1; // not ordered: the figure would measure nothing
    // SID1000 matches SID100000..SID100099 and SID1000100..: 2,000 of the million (20 courses).
    const auto [searchSeconds, searchStall] =
        timed([panel] { panel->setSearch(QStringLiteral("SID1000")); }, 2000);
    // The reference: Qt's own QSortFilterProxyModel ordering the same rows, which can only
    // sort on the thread that owns it.
    double qtSortSeconds = 0;
    {
        QSortFilterProxyModel qtProxy;
        qtProxy.setSourceModel(grades);
        QElapsedTimer qtClock;
        qtClock.start();
        qtProxy.sort(GradeTableModel::Grade, Qt::DescendingOrder);
        qtSortSeconds = static_cast<double>(qtClock.nsecsElapsed()) / 1e9;
    }
    bench::Json("gui_sort")
        .str("input", "1,000,000 loaded rows: order by grade, then search within that order")
        .num("sort_s", sortSeconds)
        .num("sort_longest_stall_ms", sortStall)
        .num("qsortfilterproxymodel_ui_thread_s", qtSortSeconds)
        .num("search_s", searchSeconds)
        .num("search_longest_stall_ms", searchStall)
        .num("target_ms", 50)
        .flag("meets_target", sortStall < 50 && searchStall < 50)
        .print();
    panel->setSearch(QString());
    panel->setSortOrder(-1, Qt::AscendingOrder);

    // A 100,000-line script run in the GUI (Run: time slices), the probe ticking throughout.
    bench::ScriptMix mix;
    static const char* const stores[] = {"SQL", "HIVE"};
    mix.stores = stores;
    mix.storeCount = 2;
    mix.keys = 20000;
    const QString script = dir.filePath(QStringLiteral("run.in"));
    {
        QFile f(script);
        f.open(QIODevice::WriteOnly);
        const std::string text = bench::randomScript(100000, mix, 5);
        f.write(text.data(), static_cast<qint64>(text.size()));
    }
    // Opens the script (from its first command) and runs it all: {seconds, longest stall}.
    const auto openAndRun = [&gui, &probe, &script]() -> std::optional<std::pair<double, double>> {
        QSignalSpy opened(gui.scripts(), &ScriptActions::opened);
        gui.scripts()->open(script);
        if (!opened.wait(60000) || !opened.at(0).at(0).toBool())
            return std::nullopt;
        QElapsedTimer runClock;
        runClock.start();
        probe.start();
        gui.scripts()->run();
        while (gui.scriptRunner()->done() < gui.scriptRunner()->total())
            QTest::qWait(5);
        const double seconds = static_cast<double>(runClock.nsecsElapsed()) / 1e9;
        return std::pair{seconds, probe.stop()};
    };
    const auto run = openAndRun();
    if (!run)
        return 1;
    const auto [runSeconds, runStall] = *run;
    bench::Json("gui_stall_running")
        .str("input", "100,000-line script, 2 stores, Run")
        .num("run_s", runSeconds)
        .num("longest_stall_ms", runStall)
        .num("target_ms", 50)
        .flag("meets_target", runStall < 50)
        .print();

    // The same script again with the History dock in front: the plots capture and redraw as
    // it runs (the timeline's newest 20,000 entries per store, the divergence so far).
    gui.conflicts()->showPlots();
    QSignalSpy captured(gui.commands(), &CommandSession::plotsCaptured);
    const auto plotRun = openAndRun();
    if (!plotRun || captured.isEmpty())
        return 1; // the plots never followed the run: the figure would measure nothing
    const auto [plotRunSeconds, plotStall] = *plotRun;
    bench::Json("gui_stall_running_with_plots")
        .str("input", "100,000-line script, 2 stores, Run, History dock in front")
        .num("run_s", plotRunSeconds)
        .num("captures", static_cast<double>(captured.count()))
        .num("longest_stall_ms", plotStall)
        .num("target_ms", 50)
        .flag("meets_target", plotStall < 50)
        .print();

    // A store whose server never answers (a socket that listens and never accepts: the login
    // waits until its timeout), retried every 200 ms from its panel while the same script runs
    // on the other two stores.
    const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (silent < 0 || ::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(silent, 64) != 0 ||
        ::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return 1;
    const QString silentUri =
        QStringLiteral("mysql://nobody@127.0.0.1:%1/grades").arg(ntohs(address.sin_port));
    GuiApp failing({{"SQL", {}, "sqlite::memory:"},
                    {"HIVE", {}, "sqlite::memory:"},
                    {"SILENT", {}, silentUri.toStdString()}},
                   QStringLiteral("bench-failing"));
    failing.start();
    QElapsedTimer readyClock;
    readyClock.start();
    while (!failing.commands()->isReady() && readyClock.elapsed() < 60000)
        QTest::qWait(5);
    const double readySeconds = static_cast<double>(readyClock.nsecsElapsed()) / 1e9;
    if (!failing.commands()->isReady())
        return 1;
    StorePanel* silentPanel = failing.window()->storePanels()[2];
    QTimer retry;
    retry.setInterval(200);
    int retries = 0;
    QObject::connect(&retry, &QTimer::timeout, [&] {
        if (silentPanel->hasProblem()) {
            Q_EMIT silentPanel->retryRequested();
            ++retries;
        }
    });
    retry.start();
    // The same mix without FULL_SYNC: a FULL_SYNC names every store, the silent one too, and
    // is refused (the run would stop there).
    bench::ScriptMix withoutSync = mix;
    withoutSync.merges += withoutSync.fullSyncs;
    withoutSync.fullSyncs = 0;
    const QString twoStoreScript = dir.filePath(QStringLiteral("two.in"));
    {
        QFile f(twoStoreScript);
        f.open(QIODevice::WriteOnly);
        const std::string text = bench::randomScript(100000, withoutSync, 5);
        f.write(text.data(), static_cast<qint64>(text.size()));
    }
    QSignalSpy failingOpened(failing.scripts(), &ScriptActions::opened);
    failing.scripts()->open(twoStoreScript);
    if (!failingOpened.wait(60000))
        return 1;
    QElapsedTimer failingClock;
    failingClock.start();
    probe.start();
    failing.scripts()->run();
    while (failing.scriptRunner()->isBusy())
        QTest::qWait(5);
    if (failing.scriptRunner()->done() < failing.scriptRunner()->total())
        return 1; // refused part way: the figure would measure a shorter run
    const double failingSeconds = static_cast<double>(failingClock.nsecsElapsed()) / 1e9;
    const double failingStall = probe.stop();
    retry.stop();
    ::close(silent);
    bench::Json("gui_stall_failing_store")
        .str("input", "100,000-line script on 2 stores, a third whose server never answers, "
                      "retried every 200 ms")
        .num("commands_ready_s", readySeconds)
        .num("run_s", failingSeconds)
        .num("retries", retries)
        .num("longest_stall_ms", failingStall)
        .num("target_ms", 50)
        .flag("meets_target", failingStall < 50)
        .print();
    return 0;
}

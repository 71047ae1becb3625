// The window on a lecture-hall projector: for 2 to 6 stores its minimum size fits 1280×720 (and
// so 1366×768 and 1920×1080), with the default docks, after opening a script with a long name,
// and with the workspace label as long as a real data folder makes it.
#include "commandsession.h"
#include "consoleview.h"
#include "guiapp.h"
#include "mainwindow.h"
#include "scriptactions.h"
#include "scriptpanel.h"
#include "storepanel.h"
#include "viewzoom.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QLayout>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestWindowFit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void minimumSizeFitsTheProjector_data();
    void minimumSizeFitsTheProjector();
    void presentationScalesEveryView();

private:
    QTemporaryDir dir_;
};

namespace {

// What the window may ask for: a maximised window on the projector, less a window manager's
// title bar and frame.
constexpr QSize kRoom(1270, 680);

// The widgets asking for the most room, named, so a failure says what to fix.
QString largest(QWidget* top, int (*extent)(const QSize&)) {
    QList<QPair<int, QString>> found;
    for (QWidget* w : top->findChildren<QWidget*>())
        if (w->isVisible() && extent(w->minimumSizeHint()) > 150)
            found.append({extent(w->minimumSizeHint()),
                          QStringLiteral("%1(%2)").arg(
                              QString::fromLatin1(w->metaObject()->className()), w->objectName())});
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first > b.first; });
    QStringList lines;
    for (int i = 0; i < found.size() && i < 12; ++i)
        lines << QStringLiteral("%1 %2").arg(found[i].first).arg(found[i].second);
    return lines.join(QStringLiteral("; "));
}

} // namespace

void TestWindowFit::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeFitTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
}

void TestWindowFit::minimumSizeFitsTheProjector_data() {
    QTest::addColumn<int>("stores");
    for (int n = 2; n <= 6; ++n)
        QTest::newRow(qPrintable(QStringLiteral("%1 stores").arg(n))) << n;
}

void TestWindowFit::minimumSizeFitsTheProjector() {
    QFETCH(int, stores);
    const char* names[] = {"SQL", "MONGO", "HIVE", "REDIS", "SQLITE", "POSTGRES_REPLICA"};
    std::vector<StoreSpec> specs;
    for (int i = 0; i < stores; ++i)
        specs.push_back(
            {names[i],
             {},
             "sqlite://" +
                 dir_.filePath(
                         QStringLiteral("%1-%2.db").arg(stores).arg(QString::fromLatin1(names[i])))
                     .toStdString()});
    // As long as the default workspace's label gets in a real home folder.
    const QString label =
        QStringLiteral("default workspace (embedded SQLite in /home/a-rather-long-user-name/"
                       ".local/share/Syncscope/Syncscope/stores)");
    GuiApp app(specs, label);
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);

    const auto check = [&](const char* when) {
        app.window()->layout()->activate();
        const QSize min = app.window()->minimumSizeHint().expandedTo(app.window()->minimumSize());
        QVERIFY2(
            min.width() <= kRoom.width() && min.height() <= kRoom.height(),
            qPrintable(QStringLiteral("%1: minimum %2×%3 on %4 stores; widest: %5; tallest: %6")
                           .arg(QString::fromLatin1(when))
                           .arg(min.width())
                           .arg(min.height())
                           .arg(stores)
                           .arg(largest(app.window(), [](const QSize& s) { return s.width(); }),
                                largest(app.window(), [](const QSize& s) { return s.height(); }))));
    };
    // Empty stores: the welcome is in front, and fits too.
    auto* welcome = app.window()->findChild<QDockWidget*>(QStringLiteral("dock-welcome"));
    QVERIFY(welcome);
    QTRY_VERIFY(welcome->isVisible());
    check("first start");

    const QString script = dir_.filePath(
        QStringLiteral("a-testcase-with-a-very-long-name-from-the-course-website-week-07-"
                       "last-writer-wins-and-its-discontents-%1.in")
            .arg(stores));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(names[0]) + ".SET((SID1,CSE1),A)\n" + names[1] + ".MERGE(" + names[0] +
               ")\n");
    file.close();
    QSignalSpy opened(app.scripts(), &ScriptActions::opened);
    app.scripts()->open(script);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    check("after opening a long-named script");
    QVERIFY(!welcome->isVisible()); // there is something to look at now
}

// View > Presentation scales the tables and oplogs (text, rows and columns), the console, the
// script and the plots' axes by one factor, the window still fits the projector, Ctrl+0 brings
// back the sizes of 100 %, and the scale is remembered for the next start.
void TestWindowFit::presentationScalesEveryView() {
    QSettings().remove(QStringLiteral("view"));
    std::vector<StoreSpec> specs;
    for (const char* name : {"SQL", "MONGO", "HIVE", "REDIS", "SQLITE"})
        specs.push_back(
            {name,
             {},
             "sqlite://" +
                 dir_.filePath(QStringLiteral("zoom-%1.db").arg(QString::fromLatin1(name)))
                     .toStdString()});
    GuiApp app(specs, QStringLiteral("zoom"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    MainWindow* w = app.window();
    QTableView* grades = w->storePanels()[0]->gradeView();
    QTableView* oplog = w->storePanels()[0]->oplogView();
    auto* plot = w->findChild<QCustomPlot*>();
    QVERIFY(plot);
    struct Sizes {
        double grades, oplog, console, script, plotTicks;
        int row, studentColumn;
    };
    const auto measure = [&] {
        return Sizes{grades->font().pointSizeF(),
                     oplog->font().pointSizeF(),
                     app.console()->font().pointSizeF(),
                     app.scriptPanel()->findChild<ScriptView*>()->font().pointSizeF(),
                     plot->xAxis->tickLabelFont().pointSizeF(),
                     grades->verticalHeader()->defaultSectionSize(),
                     grades->columnWidth(0)};
    };
    const Sizes before = measure();
    QAction* presentation = nullptr;
    for (QAction* a : w->findChildren<QAction*>())
        if (a->text() == QStringLiteral("&Presentation"))
            presentation = a;
    QVERIFY(presentation);
    QVERIFY(!presentation->isChecked());
    presentation->trigger();
    QCOMPARE(w->zoom()->percent(), 150);
    QVERIFY(presentation->isChecked());
    const Sizes after = measure();
    for (auto [was, is, what] : {std::tuple{before.grades, after.grades, "grades"},
                                 {before.oplog, after.oplog, "oplog"},
                                 {before.console, after.console, "console"},
                                 {before.script, after.script, "script"},
                                 {before.plotTicks, after.plotTicks, "plot ticks"}})
        QVERIFY2(
            qAbs(is - was * 1.5) < 0.01,
            qPrintable(QStringLiteral("%1: %2 → %3").arg(QLatin1String(what)).arg(was).arg(is)));
    QVERIFY(after.row > before.row);
    QVERIFY(qAbs(after.studentColumn - before.studentColumn * 1.5) <= 1);
    w->layout()->activate();
    const QSize min = w->minimumSizeHint();
    QVERIFY2(
        min.width() <= kRoom.width() && min.height() <= kRoom.height(),
        qPrintable(QStringLiteral("presenting: minimum %1×%2").arg(min.width()).arg(min.height())));

    // One step more: taken back when the layout would no longer fit the screen (the offscreen
    // platform's is small), never leaving the window larger than the screen.
    QTest::keyClick(w, Qt::Key_Equal, Qt::ControlModifier);
    const int zoomed = w->zoom()->percent();
    QVERIFY(zoomed == 175 || zoomed == 150);
    w->layout()->activate();
    const QRect screen = w->screen()->availableGeometry();
    QVERIFY(w->minimumSizeHint().width() <= screen.width() &&
            w->minimumSizeHint().height() <= screen.height());
    QCOMPARE(ViewZoom().percent(), zoomed); // remembered for the next start
    QTest::keyClick(w, Qt::Key_0, Qt::ControlModifier);
    QCOMPARE(w->zoom()->percent(), 100);
    const Sizes back = measure();
    QCOMPARE(back.grades, before.grades);
    QCOMPARE(back.console, before.console);
    QCOMPARE(back.plotTicks, before.plotTicks);
    QCOMPARE(back.row, before.row);
    QVERIFY(qAbs(back.studentColumn - before.studentColumn) <= 1);
    presentation->trigger(); // the last presentation scale again
    QCOMPARE(w->zoom()->percent(), zoomed);
    QSettings().remove(QStringLiteral("view"));
}

QTEST_MAIN(TestWindowFit)
#include "tst_windowfit.moc"

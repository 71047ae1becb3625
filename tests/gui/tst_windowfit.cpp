// The window on a lecture-hall projector: for 2 to 6 stores its minimum size fits 1280×720 (and
// so 1366×768 and 1920×1080), with the default docks, after opening a script with a long name,
// and with the workspace label as long as a real data folder makes it.
#include "commandsession.h"
#include "consoleview.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "guidriver.h"
#include "mainwindow.h"
#include "mergeactions.h"
#include "mergedialog.h"
#include "scriptactions.h"
#include "scriptpanel.h"
#include "storepanel.h"
#include "storeroom.h"
#include "viewzoom.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QLayout>
#include <QMessageBox>
#include <QMouseEvent>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace syncscope;

class TestWindowFit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void minimumSizeFitsTheProjector_data();
    void minimumSizeFitsTheProjector();
    void presentationScalesEveryView();
    void presentationKeepsTableRows();
    void presentationScalesDialogs();
    void gradeColumnStaysInView_data();
    void gradeColumnStaysInView();
    void aDraggedColumnKeepsItsWidth();
    void layoutOfOtherStoresIsRestored();
    void layoutCarriedToOtherStores();

private:
    QTemporaryDir dir_;
};

namespace {

// What the window may ask for: a maximised window on the projector, less a window manager's
// title bar and frame.
constexpr QSize kRoom(1270, 680);
// A window maximised there: the screen less a title bar.
constexpr QSize kProjector(1280, 690);

QAction* presentationAction(MainWindow* w) {
    for (QAction* a : w->findChildren<QAction*>())
        if (a->text() == QStringLiteral("&Presentation"))
            return a;
    return nullptr;
}

QList<QDockWidget*> storeDocks(MainWindow* w) {
    QList<QDockWidget*> docks;
    for (QDockWidget* dock : w->findChildren<QDockWidget*>())
        if (dock->objectName().startsWith(QStringLiteral("dock-store-")))
            docks << dock;
    return docks;
}

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

// Every store's panel is shown, side by side, and the window fits the projector.
void checkStorePanelsShown(GuiApp& app, const QStringList& names) {
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    QCOMPARE(app.window()->storePanels().size(), names.size());
    for (const QString& name : names) {
        auto* dock = app.window()->findChild<QDockWidget*>(QStringLiteral("dock-store-") + name);
        QVERIFY2(dock && dock->isVisible() && dock->width() > 100 && dock->height() > 100,
                 qPrintable(name));
    }
    app.window()->layout()->activate();
    const QSize min = app.window()->minimumSizeHint();
    QVERIFY(min.width() <= kRoom.width() && min.height() <= kRoom.height());
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
    for (const char* name : {"SQL", "MONGO", "HIVE"})
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
    w->resize(kProjector); // maximised on the projector
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
    QAction* presentation = presentationAction(w);
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

// Five stores on the projector: presentation mode gives the store panels the height first
// (the console, the script and the tabs behind them give it up), and takes back a scale at
// which the tables would still show fewer than four rows. At 150 % they showed one or two.
void TestWindowFit::presentationKeepsTableRows() {
    QSettings().remove(QStringLiteral("view"));
    const QStringList names{QStringLiteral("SQL"), QStringLiteral("MONGO"), QStringLiteral("HIVE"),
                            QStringLiteral("REDIS"), QStringLiteral("SQLITE")};
    GuiApp app(lab::sqliteStores(dir_, QStringLiteral("rows"), names), QStringLiteral("rows"));
    app.start();
    checkStorePanelsShown(app, names);
    MainWindow* w = app.window();
    w->resize(kProjector);
    QTRY_COMPARE(w->size(), kProjector);
    presentationAction(w)->trigger();
    QVERIFY(w->zoom()->percent() > 100);
    QVERIFY(presentationAction(w)->isChecked());
    w->layout()->activate();
    for (QDockWidget* dock : storeDocks(w)) {
        auto* panel = qobject_cast<StorePanel*>(dock->widget());
        QTableView* table = panel->gradeView();
        const int rows =
            table->viewport()->height() / table->verticalHeader()->defaultSectionSize();
        QVERIFY2(rows >= kUsableTableRows, qPrintable(QStringLiteral("%1 shows %2 rows at %3 %")
                                                          .arg(panel->storeName())
                                                          .arg(rows)
                                                          .arg(w->zoom()->percent())));
    }
    // Zooming in further is refused the same way.
    for (int i = 0; i < 4; ++i)
        QTest::keyClick(w, Qt::Key_Equal, Qt::ControlModifier);
    w->layout()->activate();
    QVERIFY(fewestTableRows(storeDocks(w)) >= kUsableTableRows);
    QSettings().remove(QStringLiteral("view"));
}

// The one scale reaches the dialogs: those opened while presenting (Help's pages, the Merge
// dialog, a message box) and those open when it changes; their tables' rows follow. Dialogs
// are windows of their own, which do not inherit the main window's font.
void TestWindowFit::presentationScalesDialogs() {
    QSettings().remove(QStringLiteral("view"));
    const QStringList names{QStringLiteral("SQL"), QStringLiteral("MONGO")};
    GuiApp app(lab::sqliteStores(dir_, QStringLiteral("dialogs"), names),
               QStringLiteral("dialogs"));
    app.start();
    checkStorePanelsShown(app, names);
    MainWindow* w = app.window();
    w->resize(kProjector);
    const double base = w->font().pointSizeF();
    auto* box = new QMessageBox(QMessageBox::Information, QStringLiteral("Open before"),
                                QStringLiteral("shown at 100 %"), QMessageBox::Ok, w);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->show();
    QCOMPARE(box->font().pointSizeF(), base);
    presentationAction(w)->trigger();
    QCOMPARE(w->zoom()->percent(), 150);
    QCOMPARE(box->font().pointSizeF(), base * 1.5);

    for (QAction* a : w->findChildren<QAction*>())
        if (a->text() == QStringLiteral("Script &Syntax"))
            a->trigger();
    auto* syntax = w->findChild<QDialog*>(QStringLiteral("scriptSyntax"));
    QVERIFY(syntax && syntax->isVisible());
    QCOMPARE(syntax->findChild<QTextBrowser*>()->font().pointSizeF(), base * 1.5);

    MergeDialog* merge = app.merges()->openMergeDialog();
    QTRY_VERIFY(merge->isVisible());
    QCOMPARE(merge->font().pointSizeF(), base * 1.5);
    for (QTableView* table : merge->findChildren<QTableView*>()) {
        QCOMPARE(table->font().pointSizeF(), base * 1.5);
        QVERIFY(table->verticalHeader()->defaultSectionSize() >= table->fontMetrics().height() + 6);
    }

    w->zoom()->actualSize(); // Ctrl+0 is the main window's; a dialog is in front
    QCOMPARE(merge->font().pointSizeF(), base);
    QCOMPARE(syntax->font().pointSizeF(), base);
    QCOMPARE(box->font().pointSizeF(), base);
    merge->close();
    syntax->close();
    box->close();
    QSettings().remove(QStringLiteral("view"));
}

void TestWindowFit::gradeColumnStaysInView_data() {
    QTest::addColumn<int>("stores");
    QTest::addColumn<int>("percent");
    for (int n : {5, 6})
        for (int percent : {100, 125})
            QTest::newRow(qPrintable(QStringLiteral("%1 stores at %2 %").arg(n).arg(percent)))
                << n << percent;
}

// Five or six stores on the projector, presenting: every panel's grade table shows its Grade
// column whole (at 125 % the ids took the room and the grades were cut off or out of sight);
// the ids give way instead, elided.
void TestWindowFit::gradeColumnStaysInView() {
    QFETCH(int, stores);
    QFETCH(int, percent);
    QSettings().remove(QStringLiteral("view"));
    const QStringList names =
        QStringList{QStringLiteral("SQL"),   QStringLiteral("MONGO"),  QStringLiteral("HIVE"),
                    QStringLiteral("REDIS"), QStringLiteral("SQLITE"), QStringLiteral("PG")}
            .mid(0, stores);
    GuiApp app(lab::sqliteStores(dir_, QStringLiteral("grade%1").arg(stores), names),
               QStringLiteral("grades"));
    app.start();
    checkStorePanelsShown(app, names);
    MainWindow* w = app.window();
    w->resize(kProjector);
    QTRY_COMPARE(w->size(), kProjector);
    w->zoom()->setPercent(percent);
    const auto cut = [&] {
        QStringList found;
        for (StorePanel* panel : w->storePanels()) {
            QTableView* table = panel->gradeView();
            QHeaderView* header = table->horizontalHeader();
            const int grade = GradeTableModel::Grade;
            const int right = header->sectionViewportPosition(grade) + header->sectionSize(grade);
            const int needs = header->fontMetrics().horizontalAdvance(QStringLiteral("Grade"));
            if (right > table->viewport()->width() || header->sectionSize(grade) < needs)
                found << QStringLiteral("%1 (Grade %2..%3 of %4)")
                             .arg(panel->storeName())
                             .arg(header->sectionViewportPosition(grade))
                             .arg(right)
                             .arg(table->viewport()->width());
        }
        return found.join(QStringLiteral(", "));
    };
    QTRY_COMPARE_WITH_TIMEOUT(cut(), QString(), 3000);
    QSettings().remove(QStringLiteral("view"));
}

// The user drags the Student column wider: a resize of the window keeps it (the fit set it back
// to its own width), and the zoom scales it as the others.
void TestWindowFit::aDraggedColumnKeepsItsWidth() {
    QSettings().remove(QStringLiteral("view"));
    const QStringList names{QStringLiteral("SQL"), QStringLiteral("MONGO")};
    GuiApp app(lab::sqliteStores(dir_, QStringLiteral("drag"), names), QStringLiteral("drag"));
    app.start();
    checkStorePanelsShown(app, names);
    MainWindow* w = app.window();
    w->resize(kProjector);
    QTRY_COMPARE(w->size(), kProjector);
    QTableView* table = w->storePanels()[0]->gradeView();
    QHeaderView* header = table->horizontalHeader();
    const int student = GradeTableModel::Student;
    QTest::qWait(50);
    const int was = header->sectionSize(student);
    // A drag of the section's right edge, 40 pixels to the right.
    QWidget* grip = header->viewport();
    const int edge = header->sectionViewportPosition(student) + was - 1;
    const int y = header->height() / 2;
    const auto send = [grip](QEvent::Type type, int x, int atY, Qt::MouseButtons buttons) {
        const QPoint at(x, atY);
        QMouseEvent event(type, at, grip->mapToGlobal(at),
                          type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons,
                          Qt::NoModifier);
        QApplication::sendEvent(grip, &event);
    };
    send(QEvent::MouseButtonPress, edge, y, Qt::LeftButton);
    for (int dx = 10; dx <= 40; dx += 10)
        send(QEvent::MouseMove, edge + dx, y, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, edge + 40, y, Qt::NoButton);
    const int dragged = header->sectionSize(student);
    QVERIFY2(qAbs(dragged - (was + 40)) <= 1,
             qPrintable(QStringLiteral("%1 → %2").arg(was).arg(dragged)));

    w->resize(kProjector - QSize(120, 0));
    QTest::qWait(100);
    QCOMPARE(header->sectionSize(student), dragged);
    w->resize(kProjector);
    QTest::qWait(100);
    QCOMPARE(header->sectionSize(student), dragged);

    w->zoom()->setPercent(150);
    QTest::qWait(100);
    QVERIFY2(qAbs(header->sectionSize(student) - dragged * 1.5) <= 1,
             qPrintable(QStringLiteral("%1 at 150 %").arg(header->sectionSize(student))));
    w->zoom()->setPercent(100);
    QTest::qWait(100);
    QVERIFY2(qAbs(header->sectionSize(student) - dragged) <= 1,
             qPrintable(QStringLiteral("%1 at 100 % again").arg(header->sectionSize(student))));
    QSettings().remove(QStringLiteral("view"));
}

// A layout the window saved (under Xvfb, 800×800) on the default workspace's five stores,
// restored on a workspace whose stores are named otherwise: Qt kept a placeholder for each
// missing store dock, and arranging the new stores' docks among them crashed in
// QLayout::activate at show() on the offscreen platform.
void TestWindowFit::layoutOfOtherStoresIsRestored() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/layoutVersion"), 2);
    settings.setValue(
        QStringLiteral("window/geometry"),
        QByteArray::fromBase64("AdnQywADAAAAAAAAAAAAAAAAAx8AAAMfAAAAAAAAABQAAAMPAAADAwAAAAACAAAAAy"
                               "AAAAACAAAAAgAAAx0AAAMd"));
    settings.setValue(
        QStringLiteral("window/state"),
        QByteArray::fromBase64(
            "AAAA/wAAAAL9AAAAAgAAAAIAAAMcAAABpPwCAAAAAvwAAAA1AAAAzwAAAH0A/////AEAAAAD+wAAABwAZABv"
            "AGMAawAtAHMAdABvAHIAZQAtAFMAUQBMAQAAAAAAAAEFAAAAtAD////7AAAAIABkAG8AYwBrAC0AcwB0AG8A"
            "cgBlAC0ATQBPAE4ARwBPAQAAAQsAAAEGAAAAzgD////7AAAAHgBkAG8AYwBrAC0AcwB0AG8AcgBlAC0ASABJ"
            "AFYARQEAAAIXAAABBQAAALkA/////AAAAQoAAADPAAAAfQD////8AQAAAAL7AAAAIABkAG8AYwBrAC0AcwB0"
            "AG8AcgBlAC0AUgBFAEQASQBTAQAAAAAAAAGLAAAAwgD////7AAAAIgBkAG8AYwBrAC0AcwB0AG8AcgBlAC0A"
            "UwBRAEwASQBUAEUBAAABkQAAAYsAAADJAP///wAAAAMAAAMcAAABJ/wBAAAAA/sAAAAcAGQAbwBjAGsALQB3"
            "AG8AcgBrAHMAcABhAGMAZQAAAAAA/////wAAAEYA/////AAAAAAAAALLAAACJQD////6AAAABAEAAAAF+wAA"
            "ABgAZABvAGMAawAtAGMAbwBuAHMAbwBsAGUBAAAAAP////8AAABGAP////sAAAAWAGQAbwBjAGsALQBmAG8A"
            "bABsAG8AdwEAAAAA/////wAAAZEA////+wAAABwAZABvAGMAawAtAGMAbwBuAGYAbABpAGMAdABzAQAAAAD/"
            "////AAACJQD////7AAAAJABkAG8AYwBrAC0AaABpAHMAdABvAHIAeQAtAHAAbABvAHQAcwEAAAAA/////wAA"
            "Ad4A////+wAAABgAZABvAGMAawAtAHcAZQBsAGMAbwBtAGUBAAAAAP////8AAAGYAP////sAAAAWAGQAbwBj"
            "AGsALQBzAGMAcgBpAHAAdAEAAALRAAAASwAAAEoA////AAADHAAAAAAAAAAEAAAABAAAAAgAAAAI/AAAAAEA"
            "AAACAAAAAQAAAB4AdABvAG8AbABiAGEAcgAtAGMAbwBtAG0AYQBuAGQBAAAAAP////8AAAAAAAAAAA=="));
    settings.setValue(QStringLiteral("window/stores"),
                      QStringList{QStringLiteral("SQL"), QStringLiteral("MONGO"),
                                  QStringLiteral("HIVE"), QStringLiteral("REDIS"),
                                  QStringLiteral("SQLITE")});
    settings.sync();
    const QStringList names{QStringLiteral("A"), QStringLiteral("B")};
    GuiApp app(lab::sqliteStores(dir_, QStringLiteral("restored"), names),
               QStringLiteral("A and B"));
    app.start();
    checkStorePanelsShown(app, names);
    app.window()->close(); // saves the layout of A and B
    settings.remove(QStringLiteral("window"));
}

// A workspace change (stores added, removed or renamed) carries the docks to the new window;
// the panels of stores no longer there leave no placeholder behind.
void TestWindowFit::layoutCarriedToOtherStores() {
    const QStringList before{QStringLiteral("SQL"), QStringLiteral("MONGO"), QStringLiteral("HIVE"),
                             QStringLiteral("REDIS"), QStringLiteral("SQLITE")};
    CarriedSession carried;
    {
        GuiApp first(lab::sqliteStores(dir_, QStringLiteral("carried"), before),
                     QStringLiteral("five"));
        first.start();
        checkStorePanelsShown(first, before);
        carried = first.carry();
    }
    const QStringList after{QStringLiteral("SQL"), QStringLiteral("X")};
    GuiApp second(lab::sqliteStores(dir_, QStringLiteral("carried"), after), QStringLiteral("two"));
    second.takeOver(carried);
    second.start();
    checkStorePanelsShown(second, after);
}

QTEST_MAIN(TestWindowFit)
#include "tst_windowfit.moc"

// What a reviewer met using the window at 1280×720: a command-bar error of several lines, lines
// given with -e answered behind the Welcome tab, the zoom keys dead in a Help page or the
// Property Lab, and the console showing its first lines after a store was removed.
#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "elidedlabel.h"
#include "guiapp.h"
#include "guidriver.h"
#include "guihost.h"
#include "labactions.h"
#include "mainwindow.h"
#include "propertylabdialog.h"
#include "viewzoom.h"
#include "workspaceactions.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace syncscope;

class TestGuiWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void anErrorOfSeveralLinesIsShownWhole();
    void linesGivenWithDashEShowTheConsole();
    void zoomKeysWorkInHelpAndTheLab();
    void consoleKeepsToItsEndAfterAStoreIsRemoved();

private:
    std::vector<StoreSpec> stores(const QString& prefix, const QStringList& names) const;
    QTemporaryDir dir_;
};

void TestGuiWindow::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeWindowTest"));
    QSettings().remove(QStringLiteral("view"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
}

std::vector<StoreSpec> TestGuiWindow::stores(const QString& prefix,
                                             const QStringList& names) const {
    return lab::sqliteStores(dir_, prefix, names);
}

// A server's error spans lines: the bar showed the first one cut by its height, and since it
// "fitted", no tooltip held the rest. It reads on one line now, the whole in the tooltip.
void TestGuiWindow::anErrorOfSeveralLinesIsShownWhole() {
    CommandBar bar;
    bar.resize(1280, bar.sizeHint().height());
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    const QString message = QStringLiteral("HIVE is unavailable (cannot connect:\n"
                                           "  Connection refused\n  at 127.0.0.1:10000)");
    bar.showError(1, message);
    auto* error = bar.findChild<ElidedLabel*>(QStringLiteral("command-error"));
    QVERIFY(error && error->isVisible());
    const QString shown = error->shownText();
    QVERIFY2(!shown.contains(QLatin1Char('\n')), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("at 127.0.0.1:10000")), qPrintable(shown));
    QCOMPARE(error->toolTip(), QStringLiteral("column 1: ") + message);
    QVERIFY(error->height() >= error->fontMetrics().height());
}

// An empty workspace opens on the Welcome tab; `syncscope -e LINE` then answers in the
// console, which comes to the front (a GET's answer stayed behind the Welcome tab).
void TestGuiWindow::linesGivenWithDashEShowTheConsole() {
    GuiApp app(stores(QStringLiteral("welcome"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("welcome"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    auto* welcome = app.window()->findChild<QDockWidget*>(QStringLiteral("dock-welcome"));
    QVERIFY(welcome);
    QTRY_VERIFY(welcome->isVisible());
    // The tab in front among the console's.
    const auto front = [&] {
        for (QTabBar* tabs : app.window()->findChildren<QTabBar*>())
            for (int i = 0; i < tabs->count(); ++i)
                if (tabs->tabText(i) == QStringLiteral("Console"))
                    return tabs->tabText(tabs->currentIndex());
        return QString();
    };
    QCOMPARE(front(), QStringLiteral("Welcome"));
    app.runLines({QStringLiteral("SQL.GET(S1,C1)")});
    QCOMPARE(front(), QStringLiteral("Console")); // before the answer comes
    QTRY_VERIFY(app.console()->toPlainText().contains(QStringLiteral("= NULL")));
    QVERIFY(!welcome->isVisible());
    QCOMPARE(front(), QStringLiteral("Console"));
}

// F11 and Ctrl+= / Ctrl+- / Ctrl+0 are the View menu's, which lived only in the main window:
// in a Help page or the Property Lab they did nothing. The same actions serve there now, with
// no key claimed twice.
void TestGuiWindow::zoomKeysWorkInHelpAndTheLab() {
    QTest::failOnWarning(QRegularExpression(QStringLiteral("[Aa]mbiguous")));
    GuiApp app(stores(QStringLiteral("keys"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
               QStringLiteral("keys"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    MainWindow* w = app.window();
    w->resize(1280, 690);
    ViewZoom* zoom = w->zoom();
    zoom->actualSize();

    for (QAction* a : w->findChildren<QAction*>())
        if (a->text() == QStringLiteral("Script &Syntax"))
            a->trigger();
    auto* syntax = w->findChild<QDialog*>(QStringLiteral("scriptSyntax"));
    QVERIFY(syntax);
    auto* lab = app.labs()->open();
    QVERIFY(lab);
    for (QWidget* dialog : {static_cast<QWidget*>(syntax), static_cast<QWidget*>(lab)}) {
        dialog->show();
        // The dialog itself active, as a window manager makes it (the main window's shortcuts
        // are then out of their window's context).
        QApplication::setActiveWindow(dialog);
        QTRY_COMPARE(QApplication::activeWindow(), dialog);
        QWidget* target = dialog->focusWidget() ? dialog->focusWidget() : dialog;
        QSignalSpy changed(zoom, &ViewZoom::percentChanged);
        QTest::keyClick(target, Qt::Key_Equal, Qt::ControlModifier);
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(zoom->percent(), 110);
        QTest::keyClick(target, Qt::Key_Minus, Qt::ControlModifier);
        QCOMPARE(zoom->percent(), 100);
        QTest::keyClick(target, Qt::Key_F11);
        QVERIFY(zoom->percent() > 100);
        QTest::keyClick(target, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(zoom->percent(), 100);
        dialog->close();
    }
    QSettings().remove(QStringLiteral("view"));
}

// Removing a store rebuilds the window with the console carried over: it showed the carried
// text from its first line; it keeps to the newest one.
void TestGuiWindow::consoleKeepsToItsEndAfterAStoreIsRemoved() {
    GuiHost host;
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.open(stores(QStringLiteral("scroll"), {QStringLiteral("SQL"), QStringLiteral("HIVE")}),
              QStringLiteral("scroll"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    for (int i = 0; i < 200; ++i)
        host.app()->console()->appendResult(QStringLiteral("line %1").arg(i));
    host.app()->workspace()->removeStore(1);
    QTRY_COMPARE(changed.size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 20000);
    ConsoleView* console = host.app()->console();
    QTRY_VERIFY(console->isVisible());
    QScrollBar* bar = console->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());
    // Scrolled up to read, it stays there as lines arrive.
    bar->setValue(0);
    console->appendResult(QStringLiteral("one more"));
    QCOMPARE(bar->value(), 0);
}

QTEST_MAIN(TestGuiWindow)
#include "tst_guiwindow.moc"

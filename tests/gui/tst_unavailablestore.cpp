// A store that cannot be opened is its own panel's problem: the others load and take commands,
// a line or a script step naming it is refused at the name, and Retry brings it in once it
// can be opened, its history entering the engine like the others'. The store here is an SQLite
// file in a folder that does not exist yet: the open fails until the test makes the folder.
#include "commandbar.h"
#include "commandsession.h"
#include "consoleview.h"
#include "guiapp.h"
#include "guidriver.h"
#include "guihost.h"
#include "mainwindow.h"
#include "plantedpasswords.h"
#include "scriptactions.h"
#include "scriptpanel.h"
#include "scriptrunner.h"
#include "storepanel.h"
#include "workspaceactions.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

using namespace syncscope;

class TestUnavailableStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void othersWorkAndRetryBringsItIn();
    void removingItKeepsTheSession();
    void noWindowTextShowsAPlantedPassword();
    void noStoreIsAddedPastTheLimit();

private:
    QTemporaryDir dir_;
};

void TestUnavailableStore::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeUnavailableTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
}

void TestUnavailableStore::othersWorkAndRetryBringsItIn() {
    const QString later = dir_.filePath(QStringLiteral("made-later"));
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("hive.db")).toStdString()},
        {"BAD", {}, "sqlite://" + later.toStdString() + "/bad.db"}};
    GuiApp app(stores, QStringLiteral("unavailable"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    // The others are ready as soon as they are loaded: nothing waits for the failing store.
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 10000);
    StorePanel* bad = app.window()->storePanels()[2];
    QTRY_VERIFY(bad->hasProblem());
    QVERIFY2(bad->problemText().contains(QStringLiteral("bad.db")), qPrintable(bad->problemText()));
    QVERIFY(!app.window()->storePanels()[0]->hasProblem());
    app.window()->layout()->activate();
    QVERIFY(app.window()->minimumSizeHint().width() <= 1270);

    lab::typeLine(app, QStringLiteral("10, SQL.SET((SID1,CSE1),A)"));
    lab::typeLine(app, QStringLiteral("HIVE.MERGE(SQL)"));
    QTRY_COMPARE(lab::panelGrade(app, 1, "SID1", "CSE1"), QStringLiteral("A"));

    // Lines naming it are refused at its name, and use no timestamp.
    for (const QString& line : {QStringLiteral("BAD.GET(SID1,CSE1)"),
                                QStringLiteral("SQL.MERGE(BAD)"), QStringLiteral("FULL_SYNC")}) {
        lab::typeLine(app, line);
        const QString error = app.commandBar()->errorText();
        QVERIFY2(error.contains(QStringLiteral("BAD is unavailable")), qPrintable(line + error));
    }
    QVERIFY(app.commandBar()->errorText().startsWith(QStringLiteral("column 1:")));

    // A script stops before the step that names it, saying where.
    const QString script = dir_.filePath(QStringLiteral("steps.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("20, HIVE.SET((SID2,CSE1),B)\nBAD.MERGE(HIVE)\nSQL.MERGE(HIVE)\n");
    file.close();
    QSignalSpy opened(app.scripts(), &ScriptActions::opened);
    app.scripts()->open(script);
    QTRY_COMPARE(opened.count(), 1);
    QSignalSpy failed(app.commands(), &CommandSession::failed);
    app.scriptRunner()->runTo(3);
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(failed.first().first().toString().startsWith(QStringLiteral("steps.in:2:1: BAD is")),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(app.scriptRunner()->done(), 1);
    QTRY_VERIFY(!app.scriptRunner()->isBusy());

    // Retry, once the store can be opened: it takes part again.
    QVERIFY(QDir().mkpath(later));
    QSignalSpy back(app.commands(), &CommandSession::storeAvailable);
    bad->findChild<QPushButton*>(QStringLiteral("store-retry"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(back.count(), 1, 10000);
    QVERIFY(!bad->hasProblem());
    lab::typeLine(app, QStringLiteral("BAD.MERGE(SQL)"));
    QVERIFY2(app.commandBar()->errorText().isEmpty(), qPrintable(app.commandBar()->errorText()));
    QTRY_COMPARE(lab::panelGrade(app, 2, "SID1", "CSE1"), QStringLiteral("A"));
    // The script goes on from where it stopped.
    app.scriptRunner()->runTo(3);
    QTRY_COMPARE(app.scriptRunner()->done(), 3);
    QTRY_COMPARE(lab::panelGrade(app, 2, "SID2", "CSE1"), QStringLiteral("B"));
    QTRY_COMPARE(lab::panelGrade(app, 0, "SID2", "CSE1"), QStringLiteral("B"));
}

// Removing the failing store (or adding, editing one) replaces the program on the new store
// list, and keeps what the user had: the console, the command history, the open script at its
// position, the window's size.
void TestUnavailableStore::removingItKeepsTheSession() {
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("k-sql.db")).toStdString()},
        {"GONE", {}, "sqlite://" + dir_.filePath(QStringLiteral("nowhere/gone.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("k-hive.db")).toStdString()}};
    GuiHost host;
    host.open(stores, QStringLiteral("kept"));
    GuiApp* app = host.app();
    QVERIFY(QTest::qWaitForWindowExposed(app->window()));
    QTRY_VERIFY_WITH_TIMEOUT(app->commands()->isReady(), 10000);
    QTRY_VERIFY(app->window()->storePanels()[1]->hasProblem());
    lab::typeLine(*app, QStringLiteral("5, SQL.SET((SID9,CSE9),C)"));
    QTRY_VERIFY(app->console()->toPlainText().contains(QStringLiteral("written at ts 5")));
    const QString script = dir_.filePath(QStringLiteral("kept.in"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("6, HIVE.SET((SID8,CSE8),D)\nHIVE.MERGE(SQL)\nSQL.MERGE(HIVE)\n");
    file.close();
    QSignalSpy opened(app->scripts(), &ScriptActions::opened);
    app->scripts()->open(script);
    QTRY_COMPARE(opened.count(), 1);
    app->scripts()->step();
    QTRY_COMPARE(app->scriptRunner()->done(), 1);
    app->window()->resize(1000, 640);
    const QSize size = app->window()->size();

    QSignalSpy changed(&host, &GuiHost::appChanged);
    app->workspace()->removeStore(1);
    QTRY_COMPARE(changed.count(), 1);
    app = host.app();
    QCOMPARE(app->window()->storePanels().size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(app->commands()->isReady(), 10000);
    QVERIFY(app->console()->toPlainText().contains(QStringLiteral("> 5, SQL.SET((SID9,CSE9),C)")));
    QCOMPARE(app->commandBar()->history(),
             QStringList{QStringLiteral("5, SQL.SET((SID9,CSE9),C)")});
    QCOMPARE(app->window()->size(), size);
    // The script is open again, one command run, and goes on from there.
    QTRY_COMPARE(app->scriptRunner()->total(), 3);
    QTRY_COMPARE(app->scriptRunner()->done(), 1);
    app->scripts()->run();
    QTRY_COMPARE(app->scriptRunner()->done(), 3);
    QTRY_COMPARE(lab::panelGrade(*app, 0, "SID8", "CSE8"), QStringLiteral("D"));
    QCOMPARE(lab::panelGrade(*app, 1, "SID8", "CSE8"), QStringLiteral("D"));
}

namespace {

// Every text the window shows: labels, buttons, editors, titles, tool tips and each item view's
// cells.
QStringList windowTexts(QWidget* window) {
    QStringList texts;
    QList<QWidget*> widgets = window->findChildren<QWidget*>();
    widgets << window;
    for (QWidget* w : widgets) {
        texts << w->windowTitle() << w->toolTip() << w->statusTip();
        if (auto* label = qobject_cast<QLabel*>(w))
            texts << label->text();
        if (auto* button = qobject_cast<QAbstractButton*>(w))
            texts << button->text();
        if (auto* edit = qobject_cast<QLineEdit*>(w))
            texts << edit->text();
        if (auto* plain = qobject_cast<QPlainTextEdit*>(w))
            texts << plain->toPlainText();
        if (auto* rich = qobject_cast<QTextEdit*>(w))
            texts << rich->toPlainText();
        if (auto* view = qobject_cast<QAbstractItemView*>(w); view && view->model())
            for (int r = 0; r < std::min(view->model()->rowCount(), 200); ++r)
                for (int c = 0; c < view->model()->columnCount(); ++c)
                    for (int role : {Qt::DisplayRole, Qt::ToolTipRole})
                        texts << view->model()->index(r, c).data(role).toString();
    }
    return texts;
}

} // namespace

// Stores whose URIs hold a planted password, in every shape (tests/support/plantedpasswords.h):
// each panel says why its store is unavailable, and nothing the window shows holds a piece of
// the password.
void TestUnavailableStore::noWindowTextShowsAPlantedPassword() {
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("p-sql.db")).toStdString()}};
    const QStringList uris = lab::urisWithPlantedPassword();
    for (qsizetype i = 0; i < uris.size(); ++i)
        stores.push_back({"BAD" + std::to_string(i), {}, uris[i].toStdString()});
    GuiApp app(stores, QStringLiteral("uri-shapes")); // a label free of the password
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    for (qsizetype i = 1; i <= uris.size(); ++i)
        QTRY_VERIFY(app.window()->storePanels()[i]->hasProblem());
    const QStringList texts = windowTexts(app.window());
    for (const QString& text : texts)
        for (const QString& part : lab::kPlantedParts)
            QVERIFY2(!text.contains(part), qPrintable(text));
    qInfo("window texts | %lld URI shapes, %lld texts, none shows the password",
          static_cast<long long>(uris.size()), static_cast<long long>(texts.size()));
}

// A workspace of kMaxStores stores: Store > Add is disabled and says why, and a store added
// anyway (as the dialog would) is not, with the reason in the status bar.
void TestUnavailableStore::noStoreIsAddedPastTheLimit() {
    std::vector<StoreSpec> stores{{"SQL", {}, "sqlite::memory:"}};
    while (stores.size() < kMaxStores)
        stores.push_back({"S" + std::to_string(stores.size()), {}, "sqlite::memory:"});
    GuiApp app(stores, QStringLiteral("full"));
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QAction* add = nullptr;
    for (QAction* a : app.window()->findChildren<QAction*>())
        if (a->text() == QStringLiteral("&Add Store…"))
            add = a;
    QVERIFY(add);
    QVERIFY(!add->isEnabled());
    QVERIFY2(add->toolTip().contains(QStringLiteral("at most 64 stores")),
             qPrintable(add->toolTip()));
    QSignalSpy requested(app.workspace(), &WorkspaceActions::workspaceRequested);
    app.workspace()->addStore({"MORE", {}, "sqlite::memory:"});
    QTest::qWait(50);
    QCOMPARE(requested.count(), 0);
    QVERIFY2(
        app.window()->statusBar()->currentMessage().contains(QStringLiteral("MORE is not added")),
        qPrintable(app.window()->statusBar()->currentMessage()));
}

QTEST_MAIN(TestUnavailableStore)
#include "tst_unavailablestore.moc"

// Store > Add / Edit / Remove keep the new store list where the workspace lives: its JSON file,
// or, for the default workspace, workspace.json in the data folder, read at the next start.
// Before, the list changed for the running program only and a restart silently went back.
#include "commandsession.h"
#include "guiapp.h"
#include "guihost.h"
#include "workspaceactions.h"
#include "workspacefile.h"
#include "workspaceplace.h"
#include "workspacesession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestWorkspacePlace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void editsAreKeptInTheWorkspaceFile();
    void theDefaultWorkspaceKeepsItsEditsForTheNextStart();
    void anUnreadableKeptListFallsBackToTheBuiltInStores();
    void aListChangedBehindTheWindowIsNotKeptAsShown();
    void anUnreadableKeptListIsSetAsideNotWrittenOver();
    void aWorkspaceWhoseFolderIsGoneIsNotKeptAsShown();

private:
    static std::vector<std::string> namesIn(const QString& file);
    QTemporaryDir dir_;
};

void TestWorkspacePlace::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeWorkspacePlaceTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    qputenv("SYNCSCOPE_DATA_DIR", dir_.filePath(QStringLiteral("data")).toUtf8());
}

std::vector<std::string> TestWorkspacePlace::namesIn(const QString& file) {
    std::vector<std::string> names;
    for (const StoreSpec& s : WorkspaceFile::load(file).stores)
        names.push_back(s.name);
    return names;
}

void TestWorkspacePlace::editsAreKeptInTheWorkspaceFile() {
    const QString path = dir_.filePath(QStringLiteral("lab.json"));
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("f-sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("f-hive.db")).toStdString()}};
    QVERIFY(WorkspaceFile::save(path, stores).isEmpty());
    GuiHost host;
    host.open(stores, path);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 10000);
    QCOMPARE(host.app()->workspace()->keptIn(), path);

    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.app()->workspace()->addStore(
        {"REDIS", {}, "sqlite://" + dir_.filePath(QStringLiteral("f-redis.db")).toStdString()});
    QTRY_COMPARE(changed.count(), 1);
    QCOMPARE(namesIn(path), (std::vector<std::string>{"SQL", "HIVE", "REDIS"}));
    QVERIFY(host.app()->workspace()->keptAsShown());

    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 10000);
    host.app()->workspace()->removeStore(0);
    QTRY_COMPARE(changed.count(), 2);
    QCOMPARE(namesIn(path), (std::vector<std::string>{"HIVE", "REDIS"}));
}

void TestWorkspacePlace::theDefaultWorkspaceKeepsItsEditsForTheNextStart() {
    const QString data = WorkspaceSession::defaultDataDir();
    WorkspacePlace first = WorkspacePlace::openDefault(data);
    QVERIFY(first.problem.isEmpty());
    const size_t builtIn = first.stores.size();
    QVERIFY(builtIn >= 2);
    QVERIFY(!QFile::exists(WorkspacePlace::defaultFile(data)));
    {
        GuiHost host;
        host.open(first.stores, first.label);
        QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 10000);
        QVERIFY(host.app()->workspace()->keptAsShown()); // the built-in list, never edited
        QSignalSpy changed(&host, &GuiHost::appChanged);
        host.app()->workspace()->removeStore(static_cast<int>(builtIn) - 1);
        QTRY_COMPARE(changed.count(), 1);
        QVERIFY(host.app()->workspace()->keptAsShown());
    }
    // The next start opens the edited list.
    WorkspacePlace next = WorkspacePlace::openDefault(data);
    QVERIFY(next.problem.isEmpty());
    QCOMPARE(next.stores.size(), builtIn - 1);
    QCOMPARE(next.label, first.label);
    QCOMPARE(WorkspaceFile::toJson(next.stores),
             WorkspaceFile::toJson(
                 std::vector<StoreSpec>(first.stores.begin(), first.stores.end() - 1)));
}

void TestWorkspacePlace::anUnreadableKeptListFallsBackToTheBuiltInStores() {
    QTemporaryDir data;
    QFile kept(WorkspacePlace::defaultFile(data.path()));
    QVERIFY(kept.open(QIODevice::WriteOnly));
    kept.write("{\"stores\": [");
    kept.close();
    WorkspacePlace place = WorkspacePlace::openDefault(data.path());
    QVERIFY2(place.problem.contains(QStringLiteral("could not be read")),
             qPrintable(place.problem));
    QCOMPARE(WorkspaceFile::toJson(place.stores),
             WorkspaceFile::toJson(WorkspaceSession::defaultStores(data.path())));
}

void TestWorkspacePlace::aListChangedBehindTheWindowIsNotKeptAsShown() {
    const QString path = dir_.filePath(QStringLiteral("behind.json"));
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir_.filePath(QStringLiteral("b-sql.db")).toStdString()},
        {"HIVE", {}, "sqlite://" + dir_.filePath(QStringLiteral("b-hive.db")).toStdString()}};
    QVERIFY(WorkspaceFile::save(path, stores).isEmpty());
    GuiApp app(stores, path);
    QVERIFY(app.workspace()->keptAsShown());
    QVERIFY(WorkspaceFile::save(path, {stores.front()}).isEmpty());
    QVERIFY(!app.workspace()->keptAsShown());
    // A list made by a demo's command line is kept nowhere, so there is nothing to ask.
    GuiApp demo(stores, QStringLiteral("a demo"));
    QVERIFY(demo.workspace()->keptIn().isEmpty());
    QVERIFY(demo.workspace()->keptAsShown());
}

void TestWorkspacePlace::anUnreadableKeptListIsSetAsideNotWrittenOver() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.json"));
    QFile broken(path);
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"stores\": [{\"name\": \"MINE\", \"uri\": \"sqlite::memory:\"},]}");
    broken.close();
    std::vector<StoreSpec> stores{
        {"SQL", {}, "sqlite://" + dir.filePath(QStringLiteral("u-sql.db")).toStdString()}};
    GuiHost host;
    host.open(stores, path);
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands()->isReady(), 10000);
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.app()->workspace()->addStore(
        {"MORE", {}, "sqlite://" + dir.filePath(QStringLiteral("u-more.db")).toStdString()});
    QTRY_COMPARE(changed.count(), 1);
    QCOMPARE(namesIn(path), (std::vector<std::string>{"SQL", "MORE"}));
    const QStringList aside =
        QDir(dir.path()).entryList({QStringLiteral("broken.json.unreadable-*")});
    QCOMPARE(aside.size(), 1);
    QFile kept(dir.filePath(aside.front()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QVERIFY(kept.readAll().contains("MINE"));
}

void TestWorkspacePlace::aWorkspaceWhoseFolderIsGoneIsNotKeptAsShown() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
    const QString path = dir.filePath(QStringLiteral("sub/lab.json"));
    std::vector<StoreSpec> stores{{"SQL", {}, "sqlite::memory:"}};
    QVERIFY(WorkspaceFile::save(path, stores).isEmpty());
    GuiApp app(stores, path);
    QVERIFY(app.workspace()->keptAsShown());
    QVERIFY(QDir(dir.filePath(QStringLiteral("sub"))).removeRecursively());
    // Still its place: an edit's save fails there, and quitting asks.
    QCOMPARE(app.workspace()->keptIn(), path);
    QVERIFY(!app.workspace()->keptAsShown());
}

QTEST_MAIN(TestWorkspacePlace)
#include "tst_workspaceplace.moc"

// The script runner without a window: a testcase file opened, stepped, run to a command and to
// its end on the session's engine, skipped ahead, reset (every store back where the script
// began), stopped before a line naming a store that cannot be reached, and refused when it has
// errors or cannot be read.
#include "commandsession.h"
#include "scriptrunner.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace syncscope;

namespace {

constexpr char kScript[] = "1, SQL.SET((S1,C1),A)\n"
                           "2, LITE.SET((S1,C1),B)\n"
                           "3, SQL.GET(S1,C1)\n"
                           "LITE.MERGE(SQL)\n"
                           "4, LITE.GET(S1,C1)\n";

// Two SQLite files (SQL and LITE), their workers, the session over them once it is ready, and a
// runner on it.
struct Workspace {
    QTemporaryDir dir;
    std::unique_ptr<StoreWorker> sql, lite;
    std::unique_ptr<CommandSession> session;
    std::unique_ptr<ScriptRunner> runner;

    bool open() {
        if (!dir.isValid())
            return false;
        const QString sqlUri = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("sql.db"));
        const QString liteUri =
            QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("lite.db"));
        auto madeSql = StoreFactory::create(QStringLiteral("SQL"), sqlUri);
        auto madeLite = StoreFactory::create(QStringLiteral("LITE"), liteUri);
        if (!madeSql.ok() || !madeLite.ok())
            return false;
        sql = std::make_unique<StoreWorker>(std::move(madeSql.value()));
        lite = std::make_unique<StoreWorker>(std::move(madeLite.value()));
        if (!sql->open().result().ok() || !lite->open().result().ok())
            return false;
        session = std::make_unique<CommandSession>(
            std::vector<StoreSpec>{{"SQL", {}, sqlUri.toStdString()},
                                   {"LITE", {}, liteUri.toStdString()}},
            std::vector<StoreWorker*>{sql.get(), lite.get()});
        runner = std::make_unique<ScriptRunner>(session.get());
        session->load();
        return QTest::qWaitFor([this] { return session->isReady(); }, 10000);
    }
    // Opens a script written here and waits until the runner has read it.
    bool openScript(const char* name, const char* text) {
        QSignalSpy opened(runner.get(), &ScriptRunner::opened);
        runner->open(write(name, text));
        return opened.wait(5000) && opened.front().at(4).toString().isEmpty();
    }
    QString write(const char* name, const char* text) {
        const QString path = dir.filePath(QString::fromLatin1(name));
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(text);
        return path;
    }
    // What SQL holds for (S1,C1), or "<none>".
    QString sqlGrade() {
        const Result<std::optional<GradeRecord>> row =
            sql->readKey(std::string("S1"), std::string("C1")).result();
        if (!row.ok() || !row.value() || row.value()->deleted)
            return QStringLiteral("<none>");
        return QString::fromStdString(row.value()->value);
    }
};

} // namespace

class TestScriptRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stepsRunsSkipsAndResets();
    void stopsBeforeAnUnavailableStore();
    void refusesScriptsWithErrorsOrUnread();
    void aReloadKeepsThePlaceInTheScript();
};

void TestScriptRunner::stepsRunsSkipsAndResets() {
    Workspace w;
    QVERIFY(w.open());
    ScriptRunner& runner = *w.runner;
    QSignalSpy progress(&runner, &ScriptRunner::progress);
    QSignalSpy pointReady(&runner, &ScriptRunner::resetPointReady);
    QSignalSpy answers(w.session.get(), &CommandSession::getsAnswered);

    QVERIFY(w.openScript("lecture.in", kScript));
    QVERIFY(runner.hasRunnableScript());
    QCOMPARE(runner.total(), 5);
    QCOMPARE(runner.nextLine(), 1);
    QCOMPARE(runner.commandsBeforeLine(3), 2);
    runner.markResetPoint();
    QTRY_COMPARE_WITH_TIMEOUT(pointReady.count(), 1, 5000);
    QVERIFY(runner.canReset());

    // One step, then a run to the GET: its answer comes as the console shows it.
    runner.step();
    QTRY_COMPARE_WITH_TIMEOUT(runner.done(), 1, 5000);
    QCOMPARE(progress.takeLast().at(0).toInt(), 1);
    QCOMPARE(runner.nextLine(), 2);
    runner.runTo(3);
    QTRY_COMPARE_WITH_TIMEOUT(runner.done(), 3, 5000);
    QVERIFY(!runner.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    QCOMPARE(answers.takeFirst().at(0).toStringList(),
             QStringList{QStringLiteral("3, SQL.GET(S1,C1) = A")});
    runner.runTo(runner.total());
    QTRY_COMPARE_WITH_TIMEOUT(runner.done(), 5, 5000);
    QCOMPARE(runner.nextLine(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    QCOMPARE(answers.takeFirst().at(0).toStringList(),
             QStringList{QStringLiteral("4, LITE.GET(S1,C1) = B")});
    QTRY_COMPARE_WITH_TIMEOUT(w.sqlGrade(), QStringLiteral("A"), 5000);

    // Reset: the stores as they were when the script was opened, the script at its start, and a
    // new reset point once the engine is built again.
    QVERIFY(runner.canReset());
    QSignalSpy resetDone(&runner, &ScriptRunner::resetDone);
    runner.reset();
    QVERIFY(!runner.canReset());
    QTRY_COMPARE_WITH_TIMEOUT(resetDone.count(), 1, 5000);
    QCOMPARE(runner.done(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(w.session->isReady(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(pointReady.count(), 2, 5000);
    QCOMPARE(w.sqlGrade(), QStringLiteral("<none>"));

    // Skipped ahead: nothing runs, and the next step is the command after the skipped ones.
    progress.clear();
    runner.skipTo(2);
    QCOMPARE(runner.done(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(progress.count(), 1, 5000);
    QCOMPARE(progress.front().at(0).toInt(), 2);
    QCOMPARE(runner.nextLine(), 3);
    QCOMPARE(w.sqlGrade(), QStringLiteral("<none>"));
    runner.step();
    QTRY_COMPARE_WITH_TIMEOUT(runner.done(), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    QCOMPARE(answers.takeFirst().at(0).toStringList(),
             QStringList{QStringLiteral("3, SQL.GET(S1,C1) = NULL")});
}

void TestScriptRunner::stopsBeforeAnUnavailableStore() {
    Workspace w;
    QVERIFY(w.open());
    ScriptRunner& runner = *w.runner;
    QSignalSpy failed(w.session.get(), &CommandSession::failed);
    QVERIFY(w.openScript("lecture.in", kScript));

    w.session->setUnavailable(1, QStringLiteral("the test took it away"));
    runner.markResetPoint(); // not while a store cannot be reached
    runner.runTo(runner.total());
    QTRY_VERIFY_WITH_TIMEOUT(!runner.isBusy(), 5000);
    QCOMPARE(runner.done(), 1);
    QCOMPARE(failed.count(), 1);
    const QString why = failed.front().at(0).toString();
    QVERIFY2(why.startsWith(QStringLiteral("lecture.in:2:4: LITE is unavailable (the test took "
                                           "it away)")),
             qPrintable(why));
    QVERIFY(!runner.canReset());
}

void TestScriptRunner::refusesScriptsWithErrorsOrUnread() {
    Workspace w;
    QVERIFY(w.open());
    ScriptRunner& runner = *w.runner;
    QSignalSpy opened(&runner, &ScriptRunner::opened);
    runner.open(w.write("broken.in", "1, SQL.SET((S1,C1),A)\n2, NOPE.GET(S1,C1)\n"));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000);
    const auto errors = opened.takeFirst().at(2).value<std::vector<ScriptError>>();
    QCOMPARE(errors.size(), size_t(1));
    QCOMPARE(errors.front().line, 2u);
    QVERIFY(!runner.hasRunnableScript());
    runner.runTo(2);
    QVERIFY(!runner.isBusy());
    QCOMPARE(runner.done(), 0);

    // A file that cannot be read says why and leaves the open script as it was.
    QVERIFY(w.openScript("good.in", kScript));
    opened.clear();
    runner.open(w.dir.filePath(QStringLiteral("missing.in")));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000);
    QVERIFY(!opened.front().at(4).toString().isEmpty());
    QVERIFY(runner.hasRunnableScript());
    QCOMPARE(runner.total(), 5);
}

// The stores read again mid-script (as after a follow): the next step runs the next command,
// and the commands done are not run a second time (each SET would log a new write).
void TestScriptRunner::aReloadKeepsThePlaceInTheScript() {
    Workspace w;
    QVERIFY(w.open());
    ScriptRunner& runner = *w.runner;
    QSignalSpy answers(w.session.get(), &CommandSession::getsAnswered);
    QVERIFY(w.openScript("lecture.in", kScript));
    runner.runTo(2);
    QTRY_COMPARE_WITH_TIMEOUT(runner.done(), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(w.sql->counts().result().value().oplogEntries, 1, 5000);

    w.session->load();
    QTRY_VERIFY_WITH_TIMEOUT(w.session->isReady(), 10000);
    runner.step();
    QTRY_COMPARE_WITH_TIMEOUT(runner.done(), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    QCOMPARE(answers.takeFirst().at(0).toStringList(),
             QStringList{QStringLiteral("3, SQL.GET(S1,C1) = A")});
    QTest::qWait(200);
    // SQL's SET and the GET: nothing logged twice.
    QCOMPARE(w.sql->counts().result().value().oplogEntries, 2);
    QCOMPARE(w.lite->counts().result().value().oplogEntries, 1);
}

QTEST_GUILESS_MAIN(TestScriptRunner)
#include "tst_scriptrunner.moc"

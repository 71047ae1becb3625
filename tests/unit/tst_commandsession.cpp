// What the window shows never runs ahead of durability (docs/crash-safety.md): a GET typed after a
// SET is answered in the console only once the store has committed the SET, not when the engine
// knew the answer. A store that refuses the batch settles the wait too, and the answer says so,
// rather than leaving every later answer waiting. A store whose batch was not written because it
// copied writes of a refused batch (upstream) carries on too: its later writes are stored. And a
// window opened again continues the timestamps after what its stores hold. A command is said to
// be NOT written only when a store refused its own write, not another batch of the store.
#include "commandsession.h"
#include "forwardingstore.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace syncscope;

namespace {

// An in-memory SQLite store whose appends wait until the test lets them through, or fail.
class GatedStore : public ForwardingStore {
public:
    GatedStore(std::unique_ptr<Store> inner, std::atomic<int>& mode)
        : ForwardingStore(std::move(inner))
        , mode_(mode) {}
    enum { Hold, Pass, Refuse, RefuseOnce };
    Status append(std::span<const LogRecord> records, const BatchControl& control) override {
        while (mode_.load() == Hold)
            QThread::msleep(5);
        int once = RefuseOnce;
        if (mode_.compare_exchange_strong(once, Pass) || mode_.load() == Refuse)
            return StoreError{QStringLiteral("SQL"), QStringLiteral("refused by the test"), false};
        return ForwardingStore::append(records, control);
    }

private:
    std::atomic<int>& mode_;
};

} // namespace

class TestCommandSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void getIsAnsweredOnceItsWritesCommit();
    void onlyTheRefusedCommandIsNotWritten();
};

void TestCommandSession::getIsAnsweredOnceItsWritesCommit() {
    // SQLite files: stores that outlive the process are the ones origin first orders.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString sqlUri = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("sql.db"));
    const QString liteUri = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("lite.db"));
    std::atomic<int> mode{GatedStore::Pass};
    auto made = StoreFactory::create(QStringLiteral("SQL"), sqlUri);
    QVERIFY(made.ok());
    StoreWorker worker(std::make_unique<GatedStore>(std::move(made.value()), mode));
    QVERIFY(worker.open().result().ok());
    auto plain = StoreFactory::create(QStringLiteral("LITE"), liteUri);
    QVERIFY(plain.ok());
    StoreWorker lite(std::move(plain.value()));
    QVERIFY(lite.open().result().ok());
    CommandSession session({{"SQL", {}, sqlUri.toStdString()}, {"LITE", {}, liteUri.toStdString()}},
                           {&worker, &lite});
    QSignalSpy answers(&session, &CommandSession::getsAnswered);
    QSignalSpy failures(&session, &CommandSession::failed);
    session.load();
    QTRY_VERIFY_WITH_TIMEOUT(session.isReady(), 10000);

    mode = GatedStore::Hold;
    QVERIFY(!session.execute(QStringLiteral("1, SQL.SET((S1,C1),A)")));
    QVERIFY(!session.execute(QStringLiteral("2, SQL.GET(S1,C1)")));
    QTest::qWait(300); // the engine answered long ago; the store has not committed
    QCOMPARE(answers.count(), 0);
    mode = GatedStore::Pass;
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    QStringList lines = answers.takeFirst().at(0).toStringList();
    QCOMPARE(lines, QStringList{QStringLiteral("2, SQL.GET(S1,C1) = A")});

    // Refused: the answer still comes, saying the writes before it were not stored.
    mode = GatedStore::Refuse;
    QVERIFY(!session.execute(QStringLiteral("3, SQL.SET((S1,C1),B)")));
    QVERIFY(!session.execute(QStringLiteral("4, SQL.GET(S1,C1)")));
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    lines = answers.takeFirst().at(0).toStringList();
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.front().startsWith(QStringLiteral("4, SQL.GET(S1,C1) = B")) &&
                 lines.front().contains(QStringLiteral("a store refused writes")),
             qPrintable(lines.front()));
    QVERIFY(!failures.isEmpty());

    // And later answers are not held behind the refused batch.
    mode = GatedStore::Pass;
    QVERIFY(!session.execute(QStringLiteral("5, SQL.GET(S1,C1)")));
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    answers.clear();

    // LITE copies a write of SQL's that SQL refuses: LITE's batch is not written either, and
    // says why; LITE's next write is written all the same.
    mode = GatedStore::Refuse;
    failures.clear();
    QVERIFY(!session.execute(QStringLiteral("6, SQL.SET((S2,C1),X)")));
    QVERIFY(!session.execute(QStringLiteral("LITE.MERGE(SQL)")));
    QTRY_VERIFY_WITH_TIMEOUT(failures.count() >= 2, 5000);
    bool upstreamNamed = false;
    for (const QList<QVariant>& f : failures)
        upstreamNamed = upstreamNamed || f.at(0).toString().startsWith(QStringLiteral(
                                             "LITE: the batch was not written: it copies writes"));
    QVERIFY(upstreamNamed);
    mode = GatedStore::Pass;
    QVERIFY(!session.execute(QStringLiteral("7, LITE.SET((S3,C1),Y)")));
    QVERIFY(!session.execute(QStringLiteral("8, LITE.GET(S3,C1)")));
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 5000);
    const Result<std::optional<GradeRecord>> stored =
        lite.readKey(std::string("S3"), std::string("C1")).result();
    QVERIFY(stored.ok() && stored.value() && stored.value()->value == "Y");

    // The window opened again on these stores (docs/script-language.md): a typed line continues
    // after the greatest write they hold (LITE's at ts 7), and a refused line uses no timestamp.
    CommandSession reopened(
        {{"SQL", {}, sqlUri.toStdString()}, {"LITE", {}, liteUri.toStdString()}}, {&worker, &lite});
    QSignalSpy reopenedAnswers(&reopened, &CommandSession::getsAnswered);
    reopened.load();
    QTRY_VERIFY_WITH_TIMEOUT(reopened.isReady(), 10000);
    QVERIFY(reopened.execute(QStringLiteral("FOO.GET(S3,C1)"))); // no such store: refused
    QVERIFY(!reopened.execute(QStringLiteral("LITE.GET(S3,C1)")));
    QTRY_COMPARE_WITH_TIMEOUT(reopenedAnswers.count(), 1, 5000);
    QCOMPARE(reopenedAnswers.takeFirst().at(0).toStringList(),
             QStringList{QStringLiteral("8, LITE.GET(S3,C1) = Y")});

    // Each typed line says what it did, once durable: a write that wins, one that loses on
    // arrival (and to what), a merge.
    QSignalSpy done(&reopened, &CommandSession::commandsDone);
    QVERIFY(!reopened.execute(QStringLiteral("20, LITE.SET((S3,C1),Q)")));
    QVERIFY(!reopened.execute(QStringLiteral("10, LITE.SET((S3,C1),R)")));
    QVERIFY(!reopened.execute(QStringLiteral("SQL.MERGE(LITE)")));
    QVERIFY(!reopened.execute(QStringLiteral("SQL.MERGE(LITE)")));
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 4, 5000);
    QStringList said;
    for (const QList<QVariant>& d : done)
        said << d.at(0).toStringList();
    QCOMPARE(said.size(), 4);
    QCOMPARE(said[0], QStringLiteral("20, LITE.SET((S3,C1),Q): written at ts 20"));
    QVERIFY2(said[1].startsWith(QStringLiteral("10, LITE.SET((S3,C1),R): logged at ts 10, but "
                                               "superseded on arrival: LITE holds a newer write, "
                                               "Q at ts 20 (LITE:")),
             qPrintable(said[1]));
    QVERIFY2(said[2].startsWith(QStringLiteral("SQL.MERGE(LITE): ")) &&
                 said[2].endsWith(QStringLiteral(" applied")),
             qPrintable(said[2]));
    QCOMPARE(said[3], QStringLiteral(
                          "SQL.MERGE(LITE): nothing to apply: the target already holds what wins"));
}

// SQL holds the batch of line 1 while line 2 waits behind it; the batch is refused, line 2's
// goes out on its own and is stored. Line 1 is NOT written, line 2 is (it was reported NOT
// written too: the verdict compared the store's count of refused records before and after).
void TestCommandSession::onlyTheRefusedCommandIsNotWritten() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString sqlUri = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("sql.db"));
    std::atomic<int> mode{GatedStore::Pass};
    auto made = StoreFactory::create(QStringLiteral("SQL"), sqlUri);
    QVERIFY(made.ok());
    StoreWorker worker(std::make_unique<GatedStore>(std::move(made.value()), mode));
    QVERIFY(worker.open().result().ok());
    CommandSession session({{"SQL", {}, sqlUri.toStdString()}}, {&worker});
    QSignalSpy done(&session, &CommandSession::commandsDone);
    QSignalSpy undoable(&session, &CommandSession::writeUndoable);
    QSignalSpy refusedSteps(&session, &CommandSession::stepNotWritten);
    session.load();
    QTRY_VERIFY_WITH_TIMEOUT(session.isReady(), 10000);

    mode = GatedStore::Hold;
    QVERIFY(!session.execute(QStringLiteral("1, SQL.SET((S1,C1),A)"), true, 7));
    QVERIFY(!session.execute(QStringLiteral("2, SQL.SET((S2,C1),B)"), true));
    QTest::qWait(300); // both lines are with the shipping: the first in flight, held
    QCOMPARE(done.count(), 0);
    mode = GatedStore::RefuseOnce;
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 5000);
    const QString first = done.at(0).at(0).toStringList().join(QLatin1Char('\n'));
    const QString second = done.at(1).at(0).toStringList().join(QLatin1Char('\n'));
    QVERIFY2(first.startsWith(QStringLiteral("1, SQL.SET((S1,C1),A): NOT written: SQL refused it")),
             qPrintable(first));
    QCOMPARE(second, QStringLiteral("2, SQL.SET((S2,C1),B): written at ts 2"));
    // Only the stored write is offered for Undo; only the refused one's step is told.
    QTRY_COMPARE(undoable.count(), 1);
    QCOMPARE(undoable.at(0).at(1).toString(), QStringLiteral("SQL.SET((S2,C1),B)"));
    QCOMPARE(refusedSteps.count(), 1);
    QCOMPARE(refusedSteps.at(0).at(0).toULongLong(), 7u);
    const Result<std::optional<GradeRecord>> stored =
        worker.readKey(std::string("S2"), std::string("C1")).result();
    QVERIFY(stored.ok() && stored.value() && stored.value()->value == "B");
}

QTEST_GUILESS_MAIN(TestCommandSession)
#include "tst_commandsession.moc"

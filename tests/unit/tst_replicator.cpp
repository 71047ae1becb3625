// The Replicator (follow mode) against a target that fails the way real ones do: an
// append that lands but whose acknowledgement is lost, and an append refused before anything
// is written. Every write of the source still reaches the target exactly once, the failures
// are announced naming the store, and a target paused does not move while the other goes on.
#include "awaitfuture.h"
#include "forwardingstore.h"
#include "logrecords.h"
#include "replicator.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <set>

using namespace syncscope;

namespace {

// A real SQLite store whose appends fail on a schedule: every `lostEvery`th lands and then
// reports a lost connection; every `refusedEvery`th reports one without writing.
class FlakyStore : public ForwardingStore {
public:
    FlakyStore(std::unique_ptr<Store> inner, int lostEvery, int refusedEvery)
        : ForwardingStore(std::move(inner))
        , lostEvery_(lostEvery)
        , refusedEvery_(refusedEvery) {}

    Status append(std::span<const LogRecord> records, const BatchControl& control) override {
        ++calls_;
        if (refusedEvery_ > 0 && calls_ % refusedEvery_ == 0)
            return StoreError{description().name, QStringLiteral("lost the connection before "
                                                                 "the batch was written")};
        Status s = inner().append(records, control);
        if (s && lostEvery_ > 0 && calls_ % lostEvery_ == 0)
            return StoreError{description().name,
                              QStringLiteral("lost the connection waiting for the commit's reply")};
        return s;
    }

private:
    int lostEvery_, refusedEvery_;
    int calls_ = 0;
};

// A real SQLite store whose oplog, as read, holds writes no store may take: the ones of
// `poisoned` seqs (origin SQL) carry a control character in their grade, as an outside
// client's write may, logged before the source checked the data rules.
class PoisonedSource : public ForwardingStore {
public:
    PoisonedSource(std::unique_ptr<Store> inner, std::set<uint64_t> poisoned)
        : ForwardingStore(std::move(inner))
        , poisoned_(std::move(poisoned)) {}

    Result<std::vector<LogRecord>> readOplog(int64_t after, size_t limit,
                                             const BatchControl& control) override {
        Result<std::vector<LogRecord>> read = inner().readOplog(after, limit, control);
        if (read)
            for (LogRecord& r : read.value())
                if (r.origin == "SQL" && poisoned_.count(r.seq))
                    r.value += '\x01';
        return read;
    }

private:
    std::set<uint64_t> poisoned_;
};

std::unique_ptr<Store> sqlite(const QString& name, const QString& path) {
    auto made = StoreFactory::create(name, QStringLiteral("sqlite://") + path);
    return made ? std::move(made.value()) : nullptr;
}

std::multiset<std::pair<std::string, uint64_t>> writesOf(StoreWorker& w) {
    std::multiset<std::pair<std::string, uint64_t>> out;
    const Result<std::vector<LogRecord>> log = await(w.readOplog());
    if (log)
        for (const LogRecord& r : log.value())
            if (r.isWrite())
                out.emplace(r.origin, r.seq);
    return out;
}

// Runs `sql` on an SQLite file with the sqlite3 client, as its DBA would; its error output.
QString sqlite3(const QString& path, const QString& sql) {
    QProcess p;
    p.start(QStringLiteral("sqlite3"), {path, sql});
    p.waitForFinished(10000);
    return QString::fromUtf8(p.readAllStandardError()).trimmed();
}

} // namespace

class TestReplicator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flakyTargetGetsEveryWriteOnce();
    void invalidWritesAreSetAsideAndTheFollowGoesOn();
    void writesTheTargetRefusesAreSetAsideAlone();
};

void TestReplicator::flakyTargetGetsEveryWriteOnce() {
    QTemporaryDir dir;
    StoreWorker source(sqlite(QStringLiteral("SQL"), dir.filePath(QStringLiteral("sql.db"))));
    StoreWorker flaky(std::make_unique<FlakyStore>(
        sqlite(QStringLiteral("REDIS"), dir.filePath(QStringLiteral("redis.db"))), 3, 5));
    StoreWorker steady(sqlite(QStringLiteral("PG"), dir.filePath(QStringLiteral("pg.db"))));
    QVERIFY(await(source.open()).ok());
    QVERIFY(await(steady.open()).ok());
    // The flaky target is opened by the replicator (as the CLI's are).

    Replicator replicator(&source, {&flaky, &steady}, {0, 0}, /*openTargets=*/true);
    QSignalSpy notices(&replicator, &Replicator::notice);
    replicator.start();
    uint64_t seq = 0;
    for (int batch = 0; batch < 12; ++batch) {
        std::vector<LogRecord> writes;
        for (int i = 0; i < 150; ++i, ++seq)
            writes.push_back(setRecord("SID" + std::to_string(seq % 400), "C1",
                                       std::string(1, static_cast<char>('A' + seq % 5)),
                                       static_cast<int64_t>(seq + 1), "HIVE", seq + 1));
        QVERIFY(await(source.append(writes)).ok());
        if (batch == 6) { // the steady one pauses for a while: it must not move
            replicator.setPaused(1, true);
            QTRY_COMPARE(replicator.progress(1).state, FollowProgress::State::Paused);
        }
        QTest::qWait(30);
    }
    const int64_t pausedAt = replicator.progress(1).position;
    QTRY_VERIFY_WITH_TIMEOUT(replicator.progress(0).caughtUp &&
                                 replicator.progress(0).state == FollowProgress::State::Following &&
                                 replicator.progress(0).position == int64_t(seq),
                             30000);
    QCOMPARE(replicator.progress(1).position, pausedAt);
    replicator.setPaused(1, false);
    QTRY_VERIFY_WITH_TIMEOUT(
        replicator.allCaughtUp() && replicator.progress(1).position == int64_t(seq), 30000);

    const auto expected = writesOf(source);
    QCOMPARE(expected.size(), size_t(seq));
    QCOMPARE(writesOf(flaky), expected); // a multiset: a write logged twice would show
    QCOMPARE(writesOf(steady), expected);
    QVERIFY(replicator.progress(0).alreadyHeld > 0); // the batches whose reply was lost
    bool named = false;
    for (const QList<QVariant>& n : notices)
        named =
            named || n.first().toString().startsWith(QStringLiteral("follow REDIS: REDIS: lost"));
    QVERIFY2(named,
             notices.isEmpty() ? "no notice" : qPrintable(notices.first().first().toString()));

    QSignalSpy stopped(&replicator, &Replicator::stopped);
    replicator.stop();
    QVERIFY(!stopped.isEmpty() || stopped.wait(10000));
    QCOMPARE(replicator.progress(0).state, FollowProgress::State::Stopped);
}

// One write no target can take (a control character in its grade) is set aside, listed with
// its reason, and every write after it still arrives; --until-caught-up's test holds. A retry
// leaves it listed (it is still refused) and delivers a set-aside write that is now valid.
void TestReplicator::invalidWritesAreSetAsideAndTheFollowGoesOn() {
    QTemporaryDir dir;
    StoreWorker source(std::make_unique<PoisonedSource>(
        sqlite(QStringLiteral("SQL"), dir.filePath(QStringLiteral("sql.db"))),
        std::set<uint64_t>{2}));
    StoreWorker target(sqlite(QStringLiteral("REDIS"), dir.filePath(QStringLiteral("redis.db"))));
    QVERIFY(await(source.open()).ok());
    QVERIFY(await(target.open()).ok());
    QVERIFY(await(source.append({setRecord("S1", "C1", "A", 1, "SQL", 1),
                                 setRecord("S2", "C1", "B", 2, "SQL", 2),
                                 setRecord("S3", "C1", "C", 3, "SQL", 3)}))
                .ok());

    Replicator replicator(&source, {&target}, {0}, /*openTargets=*/false);
    QSignalSpy setAside(&replicator, &Replicator::setAside);
    replicator.start();
    QTRY_VERIFY_WITH_TIMEOUT(replicator.allCaughtUp(), 10000);
    QCOMPARE(replicator.progress(0).position, int64_t(3));
    QCOMPARE(replicator.progress(0).applied, qint64(2));
    QCOMPARE(replicator.progress(0).setAside, qint64(1));
    QCOMPARE(setAside.count(), 1);
    QVERIFY(await(target.readKey("S3", "C1")).value().has_value()); // the write after it arrived
    QVERIFY(!await(target.readKey("S2", "C1")).value().has_value());
    const std::vector<DeadLetter>& letters = replicator.deadLetters(0);
    QCOMPARE(letters.size(), size_t(1));
    QCOMPARE(letters[0].write.seq, uint64_t(2));
    QCOMPARE(letters[0].write.value, std::string("B\x01"));
    QCOMPARE(letters[0].write.position, int64_t(2));
    QVERIFY2(letters[0].reason.contains(QStringLiteral("control character")) &&
                 letters[0].reason.contains(QStringLiteral("(S2,C1)")),
             qPrintable(letters[0].reason));

    // More writes: the one set aside is not listed twice.
    QVERIFY(await(source.append({setRecord("S4", "C1", "D", 4, "SQL", 4)})).ok());
    QTRY_VERIFY_WITH_TIMEOUT(replicator.allCaughtUp() && replicator.progress(0).position == 4,
                             10000);
    QCOMPARE(replicator.deadLetters(0).size(), size_t(1));

    // Offered again, it is still refused and stays; a valid one (listed by a stricter version,
    // say) is delivered and leaves the list.
    QSignalSpy retried(&replicator, &Replicator::deadLettersRetried);
    DeadLetter valid;
    valid.write = setRecord("S5", "C1", "E", 5, "HIVE", 9);
    valid.reason = QStringLiteral("refused before");
    std::vector<DeadLetter> both = replicator.deadLetters(0);
    both.push_back(valid);
    replicator.setDeadLetters(0, both);
    replicator.retryDeadLetters();
    QTRY_COMPARE_WITH_TIMEOUT(retried.count(), 1, 10000);
    QCOMPARE(retried.first().at(1).toLongLong(), 1LL);
    QCOMPARE(replicator.deadLetters(0).size(), size_t(1));
    QCOMPARE(replicator.deadLetters(0)[0].write.seq, uint64_t(2));
    QCOMPARE(await(target.readKey("S5", "C1")).value()->value, std::string("E"));
    QCOMPARE(replicator.progress(0).position, int64_t(4)); // a retry does not move it

    QSignalSpy stopped(&replicator, &Replicator::stopped);
    replicator.stop();
    QVERIFY(!stopped.isEmpty() || stopped.wait(10000));
}

// A target whose DBA added a trigger that refuses grade Z (SQLite's RAISE(ABORT)): the two Z
// writes among 200 of one page are set aside alone, with the trigger's words; the 198 others
// arrive in the source's order, once each, and the position moves past all 200. Once the
// trigger is gone a retry delivers both, once.
void TestReplicator::writesTheTargetRefusesAreSetAsideAlone() {
    QTemporaryDir dir;
    StoreWorker source(sqlite(QStringLiteral("SQL"), dir.filePath(QStringLiteral("sql.db"))));
    const QString targetPath = dir.filePath(QStringLiteral("lite.db"));
    StoreWorker target(sqlite(QStringLiteral("LITE"), targetPath));
    QVERIFY(await(source.open()).ok());
    QVERIFY(await(target.open()).ok());
    QCOMPARE(sqlite3(targetPath, QStringLiteral("CREATE TRIGGER no_z BEFORE INSERT ON grades WHEN "
                                                "NEW.grade = 'Z' BEGIN SELECT RAISE(ABORT, 'no Z "
                                                "grades here'); END;")),
             QString());
    std::vector<LogRecord> writes;
    for (uint64_t seq = 1; seq <= 200; ++seq)
        writes.push_back(setRecord("S" + std::to_string(seq), "C1",
                                   seq == 37 || seq == 150 ? "Z" : "A", static_cast<int64_t>(seq),
                                   "SQL", seq));
    QVERIFY(await(source.append(writes)).ok());

    Replicator replicator(&source, {&target}, {0}, /*openTargets=*/false);
    QSignalSpy notices(&replicator, &Replicator::notice);
    replicator.start();
    QTRY_VERIFY_WITH_TIMEOUT(replicator.allCaughtUp(), 20000);
    QCOMPARE(replicator.progress(0).position, int64_t(200));
    QCOMPARE(replicator.progress(0).applied, qint64(198));
    QCOMPARE(notices.count(), 0); // refused is not retried with back-off
    const std::vector<DeadLetter>& letters = replicator.deadLetters(0);
    QCOMPARE(letters.size(), size_t(2));
    QCOMPARE(letters[0].write.seq, uint64_t(37));
    QCOMPARE(letters[1].write.seq, uint64_t(150));
    QVERIFY2(letters[0].reason.startsWith(QStringLiteral("LITE: ")) &&
                 letters[0].reason.contains(QStringLiteral("no Z grades here")),
             qPrintable(letters[0].reason));
    std::vector<uint64_t> arrived;
    for (const LogRecord& r : await(target.readOplog()).value())
        arrived.push_back(r.seq);
    std::vector<uint64_t> expected;
    for (uint64_t seq = 1; seq <= 200; ++seq)
        if (seq != 37 && seq != 150)
            expected.push_back(seq);
    QCOMPARE(arrived, expected); // in order, once each

    QCOMPARE(sqlite3(targetPath, QStringLiteral("DROP TRIGGER no_z")), QString());
    QSignalSpy retried(&replicator, &Replicator::deadLettersRetried);
    replicator.retryDeadLetters();
    QTRY_COMPARE_WITH_TIMEOUT(retried.count(), 1, 10000);
    QCOMPARE(retried.first().at(1).toLongLong(), 2LL);
    QVERIFY(replicator.deadLetters(0).empty());
    expected.push_back(37);
    expected.push_back(150);
    arrived.clear();
    for (const LogRecord& r : await(target.readOplog()).value())
        arrived.push_back(r.seq);
    QCOMPARE(arrived, expected);

    QSignalSpy stopped(&replicator, &Replicator::stopped);
    replicator.stop();
    QVERIFY(!stopped.isEmpty() || stopped.wait(10000));
}

QTEST_GUILESS_MAIN(TestReplicator)
#include "tst_replicator.moc"

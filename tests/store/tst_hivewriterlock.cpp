// The Hive store's writer lock (backends/hivewriterlock.h), on the HiveServer2 test peer: two
// stores appending as one origin at the same moment never number two writes alike, a claim
// left by a killed writer is cleared, a live one is waited for (with a word) and then refused,
// and a claim from another machine is trusted until its lease ends.
#include "hivepeer.h"
#include "hivestatements.h"
#include "hivestore.h"
#include "hivewriterlock.h"
#include "logrecords.h"
#include "processidentity.h"

#include <QProcess>
#include <QTest>

#include <atomic>
#include <map>
#include <set>
#include <thread>

using namespace syncscope;

namespace {

std::unique_ptr<HiveStore> hiveStore(const QString& uri) {
    auto made = StoreFactory::create(QStringLiteral("HIVE"), uri);
    if (!made)
        qFatal("%s", qPrintable(made.error().toString()));
    return std::unique_ptr<HiveStore>(dynamic_cast<HiveStore*>(made.value().release()));
}

// A lock whose statements go through a connection of its own, as a second process's would.
struct LockOnItsOwnConnection {
    HiveConnection connection;
    std::unique_ptr<HiveWriterLock> lock;
    bool failReleases = false; // a release row's INSERT fails, as on a lost connection

    LockOnItsOwnConnection(const QString& uri, HiveWriterLock::Timing timing) {
        if (!connection.connect(lab::hiveEndpoint(uri)).ok())
            qFatal("cannot connect to the Hive peer");
        lock = std::make_unique<HiveWriterLock>(
            QStringLiteral("HIVE"),
            [this](const QString& what, const std::string& statement, const BatchControl& control,
                   const std::function<void(HiveRows &&)>& take) -> Status {
                if (failReleases && statement.find(", 1)") != std::string::npos)
                    return StoreError{QStringLiteral("HIVE"), what + QStringLiteral(": lost"),
                                      false};
                const HiveOutcome out = connection.execute(statement, control.isCanceled, take);
                if (out.ok())
                    return success();
                return StoreError{QStringLiteral("HIVE"),
                                  what + QStringLiteral(": ") + QString::fromStdString(out.message),
                                  out.kind == HiveOutcome::Kind::Canceled};
            },
            timing);
    }
};

HiveWriterLock::Timing quickTiming() {
    HiveWriterLock::Timing t;
    t.giveUpMs = 600;
    t.noticeAfterMs = 100;
    return t;
}

void plantClaim(const QString& uri, const std::string& token, const ProcessIdentity& p,
                int64_t claimedMs) {
    const QString problem = lab::hiveRun(
        uri, "INSERT INTO syncscope_writer_lock VALUES ('" + token + "', 'planted', '" + p.host +
                 "', '" + p.machine + "', '" + p.bootId + "', " + std::to_string(p.pid) + ", " +
                 std::to_string(p.startTicks) + ", " + std::to_string(claimedMs) + ", 0)");
    if (!problem.isEmpty())
        qFatal("%s", qPrintable(problem));
}

void plantRelease(const QString& uri, const std::string& token) {
    const QString problem = lab::hiveRun(
        uri, "INSERT INTO syncscope_writer_lock VALUES ('" + token + "', '', '', '', '', 0, 0, " +
                 std::to_string(QDateTime::currentMSecsSinceEpoch()) + ", 1)");
    if (!problem.isEmpty())
        qFatal("%s", qPrintable(problem));
}

// The claims no release row ends, as any reader of the table sees them.
std::set<std::string> liveClaims(const QString& uri) {
    std::set<std::string> tokens;
    const QString problem =
        lab::hiveRun(uri, "SELECT token, MAX(released) FROM syncscope_writer_lock GROUP BY token",
                     [&](HiveRows&& rows) {
                         for (size_t i = 0; i < rows.rows(); ++i)
                             if (hive::asInt(rows.at(i, 1)) == 0)
                                 tokens.insert(hive::asText(rows.at(i, 0)));
                     });
    if (!problem.isEmpty())
        qFatal("%s", qPrintable(problem));
    return tokens;
}

// A pid that ran and has ended.
int64_t anEndedPid() {
    QProcess p;
    p.start(QStringLiteral("true"), {});
    p.waitForStarted();
    const int64_t pid = p.processId();
    p.waitForFinished();
    return pid;
}

} // namespace

class TestHiveWriterLock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void processesAreToldRunningOrEnded();
    void twoStoresAppendingAtOnceNeverNumberTwoWritesAlike();
    void aClaimLeftByAKilledWriterIsCleared();
    void aLiveWriterIsWaitedForThenRefusedByName();
    void aWaitingWriterGoesOnOnceTheHolderReleases();
    void anotherMachinesClaimIsTrustedUntilItsLeaseEnds();
    void aReleaseThatFailedIsWrittenLaterAndNeverBlocksItsOwner();
    void aLongStatementKeepsTheLeaseAlive();

private:
    QString freshDatabase();
    lab::HivePeer peer_;
};

void TestHiveWriterLock::initTestCase() {
    QString problem;
    // Statements that carry the marker run for 1.5 s on the peer, as a long merge inside Hive.
    QVERIFY2(peer_.start(QStringLiteral("PLAIN"), problem,
                         {QStringLiteral("--delay-ms"), QStringLiteral("1500"),
                          QStringLiteral("--delay-only"), QStringLiteral("long_statement_marker")}),
             qPrintable(problem));
}

QString TestHiveWriterLock::freshDatabase() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    if (!problem.isEmpty())
        qFatal("%s", qPrintable(problem));
    return uri;
}

void TestHiveWriterLock::processesAreToldRunningOrEnded() {
    const ProcessIdentity self = thisProcess();
    QVERIFY(!self.bootId.empty());
    QVERIFY(self.startTicks > 0);
    QCOMPARE(livenessOf(self), ProcessLiveness::Running);

    ProcessIdentity ended = self;
    ended.pid = anEndedPid();
    QCOMPARE(livenessOf(ended), ProcessLiveness::Ended);
    ProcessIdentity reused = self; // the pid now belongs to a process that started later
    reused.startTicks = self.startTicks - 1;
    QCOMPARE(livenessOf(reused), ProcessLiveness::Ended);
    ProcessIdentity rebooted = self;
    rebooted.bootId = "another boot";
    QCOMPARE(livenessOf(rebooted), ProcessLiveness::Ended);
    ProcessIdentity renamed = self; // a host name is a label: the machine id tells
    renamed.host = "another-name";
    QCOMPARE(livenessOf(renamed), ProcessLiveness::Running);
    ProcessIdentity elsewhere = self; // same host name, another machine (a clone, a container)
    elsewhere.machine = "another machine id/pid:[4026531836]";
    QCOMPARE(livenessOf(elsewhere), ProcessLiveness::Unknown);
    ProcessIdentity otherPidNamespace = self;
    otherPidNamespace.machine = self.machine.substr(0, self.machine.find('/')) + "/pid:[1]";
    QCOMPARE(livenessOf(otherPidNamespace), ProcessLiveness::Unknown);

    const HiveWriterClaim claim{"t", "o", elsewhere, 1000000, false};
    QVERIFY(!hiveClaimIsDead(claim, ProcessLiveness::Unknown, 1000000 + 600000, 600000));
    QVERIFY(hiveClaimIsDead(claim, ProcessLiveness::Unknown, 1000000 + 600001, 600000));
    QVERIFY(!hiveClaimIsDead(claim, ProcessLiveness::Running, 1000000 + 10000000, 600000));
    QVERIFY(hiveClaimIsDead(claim, ProcessLiveness::Ended, 1000000, 600000));
}

// Two writers as one origin (two processes on one workspace), each numbering its own writes
// from 1 as its engine would, appending one write at a time, at the same moment. Without the
// lock both read the same log end and take the same positions and seqs.
void TestHiveWriterLock::twoStoresAppendingAtOnceNeverNumberTwoWritesAlike() {
    const QString uri = freshDatabase();
    auto first = hiveStore(uri);
    auto second = hiveStore(uri);
    QVERIFY(first->open().ok());
    QVERIFY(second->open().ok());
    constexpr int kWrites = 40;
    std::atomic<int> written[2] = {0, 0};
    std::atomic<int> refused[2] = {0, 0};
    std::atomic<int> failed[2] = {0, 0};
    auto writer = [&](HiveStore& store, int who) {
        for (int seq = 1; seq <= kWrites; ++seq) {
            const std::string value = (who == 0 ? "A" : "B") + std::to_string(seq);
            const Status s = store.append(
                std::vector<LogRecord>{setRecord("S" + std::to_string(seq), "C1", value,
                                                 seq * 10 + who, "HIVE", uint64_t(seq))},
                BatchControl{});
            if (s)
                ++written[who];
            else if (s.error().message.contains(QStringLiteral("already taken")))
                ++refused[who];
            else
                ++failed[who];
        }
    };
    std::thread a(writer, std::ref(*first), 0);
    std::thread b(writer, std::ref(*second), 1);
    a.join();
    b.join();
    QCOMPARE(failed[0].load() + failed[1].load(), 0);
    QCOMPARE(written[0].load() + written[1].load() + refused[0].load() + refused[1].load(),
             2 * kWrites);

    std::map<int64_t, int> positions;
    std::map<int64_t, std::set<std::string>> valuesOfSeq;
    const QString problem =
        lab::hiveRun(uri, "SELECT pos, seq, grade FROM oplog", [&](HiveRows&& rows) {
            for (size_t i = 0; i < rows.rows(); ++i) {
                ++positions[hive::asInt(rows.at(i, 0))];
                valuesOfSeq[hive::asInt(rows.at(i, 1))].insert(hive::asText(rows.at(i, 2)));
            }
        });
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(int(positions.size()), written[0].load() + written[1].load());
    for (const auto& [pos, count] : positions)
        QVERIFY2(count == 1,
                 qPrintable(QStringLiteral("position %1 is held %2 times").arg(pos).arg(count)));
    for (const auto& [seq, values] : valuesOfSeq)
        QVERIFY2(values.size() == 1,
                 qPrintable(QStringLiteral("HIVE:%1 names %2 writes").arg(seq).arg(values.size())));
    QCOMPARE(int(valuesOfSeq.size()), kWrites); // every seq was written by one of them
    QVERIFY(liveClaims(uri).empty());           // both released
}

void TestHiveWriterLock::aClaimLeftByAKilledWriterIsCleared() {
    const QString uri = freshDatabase();
    auto store = hiveStore(uri);
    QVERIFY(store->open().ok());
    QVERIFY(store
                ->append(std::vector<LogRecord>{setRecord("S1", "C1", "A", 1, "HIVE", 1)},
                         BatchControl{})
                .ok());
    ProcessIdentity killed = thisProcess();
    killed.pid = anEndedPid();
    plantClaim(uri, "killed-writer", killed, QDateTime::currentMSecsSinceEpoch());
    QElapsedTimer clock;
    clock.start();
    QVERIFY(store
                ->append(std::vector<LogRecord>{setRecord("S2", "C1", "B", 2, "HIVE", 2)},
                         BatchControl{})
                .ok());
    QVERIFY(clock.elapsed() < 2000);
    QVERIFY(liveClaims(uri).empty());
}

void TestHiveWriterLock::aLiveWriterIsWaitedForThenRefusedByName() {
    const QString uri = freshDatabase();
    LockOnItsOwnConnection holder(uri, quickTiming());
    QVERIFY(holder.lock->acquire(BatchControl{}).ok());
    LockOnItsOwnConnection other(uri, quickTiming());
    QStringList notices;
    BatchControl control;
    control.notice = [&](const QString& n) { notices << n; };
    const Status s = other.lock->acquire(control);
    QVERIFY(!s);
    QVERIFY2(s.error().message.contains(QStringLiteral("another Syncscope process is writing")),
             qPrintable(s.error().message));
    QVERIFY(s.error().message.contains(QStringLiteral("process %1").arg(thisProcess().pid)));
    QVERIFY(s.error().message.contains(QStringLiteral("nothing was written")));
    QCOMPARE(notices.size(), 1);
    QVERIFY(notices.front().contains(QStringLiteral("waiting for another Syncscope process")));
    QVERIFY(!other.lock->held());
    QCOMPARE(liveClaims(uri).size(), size_t(1)); // the refused one took its claim back
    holder.lock->release();
    QVERIFY(liveClaims(uri).empty());
}

void TestHiveWriterLock::aWaitingWriterGoesOnOnceTheHolderReleases() {
    const QString uri = freshDatabase();
    HiveWriterLock::Timing patient = quickTiming();
    patient.giveUpMs = 20000;
    LockOnItsOwnConnection holder(uri, patient);
    LockOnItsOwnConnection waiter(uri, patient);
    QVERIFY(holder.lock->acquire(BatchControl{}).ok());
    std::atomic<bool> got{false};
    std::thread t([&] { got = waiter.lock->acquire(BatchControl{}).ok(); });
    QTest::qWait(400);
    QVERIFY(!got.load());
    holder.lock->release();
    t.join();
    QVERIFY(got.load());
    QVERIFY(waiter.lock->held());
    waiter.lock->release();
}

void TestHiveWriterLock::anotherMachinesClaimIsTrustedUntilItsLeaseEnds() {
    const QString uri = freshDatabase();
    LockOnItsOwnConnection mine(uri, quickTiming());
    QVERIFY(mine.lock->acquire(BatchControl{}).ok()); // makes the table
    mine.lock->release();
    ProcessIdentity remote{"another-machine", "its machine id/pid:[1]", "its boot", 4242, 99};
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    plantClaim(uri, "remote-writer", remote, now - 1000);
    const Status refused = mine.lock->acquire(BatchControl{});
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(QStringLiteral("another-machine")),
             qPrintable(refused.error().message));
    plantRelease(uri, "remote-writer");
    plantClaim(uri, "old-remote-writer", remote, now - quickTiming().leaseMs - 1000);
    QVERIFY(mine.lock->acquire(BatchControl{}).ok());
    mine.lock->release();
    QVERIFY(liveClaims(uri).empty());
}

// A release row that could not be written leaves the claim live for others; its own lock is not
// blocked by it and writes it at its next call.
void TestHiveWriterLock::aReleaseThatFailedIsWrittenLaterAndNeverBlocksItsOwner() {
    const QString uri = freshDatabase();
    LockOnItsOwnConnection mine(uri, quickTiming());
    QVERIFY(mine.lock->acquire(BatchControl{}).ok());
    mine.failReleases = true;
    mine.lock->release();
    QCOMPARE(liveClaims(uri).size(), size_t(1)); // still there for everyone else
    LockOnItsOwnConnection other(uri, quickTiming());
    QVERIFY(!other.lock->acquire(BatchControl{}).ok()); // a live process's claim: refused
    mine.failReleases = false;
    QVERIFY(mine.lock->acquire(BatchControl{}).ok()); // its own old claim does not stop it
    QCOMPARE(liveClaims(uri).size(), size_t(1));      // the old one released, the new one held
    mine.lock->release();
    QVERIFY(liveClaims(uri).empty());
    QVERIFY(other.lock->acquire(BatchControl{}).ok());
    other.lock->release();
}

// A claim seen from another machine lives for the lease after its newest row: a holder running
// one statement longer than the lease (a merge inside Hive, a rollback) renews its claim beside
// the statement, on the same session, so others never take it for dead meanwhile.
void TestHiveWriterLock::aLongStatementKeepsTheLeaseAlive() {
    const QString uri = freshDatabase();
    HiveWriterLock::Timing timing = quickTiming();
    timing.leaseMs = 400;
    LockOnItsOwnConnection holder(uri, timing);
    QVERIFY(holder.lock->acquire(BatchControl{}).ok());
    const HiveOutcome out = holder.connection.execute(
        "SELECT COUNT(*) FROM syncscope_writer_lock WHERE token = 'long_statement_marker'",
        [] { return false; }, {}, 10000, holder.lock->keepAlive());
    QVERIFY2(out.ok(), out.message.c_str());
    const int64_t end = QDateTime::currentMSecsSinceEpoch();
    int64_t newest = 0;
    const QString problem =
        lab::hiveRun(uri, "SELECT MAX(at_ms) FROM syncscope_writer_lock WHERE released = 0",
                     [&](HiveRows&& rows) { newest = hive::asInt(rows.at(0, 0)); });
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(end - newest < timing.leaseMs,
             qPrintable(QStringLiteral("the claim's newest row is %1 ms old after a 1.5 s "
                                       "statement; the lease is %2 ms")
                            .arg(end - newest)
                            .arg(timing.leaseMs)));
    holder.lock->release();
    QVERIFY(liveClaims(uri).empty());
}

QTEST_GUILESS_MAIN(TestHiveWriterLock)
#include "tst_hivewriterlock.moc"

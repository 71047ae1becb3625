// What is particular to the MongoDB store, on the wire-protocol peer, or on SYNCSCOPE_MONGO_URI's
// server when it is set (the tests that need the peer itself, its replica set mode, its delay
// or its own fail point data, skip there; failCommand needs mongod's enableTestCommands):
// values that look like operators stay values, a crash between
// the oplog and the rows is repaired on open, an interrupted rollback finishes, two writers
// share one log, a database is owned by one store, and unreachable or slow servers give errors
// that name the store. The peer itself answers what it does not know with the server's errors.
// (tst_storecontract runs the shared contract on the peer.)
#include "logrecords.h"
#include "mongopeer.h"
#include "mongoraw.h"
#include "mongostore.h"
#include "storefactory.h"

#include <QElapsedTimer>
#include <QTest>

#include <set>
#include <thread>

using namespace syncscope;

namespace {

#define QVERIFY_OK(expr)                                                                           \
    do {                                                                                           \
        const auto done_ = (expr);                                                                 \
        QVERIFY2(done_.ok(), done_.ok() ? "" : qPrintable(done_.error().toString()));              \
    } while (false)

std::unique_ptr<Store> makeStore(const QString& name, const QString& uri) {
    auto made = StoreFactory::create(name, uri);
    if (!made)
        qFatal("%s", qPrintable(made.error().toString()));
    return std::move(made.value());
}

} // namespace

class TestMongoStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void operatorsInValuesAreStoredAsStrings();
    void crashBetweenOplogAndRowsIsRepairedOnOpen();
    void interruptedRollbackFinishesOnOpen();
    void twoWritersShareOneLog_data();
    void twoWritersShareOneLog();
    void ownSeqTakenByAnotherWriterIsRefused();
    void outsideWritesAreLoggedOnce();
    void replicaSetBatchIsOneTransaction();
    void commitWhoseAnswerIsLostIsWrittenOnce();
    void transactionsNeedMongoDB44();
    void standaloneRowsFollowTheirLogAfterAFailure();
    void databaseOfAnotherStoreIsRefused();
    void unreachableServerNamesTheStore();
    void slowServerTimesOutNamingTheStore();
    void peerRefusesWhatItDoesNotKnow();

private:
    QString fresh() const { return lab::mongoFreshDatabase(server_); }
    bool onRealServer() const { return !peer_.port(); }
    lab::MongoPeer peer_;
    QString server_;
};

#define SKIP_ON_REAL_SERVER(why)                                                                   \
    do {                                                                                           \
        if (onRealServer())                                                                        \
            QSKIP("needs the peer: " why);                                                         \
    } while (false)

void TestMongoStore::initTestCase() {
    server_ = qEnvironmentVariable("SYNCSCOPE_MONGO_URI");
    if (!server_.isEmpty())
        return;
    QString problem;
    QVERIFY2(peer_.start(problem), qPrintable(problem));
    server_ = peer_.uri();
}

// Nothing a user types is run. A grade that reads as a query operator is a string in the
// document, and keys with dots stay whole.
void TestMongoStore::operatorsInValuesAreStoredAsStrings() {
    const QString uri = fresh();
    auto store = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(store->open());
    const std::vector<LogRecord> records = {
        setRecord("SID1", "CSE1", R"({"$gt": ""})", 1, "MONGO", 1),
        setRecord("a.b", "..", "$where", 2, "MONGO", 2),
        setRecord("SID2", "CSE1", R"({"$set": {"grade": "A"}})", 3, "MONGO", 3),
    };
    QVERIFY_OK(store->append(records, {}));
    for (const LogRecord& r : records) {
        auto row = store->readKey(r.studentId, r.courseId);
        QVERIFY_OK(row);
        QVERIFY(row.value().has_value());
        QCOMPARE(row.value()->value, r.value);
    }
    // In the database: the grade is that very string (an equality on a string matches only a
    // string), and no other document was matched or made.
    lab::RawDatabase raw(uri);
    const QString exact = raw.command(
        R"({"count": "grades", "query": {"grade": "{\"$gt\": \"\"}", "_id": {"s": "SID1", "c": "CSE1"}}})");
    QVERIFY2(exact.contains(QLatin1String("\"n\" : 1")), qPrintable(exact));
    const QString all = raw.command(R"({"count": "grades", "query": {}})");
    QVERIFY2(all.contains(QLatin1String("\"n\" : 3")), qPrintable(all));
}

// The oplog entries of a batch landed, then the process died before the rows: opening the store
// applies them.
void TestMongoStore::crashBetweenOplogAndRowsIsRepairedOnOpen() {
    const QString uri = fresh();
    {
        auto store = makeStore(QStringLiteral("MONGO"), uri);
        QVERIFY_OK(store->open());
        QVERIFY_OK(store->append(std::vector{setRecord("SID1", "CSE1", "A", 10, "MONGO", 1)}, {}));
    }
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(R"({"insert": "oplog", "documents": [
        {"_id": {"$numberLong": "2"}, "op": "SET", "s": "SID1", "c": "CSE1", "v": "B",
         "ts": {"$numberLong": "20"}, "o": "MONGO", "q": {"$numberLong": "2"},
         "w": {"$numberLong": "0"}},
        {"_id": {"$numberLong": "3"}, "op": "DELETE", "s": "SID2", "c": "CSE2",
         "ts": {"$numberLong": "21"}, "o": "MONGO", "q": {"$numberLong": "3"},
         "w": {"$numberLong": "0"}}]})",
                &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    auto reopened = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(reopened->open());
    auto row = reopened->readKey("SID1", "CSE1");
    QVERIFY_OK(row);
    QCOMPARE(row.value()->value, std::string("B"));
    auto tomb = reopened->readKey("SID2", "CSE2");
    QVERIFY_OK(tomb);
    QVERIFY(tomb.value().has_value() && tomb.value()->deleted);
    // And the next entry follows the planted ones.
    QVERIFY_OK(reopened->append(std::vector{setRecord("SID3", "CSE3", "C", 30, "MONGO", 4)}, {}));
    auto tail = reopened->readOplog(3, 0, {});
    QVERIFY_OK(tail);
    QCOMPARE(tail.value().size(), size_t(1));
    QCOMPARE(tail.value()[0].position, int64_t(4));
}

// A rollback marks itself before it deletes anything; a store opening over the mark finishes
// it from the log.
void TestMongoStore::interruptedRollbackFinishesOnOpen() {
    const QString uri = fresh();
    {
        auto store = makeStore(QStringLiteral("MONGO"), uri);
        QVERIFY_OK(store->open());
        QVERIFY_OK(store->append(std::vector{setRecord("SID1", "CSE1", "A", 10, "MONGO", 1),
                                             setRecord("SID1", "CSE1", "B", 20, "MONGO", 2),
                                             setRecord("SID2", "CSE1", "C", 30, "MONGO", 3)},
                                 {}));
    }
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(R"({"insert": "syncscope_meta", "documents": [
        {"_id": "rollback", "pos": {"$numberLong": "1"}}]})",
                &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto reopened = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(reopened->open());
    auto counts = reopened->counts();
    QVERIFY_OK(counts);
    QCOMPARE(counts.value().oplogEntries, qint64(1));
    QCOMPARE(counts.value().liveKeys, qint64(1));
    auto row = reopened->readKey("SID1", "CSE1");
    QVERIFY_OK(row);
    QCOMPARE(row.value()->value, std::string("A"));
    auto gone = reopened->readKey("SID2", "CSE1");
    QVERIFY_OK(gone);
    QVERIFY(!gone.value().has_value());
    const QString marks =
        raw.command(R"({"count": "syncscope_meta", "query": {"_id": "rollback"}})");
    QVERIFY2(marks.contains(QLatin1String("\"n\" : 0")), qPrintable(marks));
    // The dropped writes gave their seqs back: a new write may take seq 2.
    QVERIFY_OK(reopened->append(std::vector{setRecord("SID3", "CSE1", "D", 40, "MONGO", 2)}, {}));
}

// Two processes writing one store: positions collide, the loser finds which of its entries
// landed and writes the rest after the other's. Every entry is logged once, every row is the
// greatest write.
void TestMongoStore::twoWritersShareOneLog_data() {
    QTest::addColumn<bool>("replicaSet");
    QTest::newRow("standalone") << false;
    QTest::newRow("replica set: transactions") << true;
}

void TestMongoStore::twoWritersShareOneLog() {
    QFETCH(bool, replicaSet);
    lab::MongoPeer primary;
    QString problem;
    if (replicaSet)
        QVERIFY2(primary.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0")}),
                 qPrintable(problem));
    const QString uri = replicaSet ? lab::mongoFreshDatabase(primary.uri()) : fresh();
    auto a = makeStore(QStringLiteral("MONGO"), uri);
    auto b = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(a->open());
    QVERIFY_OK(b->open());
    const auto history = [](const std::string& origin) {
        std::vector<LogRecord> out;
        for (int i = 0; i < 3000; ++i)
            out.push_back(setRecord("SID" + std::to_string(i % 100), "CSE1",
                                    origin + std::to_string(i), i, origin, uint64_t(i + 1)));
        return out;
    };
    const auto ha = history("A"), hb = history("B");
    Status sa = success(), sb = success();
    std::thread ta([&] {
        for (size_t i = 0; i < ha.size() && sa; i += 100)
            sa = a->append(std::span(ha).subspan(i, 100), {});
    });
    std::thread tb([&] {
        for (size_t i = 0; i < hb.size() && sb; i += 100)
            sb = b->append(std::span(hb).subspan(i, 100), {});
    });
    ta.join();
    tb.join();
    QVERIFY_OK(sa);
    QVERIFY_OK(sb);
    auto log = a->readOplog(0, 0, {});
    QVERIFY_OK(log);
    QCOMPARE(log.value().size(), size_t(6000));
    std::set<std::pair<std::string, uint64_t>> seen;
    for (size_t i = 0; i < log.value().size(); ++i) {
        QCOMPARE(log.value()[i].position, int64_t(i + 1));
        QVERIFY(seen.emplace(log.value()[i].origin, log.value()[i].seq).second);
    }
    // Key SIDk's greatest write: ts 2900+k, and origin B beats A at the same ts.
    for (int k = 0; k < 100; ++k) {
        auto row = a->readKey("SID" + std::to_string(k), "CSE1");
        QVERIFY_OK(row);
        QCOMPARE(row.value()->value, "B" + std::to_string(2900 + k));
    }
}

// Two Syncscope processes number different writes of the store with one seq: the second is
// refused whole, as a conflict, and leaves no claim behind; the same write again is a replay.
void TestMongoStore::ownSeqTakenByAnotherWriterIsRefused() {
    const QString uri = fresh();
    auto a = makeStore(QStringLiteral("MONGO"), uri);
    auto b = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(a->open());
    QVERIFY_OK(b->open());
    const LogRecord mine = setRecord("SID7", "CSE1", "mine", 100, "MONGO", 7);
    QVERIFY_OK(a->append(std::vector{mine}, {}));
    const std::vector<LogRecord> theirs = {setRecord("SID9", "CSE1", "x", 101, "MONGO", 8),
                                           setRecord("SID8", "CSE1", "theirs", 101, "MONGO", 7)};
    const Status refused = b->append(theirs, {});
    QVERIFY(!refused);
    QVERIFY(refused.error().conflict);
    QVERIFY2(refused.error().message.contains(QLatin1String("seq 7 of MONGO is already taken")),
             qPrintable(refused.error().toString()));
    QCOMPARE(a->counts().value().oplogEntries, qint64(1));
    QVERIFY(!a->readKey("SID9", "CSE1").value().has_value());
    // Seq 8 was given back: renumbered, the other write goes in.
    QVERIFY_OK(b->append(std::vector{setRecord("SID9", "CSE1", "x", 101, "MONGO", 8)}, {}));
    // A replay of a's write through b is the same write: accepted.
    QVERIFY_OK(b->append(std::vector{mine}, {}));

    // A claim left by a writer that never logged its write (it crashed in between) is taken
    // over once it is old; a recent one still refuses.
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(R"({"insert": "ownseqs", "documents": [
        {"_id": {"$numberLong": "20"}, "d": "a crashed writer's", "t": {"$numberLong": "0"}},
        {"_id": {"$numberLong": "21"}, "d": "a live writer's",
         "t": {"$numberLong": "9999999999999"}}]})",
                &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY_OK(a->append(std::vector{setRecord("SID20", "CSE1", "x", 120, "MONGO", 20)}, {}));
    const Status live =
        a->append(std::vector{setRecord("SID21", "CSE1", "x", 121, "MONGO", 21)}, {});
    QVERIFY(!live && live.error().conflict);

    // A batch whose oplog insert fails gives its claims back: another write may take the seq.
    // (The claim's insert goes through, the oplog's fails; {skip: 1} means that on mongod and on
    // the peer alike, and fails every insert after until turned off.)
    raw.command(R"({"configureFailPoint": "failCommand", "mode": {"skip": 1},
        "data": {"failCommands": ["insert"], "errorCode": 8}})",
                &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Status failed =
        a->append(std::vector{setRecord("SID30", "CSE1", "x", 130, "MONGO", 30)}, {});
    raw.command(R"({"configureFailPoint": "failCommand", "mode": "off"})", &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(!failed && failed.error().message.contains(QLatin1String("failCommand")),
             failed ? "" : qPrintable(failed.error().toString()));
    QVERIFY_OK(b->append(std::vector{setRecord("SID31", "CSE1", "y", 131, "MONGO", 30)}, {}));
}

// Another client changes a grade, inserts a row, deletes one and writes a row that is no grade:
// the comparison logs the first three once each, as the store's own writes after everything in
// its log (with the key's context), reports the fourth once, and says how far behind it runs.
void TestMongoStore::outsideWritesAreLoggedOnce() {
    const QString uri = fresh();
    auto store = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(store->open());
    QVERIFY_OK(store->append(std::vector{setRecord("SID1", "CSE1", "A", 10, "SQL", 5),
                                         setRecord("SID2", "CSE1", "B", 11, "MONGO", 1),
                                         setRecord("SID3", "CSE1", "C", 12, "MONGO", 2)},
                             {}));
    int changes = 0;
    QStringList problems;
    auto watching =
        store->watchChanges([&] { ++changes; }, [&](const QString& m) { problems << m; });
    QVERIFY_OK(watching);
    QVERIFY(watching.value());
    lab::RawDatabase raw(uri);
    QString error;
    for (const char* command :
         {R"({"update": "grades", "updates": [{"q": {"_id": {"s": "SID1", "c": "CSE1"}},
              "u": {"$set": {"grade": "Z"}}}]})",
          R"({"insert": "grades", "documents": [{"_id": {"s": "SID9", "c": "CSE9"}, "grade": "B"},
              {"_id": {"s": "SID8", "c": "CSE8"}, "grade": 5}]})",
          R"({"delete": "grades", "deletes": [{"q": {"_id": {"s": "SID2", "c": "CSE1"}},
              "limit": 1}]})"}) {
        raw.command(command, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QTRY_VERIFY_WITH_TIMEOUT(changes >= 1, 10000);
    auto tail = store->readOplog(3, 0, {});
    QVERIFY_OK(tail);
    QCOMPARE(tail.value().size(), size_t(3));
    const LogRecord& z = tail.value()[0];
    QCOMPARE(z.studentId, std::string("SID1"));
    QVERIFY(z.kind == EntryKind::Set && z.value == "Z");
    QCOMPARE(z.origin, std::string("MONGO"));
    QCOMPARE(z.ts, int64_t(13));
    QCOMPARE(z.seq, uint64_t(3));
    QCOMPARE(z.context, std::string("SQL:5"));
    QVERIFY(tail.value()[1].kind == EntryKind::Delete && tail.value()[1].studentId == "SID2");
    QCOMPARE(tail.value()[1].seq, uint64_t(4));
    QVERIFY(tail.value()[2].studentId == "SID9" && tail.value()[2].value == "B");
    QCOMPARE(store->readKey("SID1", "CSE1").value()->value, std::string("Z"));
    QVERIFY(store->readKey("SID2", "CSE1").value()->deleted);
    QCOMPARE(store->readKey("SID9", "CSE9").value()->value, std::string("B"));
    QCOMPARE(problems.filter(QStringLiteral("its grade is not a string")).size(), 1);
    QVERIFY2(!problems.filter(QStringLiteral("by comparing every grade row every")).isEmpty(),
             qPrintable(problems.join(QLatin1Char('\n'))));

    // The next comparisons find nothing new, and report the bad row no more.
    const int before = changes;
    QTest::qWait(2500);
    QCOMPARE(changes, before);
    QCOMPARE(store->counts().value().oplogEntries, qint64(6));
    QCOMPARE(problems.filter(QStringLiteral("its grade is not a string")).size(), 1);
}

namespace {
const char* kFailNextUpdate = R"({"configureFailPoint": "failCommand", "mode": {"times": 1},
    "data": {"failCommands": ["update"], "errorCode": 8}})";
} // namespace

// On a replica set a batch's claims, oplog entries and rows are one transaction: when writing
// the rows fails, nothing of the batch stays, and the same batch goes in afterwards.
void TestMongoStore::replicaSetBatchIsOneTransaction() {
    SKIP_ON_REAL_SERVER("its replica set mode");
    lab::MongoPeer replicaSet;
    QString problem;
    QVERIFY2(replicaSet.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0")}),
             qPrintable(problem));
    const QString uri = lab::mongoFreshDatabase(replicaSet.uri());
    auto store = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(store->open());
    QVERIFY(store->capabilities().atomicBatches);
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(kFailNextUpdate, &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const std::vector<LogRecord> batch = {setRecord("SID1", "CSE1", "A", 1, "MONGO", 1),
                                          setRecord("SID2", "CSE1", "B", 2, "SQL", 9)};
    const Status failed = store->append(batch, {});
    QVERIFY(!failed);
    QVERIFY2(failed.error().message.contains(QLatin1String("failCommand")) &&
                 failed.error().message.contains(QLatin1String("nothing of the batch")),
             qPrintable(failed.error().toString()));
    QCOMPARE(store->counts().value().oplogEntries, qint64(0));
    const QString claims = raw.command(R"({"count": "ownseqs", "query": {}})");
    QVERIFY2(claims.contains(QLatin1String("\"n\" : 0")), qPrintable(claims));
    QVERIFY_OK(store->append(batch, {}));
    QCOMPARE(store->counts().value().oplogEntries, qint64(2));
    QCOMPARE(store->readKey("SID2", "CSE1").value()->value, std::string("B"));
    // A standalone server refuses transactions, as MongoDB does.
    lab::RawDatabase standalone(fresh());
    standalone.command(R"({"insert": "x", "documents": [{}], "lsid": {"id": 1},
        "txnNumber": {"$numberLong": "1"}, "autocommit": false, "startTransaction": true})",
                       &error);
    QVERIFY2(error.startsWith(QLatin1String("20: Transaction numbers are only allowed")),
             qPrintable(error));
}

// The commit reaches the server and commits, but its answer is lost, twice (the driver's own
// retry too): the store commits again, as the transactions spec says, and never runs the batch
// a second time, which would log it again at the next positions.
void TestMongoStore::commitWhoseAnswerIsLostIsWrittenOnce() {
    SKIP_ON_REAL_SERVER("its replica set mode and dropReply");
    lab::MongoPeer replicaSet;
    QString problem;
    QVERIFY2(replicaSet.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0")}),
             qPrintable(problem));
    const QString uri = lab::mongoFreshDatabase(replicaSet.uri());
    auto store = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(store->open());
    QVERIFY(store->capabilities().atomicBatches);
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(R"({"configureFailPoint": "failCommand", "mode": {"times": 2},
        "data": {"failCommands": ["commitTransaction"], "dropReply": true}})",
                &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const std::vector<LogRecord> batch = {setRecord("SID1", "CSE1", "A", 1, "MONGO", 1),
                                          setRecord("SID2", "CSE1", "B", 2, "SQL", 9)};
    QVERIFY_OK(store->append(batch, {}));
    QCOMPARE(store->counts().value().oplogEntries, qint64(2));
    const QString log = raw.command(R"({"count": "oplog", "query": {}})");
    QVERIFY2(log.contains(QLatin1String("\"n\" : 2")), qPrintable(log));
    QCOMPARE(store->readKey("SID2", "CSE1").value()->value, std::string("B"));
    // The next batch goes on at the next positions.
    QVERIFY_OK(store->append(std::vector{setRecord("SID3", "CSE1", "C", 3, "MONGO", 2)}, {}));
    QCOMPARE(store->counts().value().oplogEntries, qint64(3));
}

// Transactions from MongoDB 4.4 (wire version 9) on: a 4.2 replica set's transactions cannot
// create collections, so the store writes to it as to a standalone server.
void TestMongoStore::transactionsNeedMongoDB44() {
    SKIP_ON_REAL_SERVER("its --wire-version");
    for (const int wire : {8, 9}) {
        lab::MongoPeer older;
        QString problem;
        QVERIFY2(older.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0"),
                                       QStringLiteral("--wire-version"), QString::number(wire)}),
                 qPrintable(problem));
        auto store = makeStore(QStringLiteral("MONGO"), lab::mongoFreshDatabase(older.uri()));
        QVERIFY_OK(store->open());
        QCOMPARE(store->capabilities().atomicBatches, wire >= 9);
        QVERIFY_OK(store->append(std::vector{setRecord("SID1", "CSE1", "A", 1, "MONGO", 1)}, {}));
        QCOMPARE(store->counts().value().oplogEntries, qint64(1));
    }
}

// On a standalone server the oplog entries land first; when writing their rows fails, the rows
// are written again until they follow (a notice says so), and nothing is lost.
void TestMongoStore::standaloneRowsFollowTheirLogAfterAFailure() {
    const QString uri = fresh();
    auto store = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(store->open());
    if (onRealServer() && store->capabilities().atomicBatches)
        QSKIP("SYNCSCOPE_MONGO_URI names a replica set, not a standalone server");
    QVERIFY(!store->capabilities().atomicBatches);
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(kFailNextUpdate, &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList notices;
    BatchControl control;
    control.notice = [&](const QString& m) { notices << m; };
    QVERIFY_OK(store->append(std::vector{setRecord("SID1", "CSE1", "A", 1, "MONGO", 1)}, control));
    QCOMPARE(store->readKey("SID1", "CSE1").value()->value, std::string("A"));
    QCOMPARE(store->counts().value().oplogEntries, qint64(1));
    QVERIFY2(!notices.isEmpty(), "the retry was not announced");
}

void TestMongoStore::databaseOfAnotherStoreIsRefused() {
    const QString uri = fresh();
    auto first = makeStore(QStringLiteral("MONGO"), uri);
    QVERIFY_OK(first->open());
    auto second = makeStore(QStringLiteral("OTHER"), uri);
    const Status s = second->open();
    QVERIFY(!s);
    QVERIFY2(s.error().message.startsWith(QLatin1String("wrong database: database ")) &&
                 s.error().message.contains(QLatin1String("holds store MONGO, not OTHER")),
             qPrintable(s.error().toString()));
}

void TestMongoStore::unreachableServerNamesTheStore() {
    QElapsedTimer timer;
    timer.start();
    auto store = makeStore(QStringLiteral("MONGO"),
                           QStringLiteral("mongodb://127.0.0.1:1/db?serverSelectionTimeoutMS=300"));
    const Status s = store->open();
    QVERIFY(!s);
    QCOMPARE(s.error().store, QStringLiteral("MONGO"));
    QVERIFY2(s.error().message.contains(QLatin1String("cannot open mongodb://127.0.0.1:1/db")),
             qPrintable(s.error().toString()));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

// socketTimeoutMS from the URI reaches the driver: a server slower than it fails the read.
void TestMongoStore::slowServerTimesOutNamingTheStore() {
    SKIP_ON_REAL_SERVER("its --delay-ms");
    lab::MongoPeer slow;
    QString problem;
    QVERIFY2(slow.start(problem, {QStringLiteral("--delay-ms"), QStringLiteral("600")}),
             qPrintable(problem));
    // The open itself runs commands; give it room, then read with a short timeout.
    auto patient = makeStore(QStringLiteral("MONGO"), slow.uri(QStringLiteral("db")));
    QVERIFY_OK(patient->open());
    auto store = makeStore(QStringLiteral("MONGO"),
                           slow.uri(QStringLiteral("db?socketTimeoutMS=200&connectTimeoutMS=200")));
    QElapsedTimer timer;
    timer.start();
    const Status s = store->open();
    QVERIFY(!s);
    QCOMPARE(s.error().store, QStringLiteral("MONGO"));
    QVERIFY2(s.error().message.contains(QLatin1String("timeout")) ||
                 s.error().message.contains(QLatin1String("timed out")),
             qPrintable(s.error().toString()));
    QVERIFY2(timer.elapsed() < 600, qPrintable(QString::number(timer.elapsed())));
}

// A command, an operator or an update form the peer does not know fails as the server would
// fail it, so a driver call the peer cannot serve is never mistaken for an answer.
void TestMongoStore::peerRefusesWhatItDoesNotKnow() {
    SKIP_ON_REAL_SERVER("the peer's own refusals");
    lab::RawDatabase raw(fresh());
    QString error;
    raw.command(R"({"aggregate": "grades", "pipeline": [], "cursor": {}})", &error);
    QVERIFY2(error.startsWith(QLatin1String("59: no such command")), qPrintable(error));
    raw.command(R"({"find": "grades", "filter": {"grade": {"$mod": [2, 0]}}})", &error);
    QVERIFY2(error.startsWith(QLatin1String("2: unknown operator: $mod")), qPrintable(error));
    // (Extended JSON reads {"$regex": …} as a regular expression value.)
    raw.command(
        R"({"count": "grades", "query": {"$or": [{"s": "x"}, {"grade": {"$regex": "A"}}]}})",
        &error);
    QVERIFY2(error.startsWith(QLatin1String("2: the peer does not match regular expressions")),
             qPrintable(error));
    const QString reply = raw.command(
        R"({"update": "grades", "updates": [{"q": {}, "u": {"$inc": {"n": 1}}, "upsert": true}]})",
        &error);
    QVERIFY2(reply.contains(QLatin1String("unsupported update operator: $inc")),
             qPrintable(reply + error));
}

QTEST_GUILESS_MAIN(TestMongoStore)
#include "tst_mongostore.moc"

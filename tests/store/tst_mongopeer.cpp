// The MongoDB peer answers as mongod does where Syncscope's store or a driver could tell the
// difference: an empty _id range, documents too deep or too large, a second entry of a unique
// index, a retried write, what a transaction's uncommitted writes look like to others, a plain
// write meeting a transaction, a commit sent twice, and failCommand's modes. Every check is of
// mongod's own answer, so with SYNCSCOPE_MONGO_URI set (a replica set, started with
// --setParameter enableTestCommands=1) the same test runs against a real server.
#include "mongopeer.h"
#include "mongoraw.h"

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <string>
#include <thread>

namespace {

// A document nested `levels` deep ({a: {a: … {}}}), built as bytes: no JSON parser or recursive
// builder has to survive it.
std::string nested(int levels) {
    std::string out;
    const auto putInt32 = [&out](int32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
    for (int i = 0; i < levels - 1; ++i) {
        putInt32(5 + 8 * (levels - 1 - i));
        out += std::string("\x03"
                           "a",
                           2);
        out += '\0';
    }
    putInt32(5);
    out += '\0';
    out.append(static_cast<size_t>(levels - 1), '\0');
    return out;
}

// {insert: collection, documents: [document]}
QString insertRaw(lab::RawDatabase& raw, const char* collection, const std::string& document,
                  QString* error) {
    bson_t doc;
    bson_init_static(&doc, reinterpret_cast<const uint8_t*>(document.data()), document.size());
    bson_t* cmd = bson_new();
    bson_t list;
    bson_append_utf8(cmd, "insert", -1, collection, -1);
    bson_append_array_begin(cmd, "documents", -1, &list);
    bson_append_document(&list, "0", 1, &doc);
    bson_append_array_end(cmd, &list);
    const QString reply = raw.command(cmd, error);
    bson_destroy(cmd);
    return reply;
}

} // namespace

class TestMongoPeer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void emptyRangeAnswersNothing();
    void tooDeepIsRefusedAndThePeerLives();
    void tooLargeIsRefused();
    void uniqueIndexRefusesASecondEntry();
    void retriedWriteRunsOnce();
    void uncommittedWritesAreInvisibleToOthers();
    void transactionReadsItsSnapshot();
    void plainWriteWaitsForTheTransaction();
    void commitAnsweredAgainAfterCommit();
    void failCommandReadsTimesBeforeSkip();

private:
    QString fresh(bool replicaSet) const {
        return lab::mongoFreshDatabase(!real_.isEmpty() ? real_
                                       : replicaSet     ? replicaSet_.uri()
                                                        : standalone_.uri());
    }
    QString real_;
    lab::MongoPeer standalone_, replicaSet_;
};

void TestMongoPeer::initTestCase() {
    real_ = qEnvironmentVariable("SYNCSCOPE_MONGO_URI");
    if (!real_.isEmpty())
        return;
    QString problem;
    QVERIFY2(standalone_.start(problem), qPrintable(problem));
    QVERIFY2(replicaSet_.start(problem, {QStringLiteral("--replica-set"), QStringLiteral("rs0")}),
             qPrintable(problem));
}

// $gt past the last _id with a $lt before it: nothing, at once (the peer used to spin).
void TestMongoPeer::emptyRangeAnswersNothing() {
    lab::RawDatabase raw(fresh(false));
    QString error;
    raw.command(R"({"insert": "c", "documents": [{"_id": 1}, {"_id": 3}]})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QElapsedTimer timer;
    timer.start();
    for (const char* find : {R"({"find": "c", "filter": {"_id": {"$gt": 10, "$lt": 5}}})",
                             R"({"find": "c", "filter": {"_id": {"$gt": 2, "$lt": 1}}})",
                             R"({"find": "c", "filter": {"_id": {"$gte": 2, "$lt": 2}}})",
                             R"({"find": "c", "filter": {"_id": {"$gt": 10, "$lt": 5}},
                                 "sort": {"_id": -1}})"}) {
        const QString reply = raw.command(find, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(reply.contains(QLatin1String("\"firstBatch\" : [  ]")), qPrintable(reply));
    }
    QVERIFY(timer.elapsed() < 5000);
}

// Past 200 levels mongod refuses the message (15, Overflow); past 180 it refuses to store.
void TestMongoPeer::tooDeepIsRefusedAndThePeerLives() {
    lab::RawDatabase raw(fresh(false));
    QString error;
    insertRaw(raw, "deep", nested(9000), &error);
    QVERIFY2(error == QLatin1String("15: BSONObj exceeds maximum nested object depth"),
             qPrintable(error));
    QString reply = insertRaw(raw, "deep", nested(185), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(reply.contains(QLatin1String("\"code\" : 15")) &&
                 reply.contains(QLatin1String("levels of nesting")),
             qPrintable(reply));
    reply = insertRaw(raw, "deep", nested(150), &error);
    QVERIFY2(error.isEmpty() && reply.contains(QLatin1String("\"n\" : 1")), qPrintable(reply));
    raw.command(R"({"ping": 1})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

// Over 16 MiB: "object to insert too large", a write error.
void TestMongoPeer::tooLargeIsRefused() {
    lab::RawDatabase raw(fresh(false));
    bson_t* doc = bson_new();
    const std::string big(16 * 1024 * 1024 + 1024, 'x');
    bson_append_utf8(doc, "big", -1, big.data(), static_cast<int>(big.size()));
    QString error;
    const uint32_t size = doc->len;
    const QString reply = insertRaw(
        raw, "large", std::string(reinterpret_cast<const char*>(bson_get_data(doc)), size), &error);
    bson_destroy(doc);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(reply.contains(QStringLiteral("object to insert too large. size in bytes: %1, "
                                           "max size: 16777216")
                                .arg(size)),
             qPrintable(reply.left(300)));
    QVERIFY(reply.contains(QLatin1String("\"n\" : 0")));
}

void TestMongoPeer::uniqueIndexRefusesASecondEntry() {
    const QString uri = fresh(false);
    lab::RawDatabase raw(uri);
    const QString db = uri.section(QLatin1Char('/'), -1).section(QLatin1Char('?'), 0, 0);
    QString error;
    raw.command(R"({"createIndexes": "u", "indexes": [{"key": {"s": 1, "c": 1},
        "name": "s_1_c_1", "unique": true}]})",
                &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    raw.command(R"({"insert": "u", "documents": [{"_id": 1, "s": "A", "c": "X"}]})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString reply =
        raw.command(R"({"insert": "u", "documents": [{"_id": 2, "s": "A", "c": "X"}]})", &error);
    QVERIFY2(reply.contains(QLatin1String("\"code\" : 11000")) &&
                 reply.contains(QStringLiteral("E11000 duplicate key error collection: %1.u "
                                               "index: s_1_c_1 dup key: { s: \\\"A\\\", c: "
                                               "\\\"X\\\" }")
                                    .arg(db)) &&
                 reply.contains(QLatin1String("\"keyValue\" : { \"s\" : \"A\", \"c\" : \"X\" }")),
             qPrintable(reply));
    // The same through an update, and on _id.
    const QString update = raw.command(R"({"insert": "u", "documents": [{"_id": 3, "s": "B",
        "c": "X"}]})");
    QVERIFY(update.contains(QLatin1String("\"n\" : 1")));
    const QString moved = raw.command(
        R"({"update": "u", "updates": [{"q": {"_id": 3}, "u": {"$set": {"s": "A"}}}]})");
    QVERIFY2(moved.contains(QLatin1String("\"code\" : 11000")), qPrintable(moved));
    const QString again = raw.command(R"({"insert": "u", "documents": [{"_id": 1}]})");
    QVERIFY2(again.contains(QLatin1String("index: _id_ dup key: { _id: 1 }")), qPrintable(again));
    const QString count = raw.command(R"({"count": "u", "query": {"s": "A"}})");
    QVERIFY2(count.contains(QLatin1String("\"n\" : 1")), qPrintable(count));
}

// A retryable write sent again (same lsid and txnNumber) answers its first reply, runs once.
void TestMongoPeer::retriedWriteRunsOnce() {
    lab::RawDatabase raw(fresh(true));
    QString error;
    const char* insert = R"({"insert": "r", "documents": [{"v": 1}],
        "lsid": {"id": {"$binary": {"base64": "AAAAAAAAAAAAAAAAAAAAAQ==", "subType": "04"}}},
        "txnNumber": {"$numberLong": "7"}})";
    QString reply = raw.command(insert, &error);
    QVERIFY2(error.isEmpty() && reply.contains(QLatin1String("\"n\" : 1")), qPrintable(reply));
    reply = raw.command(insert, &error);
    QVERIFY2(error.isEmpty() && reply.contains(QLatin1String("\"n\" : 1")), qPrintable(reply));
    const QString count = raw.command(R"({"count": "r", "query": {}})");
    QVERIFY2(count.contains(QLatin1String("\"n\" : 1")), qPrintable(count));
}

namespace {
// A transaction's statement: `json` (an object without its closing brace) with the session
// fields appended.
QString inTransaction(lab::RawDatabase& raw, const QString& json, int txn, bool start,
                      QString* error) {
    const QString full =
        json + QStringLiteral(R"(, "lsid": {"id": {"$binary": {"base64":
        "AAAAAAAAAAAAAAAAAAAAAg==", "subType": "04"}}}, "txnNumber": {"$numberLong": "%1"},
        "autocommit": false%2})")
                   .arg(txn)
                   .arg(start ? QStringLiteral(R"(, "startTransaction": true)") : QString());
    const QByteArray bytes = full.toUtf8();
    return raw.command(bytes.constData(), error,
                       json.startsWith(QLatin1String(R"({"commitTransaction")")) ||
                               json.startsWith(QLatin1String(R"({"abortTransaction")"))
                           ? "admin"
                           : nullptr);
}
} // namespace

void TestMongoPeer::uncommittedWritesAreInvisibleToOthers() {
    const QString uri = fresh(true);
    lab::RawDatabase raw(uri), other(uri);
    QString error;
    raw.command(R"({"insert": "t", "documents": [{"_id": 1, "v": "old"}, {"_id": 2}]})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw, QStringLiteral(R"({"insert": "t", "documents": [{"_id": 5}])"), 1, true,
                  &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw, QStringLiteral(R"({"update": "t", "updates": [{"q": {"_id": 1},
                  "u": {"$set": {"v": "new"}}}])"),
                  1, false, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw,
                  QStringLiteral(R"({"delete": "t", "deletes": [{"q": {"_id": 2}, "limit": 1}])"),
                  1, false, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // Inside: its own writes. Outside: none of them.
    const QString inside =
        inTransaction(raw, QStringLiteral(R"({"find": "t", "filter": {})"), 1, false, &error);
    QVERIFY2(inside.contains(QLatin1String("\"new\"")) && inside.contains(QLatin1String("5")),
             qPrintable(inside));
    const QString outside = other.command(R"({"find": "t", "filter": {}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(outside.contains(QLatin1String("\"old\"")) &&
                 outside.contains(QLatin1String("\"_id\" : 2")) &&
                 !outside.contains(QLatin1String("\"_id\" : 5")),
             qPrintable(outside));
    QVERIFY(other.command(R"({"count": "t", "query": {}})").contains(QLatin1String("\"n\" : 2")));
    inTransaction(raw, QStringLiteral(R"({"commitTransaction": 1)"), 1, false, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString after = other.command(R"({"find": "t", "filter": {}})", &error);
    QVERIFY2(after.contains(QLatin1String("\"new\"")) &&
                 !after.contains(QLatin1String("\"_id\" : 2")) &&
                 after.contains(QLatin1String("\"_id\" : 5")),
             qPrintable(after));
}

// A transaction reads what was committed when it began: later commits of others (an update,
// an insert, a delete) are not in its reads, and writing a document committed since is a
// write conflict.
void TestMongoPeer::transactionReadsItsSnapshot() {
    const QString uri = fresh(true);
    lab::RawDatabase raw(uri), other(uri);
    QString error;
    raw.command(R"({"insert": "s", "documents": [{"_id": 1, "v": "old"}, {"_id": 2}]})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QString seen =
        inTransaction(raw, QStringLiteral(R"({"find": "s", "filter": {})"), 5, true, &error);
    QVERIFY2(error.isEmpty() && seen.contains(QLatin1String("\"old\"")), qPrintable(seen + error));
    for (const char* change :
         {R"({"update": "s", "updates": [{"q": {"_id": 1}, "u": {"$set": {"v": "new"}}}]})",
          R"({"insert": "s", "documents": [{"_id": 3}]})",
          R"({"delete": "s", "deletes": [{"q": {"_id": 2}, "limit": 1}]})"}) {
        other.command(change, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    seen = inTransaction(raw, QStringLiteral(R"({"find": "s", "filter": {})"), 5, false, &error);
    QVERIFY2(error.isEmpty() && seen.contains(QLatin1String("\"old\"")) &&
                 seen.contains(QLatin1String("\"_id\" : 2")) &&
                 !seen.contains(QLatin1String("\"_id\" : 3")),
             qPrintable(seen + error));
    const QString now = other.command(R"({"find": "s", "filter": {}})");
    QVERIFY2(now.contains(QLatin1String("\"new\"")) && now.contains(QLatin1String("\"_id\" : 3")) &&
                 !now.contains(QLatin1String("\"_id\" : 2")),
             qPrintable(now));
    inTransaction(raw, QStringLiteral(R"({"update": "s", "updates": [{"q": {"_id": 1},
                  "u": {"$set": {"v": "mine"}}}])"),
                  5, false, &error);
    QVERIFY2(error.startsWith(QLatin1String("112: WriteConflict")), qPrintable(error));
}

// A plain write to a document a transaction wrote waits until the transaction ends, then
// runs: after an abort its change stays (it used to go through at once and be undone).
void TestMongoPeer::plainWriteWaitsForTheTransaction() {
    const QString uri = fresh(true);
    lab::RawDatabase raw(uri);
    QString error;
    raw.command(R"({"insert": "w", "documents": [{"_id": 1, "v": "before"}]})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw, QStringLiteral(R"({"update": "w", "updates": [{"q": {"_id": 1},
                  "u": {"$set": {"v": "txn"}}}])"),
                  3, true, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    std::atomic<bool> done{false};
    QString plainError;
    std::thread plain([&] {
        lab::RawDatabase other(uri);
        other.command(R"({"update": "w", "updates": [{"q": {"_id": 1},
            "u": {"$set": {"v": "plain"}}}]})",
                      &plainError);
        done = true;
    });
    QTest::qWait(500);
    const bool waited = !done;
    inTransaction(raw, QStringLiteral(R"({"abortTransaction": 1)"), 3, false, &error);
    plain.join();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(plainError.isEmpty(), qPrintable(plainError));
    QVERIFY2(waited, "the plain write did not wait for the transaction");
    const QString now = raw.command(R"({"find": "w", "filter": {"_id": 1}})");
    QVERIFY2(now.contains(QLatin1String("\"plain\"")), qPrintable(now));
}

// commitTransaction again for a committed transaction answers ok (drivers retry it when the
// first answer was lost); abortTransaction then says it committed.
void TestMongoPeer::commitAnsweredAgainAfterCommit() {
    lab::RawDatabase raw(fresh(true));
    QString error;
    inTransaction(raw, QStringLiteral(R"({"insert": "k", "documents": [{"_id": 1}])"), 4, true,
                  &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw, QStringLiteral(R"({"commitTransaction": 1)"), 4, false, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw, QStringLiteral(R"({"commitTransaction": 1)"), 4, false, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    inTransaction(raw, QStringLiteral(R"({"abortTransaction": 1)"), 4, false, &error);
    QVERIFY2(error.startsWith(QLatin1String("256: ")), qPrintable(error));
    QVERIFY(raw.command(R"({"count": "k", "query": {}})").contains(QLatin1String("\"n\" : 1")));
}

// mongod's fail point modes: {times: n} wins over skip; {skip: n} lets n through, then fails
// every one until turned off.
void TestMongoPeer::failCommandReadsTimesBeforeSkip() {
    lab::RawDatabase raw(fresh(false));
    QString error;
    raw.command(R"({"configureFailPoint": "failCommand", "mode": {"times": 1, "skip": 1},
        "data": {"failCommands": ["count"], "errorCode": 8}})",
                &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    raw.command(R"({"count": "f", "query": {}})", &error);
    QVERIFY2(error.startsWith(QLatin1String("8: ")), qPrintable(error));
    raw.command(R"({"count": "f", "query": {}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    raw.command(R"({"configureFailPoint": "failCommand", "mode": {"skip": 1},
        "data": {"failCommands": ["count"], "errorCode": 8}})",
                &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    raw.command(R"({"count": "f", "query": {}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int i = 0; i < 2; ++i) {
        raw.command(R"({"count": "f", "query": {}})", &error);
        QVERIFY2(error.startsWith(QLatin1String("8: ")), qPrintable(error));
    }
    raw.command(R"({"configureFailPoint": "failCommand", "mode": "off"})", &error, "admin");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    raw.command(R"({"count": "f", "query": {}})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestMongoPeer)
#include "tst_mongopeer.moc"

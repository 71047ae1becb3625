// The contract every backend keeps (backends/store.h), one test body run against every
// backend this build has: SQLite (both paths) and the real MariaDB, PostgreSQL and Redis
// servers that CTest starts (scripts/services), and the HiveServer2 test peer in both of its
// transports (or a real HiveServer2 when SYNCSCOPE_HIVE_URI is set), each test on a fresh
// database (on Redis, a fresh key prefix). Later backends add rows.
#include "awaitfuture.h"
#include "engine.h"
#include "hostileinputs.h"
#include "labservers.h"
#include "logrecords.h"
#include "protocolpeers.h"
#include "recordconversion.h"
#include "sqlstore.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QFutureWatcher>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

using namespace syncscope;

namespace {

// A backend under test: how to reach it, whether it survives a reopen, and (where the test can
// reach into the engine) how to make the next transaction fail half way.
struct Backend {
    QString uri;
    bool persistent = false;
    std::function<void()> poisonNextWrite; // makes a write of student "POISON" fail
    QString qtSqlPath;        // set: build SqlStore directly with its native fast path off
    QString password;         // a server's
    bool serverQtSql = false; // a server's, with its native write path off
};

// A failed call shows the store's own words.
#define QVERIFY_OK(expr)                                                                           \
    do {                                                                                           \
        const auto done_ = (expr);                                                                 \
        QVERIFY2(done_.ok(), done_.ok() ? "" : qPrintable(done_.error().toString()));              \
    } while (false)

} // namespace

class TestStoreContract : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // capture=log stores leave a replication slot each: dropped after each test.
    void cleanup() {
        if (servers_)
            lab::dropIdleSlots(servers_->postgres, servers_->password);
    }
    void initTestCase();
    void setGetDelete_data() { backends(); }
    void setGetDelete();
    void olderWriteIsLoggedButDoesNotWin_data() { backends(); }
    void olderWriteIsLoggedButDoesNotWin();
    void replayIsIdempotent_data() { backends(); }
    void replayIsIdempotent();
    void batchedApplyReportsProgressAndCancels_data() { backends(); }
    void batchedApplyReportsProgressAndCancels();
    void oplogParityWithEngine_data() { backends(); }
    void oplogParityWithEngine();
    void awkwardValuesAreStoredVerbatim_data() { backends(); }
    void awkwardValuesAreStoredVerbatim();
    void sameKeyManyTimesInOneBatch_data() { backends(); }
    void sameKeyManyTimesInOneBatch();
    void pagedReads_data() { backends(); }
    void pagedReads();
    void rollbackRestoresAnEarlierState_data() { backends(); }
    void rollbackRestoresAnEarlierState();
    void followingTheOplogTail_data() { backends(); }
    void followingTheOplogTail();
    void reopenKeepsEverything_data() { backends(); }
    void reopenKeepsEverything();
    void invalidRecordChangesNothing_data() { backends(); }
    void invalidRecordChangesNothing();
    void hostileInputsAreStoredVerbatimOrRefused_data() { backends(); }
    void hostileInputsAreStoredVerbatimOrRefused();
    void rangeChecksumsAgreeWithTheClientsHash_data() { backends(); }
    void rangeChecksumsAgreeWithTheClientsHash();
    void failedTransactionLeavesNothing_data() { backends(); }
    void failedTransactionLeavesNothing();
    void otherStoresDatabaseIsRefused();
    void databaseFromBeforeCausalContextsIsUpgraded();

private:
    void backends();
    std::unique_ptr<StoreWorker> openWorker(const QString& name = QStringLiteral("SQL"));
    QTemporaryDir dir_;
    int counter_ = 0;
    Backend current_;
    std::optional<lab::Servers> servers_;
    lab::ProtocolPeers peers_;
};

void TestStoreContract::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    if (!servers_)
        QFAIL(qPrintable(problem));
    QVERIFY2(peers_.start(problem), qPrintable(problem));
}

void TestStoreContract::backends() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("sqlite memory") << QStringLiteral("sqlite-memory");
    QTest::newRow("sqlite file") << QStringLiteral("sqlite-file");
    // The Qt Sql statements the server backends share, run on SQLite.
    QTest::newRow("sqlite file, Qt Sql path") << QStringLiteral("sqlite-qtsql");
    QTest::newRow("mariadb") << QStringLiteral("mariadb");
    // The servers' Qt Sql statements (batches with seed attributes, and servers that refuse a
    // bulk loader, take them) as well as LOAD DATA and COPY.
    QTest::newRow("mariadb, Qt Sql path") << QStringLiteral("mariadb-qtsql");
    // Outside writes read from the binlog: no capture triggers on the table.
    QTest::newRow("mariadb, capture=log") << QStringLiteral("mariadb-log");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
    QTest::newRow("postgresql, Qt Sql path") << QStringLiteral("postgresql-qtsql");
    // Outside writes read from a replication slot instead of triggers.
    QTest::newRow("postgresql, capture=log") << QStringLiteral("postgresql-log");
    QTest::newRow("redis") << QStringLiteral("redis");
    for (const lab::ProtocolPeers::Kind& k : lab::ProtocolPeers::kinds())
        QTest::newRow(qPrintable(k.label)) << k.id;
}

// For a server: a trigger that aborts the statement writing student "POISON", half way through
// a batch.
std::function<void()> serverPoison(const QString& uri, const QString& password, bool mariadb) {
    return [uri, password, mariadb] {
        const QStringList statements =
            mariadb ? QStringList{QStringLiteral(
                          "CREATE TRIGGER poison BEFORE INSERT ON grades FOR EACH ROW IF "
                          "NEW.student_id = 'POISON' THEN SIGNAL SQLSTATE '45000' SET "
                          "MESSAGE_TEXT = 'poisoned'; END IF")}
                    : QStringList{QStringLiteral("CREATE FUNCTION poison() RETURNS trigger "
                                                 "LANGUAGE plpgsql AS $$ BEGIN IF "
                                                 "NEW.student_id = 'POISON' THEN RAISE "
                                                 "EXCEPTION 'poisoned'; END IF; RETURN NEW; END "
                                                 "$$"),
                                  QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON grades "
                                                 "FOR EACH ROW EXECUTE FUNCTION poison()")};
        for (const QString& sql : statements) {
            const QString problem = lab::run(uri, password, sql);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
    };
}

// For a SQLite file: a second connection installs a trigger that aborts the statement writing
// student "POISON", half way through a batch.
std::function<void()> poisonTrigger(const QString& path) {
    return [path] {
        const QString conn = QStringLiteral("poison%1").arg(path);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), conn);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON grades WHEN "
                                          "NEW.student_id = 'POISON' BEGIN SELECT RAISE(ABORT, "
                                          "'poisoned'); END")));
            db.close();
        }
        QSqlDatabase::removeDatabase(conn);
    };
}

std::unique_ptr<StoreWorker> TestStoreContract::openWorker(const QString& name) {
    QFETCH(QString, kind);
    if (current_.uri.isEmpty()) {
        if (lab::ProtocolPeers::isPeerKind(kind)) {
            QString problem;
            const QString uri = peers_.freshDatabase(kind, problem);
            if (!problem.isEmpty())
                qFatal("%s", qPrintable(problem));
            // Hive and MongoDB have no triggers to fail a statement half way with (and a Hive
            // statement is one batch): failedTransactionLeavesNothing skips them, and
            // tst_hivestore and tst_mongostore cover what can fail there.
            current_ = {uri, true, {}, {}, lab::ProtocolPeers::passwordFor(kind, {}), false};
        } else if (kind == QLatin1String("redis")) {
            QString problem;
            const QString uri = lab::freshDatabase(servers_->redis, servers_->password, problem);
            // Redis has no triggers to fail a transaction with: failedTransactionLeavesNothing
            // skips it, and tst_redisstore covers what can fail there.
            current_ = {uri, true, {}, {}, servers_->password, false};
        } else if (kind.startsWith(QLatin1String("mariadb")) ||
                   kind.startsWith(QLatin1String("postgresql"))) {
            const bool mariadb = kind.startsWith(QLatin1String("mariadb"));
            QString problem;
            QString uri = lab::freshDatabase(mariadb ? servers_->mariadb : servers_->postgres,
                                             servers_->password, problem);
            if (kind.endsWith(QLatin1String("-log")))
                uri += QStringLiteral("?capture=log");
            if (!problem.isEmpty())
                qFatal("%s", qPrintable(problem));
            current_ = {uri,
                        true,
                        serverPoison(uri, servers_->password, mariadb),
                        {},
                        servers_->password,
                        kind.endsWith(QLatin1String("qtsql"))};
        } else if (kind == QLatin1String("sqlite-memory")) {
            current_ = {QStringLiteral("sqlite::memory:"), false, {}, {}, {}, false};
        } else {
            const QString path = dir_.filePath(QStringLiteral("store%1.db").arg(++counter_));
            current_ = {QStringLiteral("sqlite://") + path,
                        true,
                        poisonTrigger(path),
                        kind == QLatin1String("sqlite-qtsql") ? path : QString(),
                        {},
                        false};
        }
    }
    std::unique_ptr<Store> store;
    if (current_.serverQtSql) {
        const QUrl url(current_.uri);
        SqlStore::Options o;
        o.name = name;
        o.engine =
            url.scheme() == QLatin1String("mysql") ? SqlEngine::MariaDb : SqlEngine::Postgres;
        o.databaseName = url.path().mid(1);
        o.location = current_.uri;
        o.server = {url.host(), url.port(), url.userName(), current_.password, {}};
        o.nativeFastPath = false;
        store = std::make_unique<SqlStore>(std::move(o));
    } else if (!current_.qtSqlPath.isEmpty()) {
        SqlStore::Options o;
        o.name = name;
        o.databaseName = current_.qtSqlPath;
        o.location = current_.qtSqlPath;
        o.nativeFastPath = false;
        store = std::make_unique<SqlStore>(std::move(o));
    } else {
        auto made = StoreFactory::create(name, current_.uri, current_.password);
        if (!made)
            qFatal("%s", qPrintable(made.error().toString()));
        store = std::move(made.value());
    }
    auto worker = std::make_unique<StoreWorker>(std::move(store));
    const Status s = await(worker->open());
    if (!s)
        qFatal("%s", qPrintable(s.error().toString()));
    return worker;
}

void TestStoreContract::setGetDelete() {
    current_ = {};
    auto w = openWorker();
    QCOMPARE(await(w->counts()).value().liveKeys, 0);
    QVERIFY_OK(await(w->append({setRecord("SID1", "CSE1", "A", 1, "SQL", 1),
                                setRecord("SID2", "CSE1", "B+", 2, "SQL", 2)})));
    auto row = await(w->readKey("SID1", "CSE1"));
    QVERIFY(row.ok() && row.value().has_value());
    QCOMPARE(row.value()->value, std::string("A"));
    QCOMPARE(row.value()->ts, int64_t(1));
    QCOMPARE(row.value()->origin, std::string("SQL"));
    QVERIFY(!await(w->readKey("SID9", "CSE1")).value().has_value());

    QVERIFY_OK(await(w->append({deleteRecord("SID1", "CSE1", 3, "SQL", 3)})));
    row = await(w->readKey("SID1", "CSE1"));
    QVERIFY(row.value().has_value());
    QVERIFY(row.value()->deleted); // the tombstone stays for last-writer-wins
    const StoreCounts counts = await(w->counts()).value();
    QCOMPARE(counts.liveKeys, 1);
    QCOMPARE(counts.oplogEntries, 3);
}

void TestStoreContract::olderWriteIsLoggedButDoesNotWin() {
    current_ = {};
    auto w = openWorker();
    QVERIFY_OK(await(w->append({setRecord("S", "C", "new", 10, "SQL", 1)})));
    QVERIFY_OK(await(w->append({setRecord("S", "C", "old", 5, "HIVE", 7)})));
    // Same ts: origin decides byte-wise ("HIVE" < "SQL"), so this one loses too.
    QVERIFY_OK(await(w->append({setRecord("S", "C", "tie", 10, "HIVE", 9)})));
    QCOMPARE(await(w->readKey("S", "C")).value()->value, std::string("new"));
    QVERIFY_OK(await(w->append({setRecord("S", "C", "tie-wins", 10, "ZED", 1)})));
    QCOMPARE(await(w->readKey("S", "C")).value()->value, std::string("tie-wins"));
    QCOMPARE(await(w->readOplog()).value().size(), size_t(4));
}

void TestStoreContract::replayIsIdempotent() {
    current_ = {};
    auto w = openWorker();
    const std::vector<LogRecord> batch{setRecord("S", "C", "A", 1, "SQL", 1),
                                       deleteRecord("S", "D", 2, "SQL", 2),
                                       setRecord("S", "C", "B", 3, "HIVE", 1)};
    QVERIFY_OK(await(w->append(batch)));
    const auto before = await(w->readGrades()).value();
    QVERIFY_OK(await(w->append(batch)));
    const auto after = await(w->readGrades()).value();
    QCOMPARE(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i].value, before[i].value);
        QCOMPARE(after[i].ts, before[i].ts);
        QCOMPARE(after[i].deleted, before[i].deleted);
    }
}

void TestStoreContract::batchedApplyReportsProgressAndCancels() {
    current_ = {};
    auto w = openWorker();
    std::vector<LogRecord> many;
    for (int i = 0; i < 50000; ++i)
        many.push_back(setRecord("SID" + std::to_string(i), "CSE1", "A", i, "SQL",
                                 static_cast<uint64_t>(i + 1)));
    QFuture<Status> f = w->append(many);
    QList<int> seen;
    QFutureWatcher<Status> watcher;
    connect(&watcher, &QFutureWatcher<Status>::progressValueChanged, this,
            [&](int v) { seen << v; });
    watcher.setFuture(f);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 60000);
    QVERIFY(f.result().ok());
    QTRY_VERIFY(!seen.isEmpty() && seen.last() == 50000);
    QVERIFY2(seen.size() >= 2, "progress comes batch by batch");
    QCOMPARE(await(w->counts()).value().liveKeys, 50000);

    // Cancel: stops between batches; what committed is whole batches, data with its log.
    std::vector<LogRecord> more;
    for (int i = 0; i < 200000; ++i)
        more.push_back(setRecord("T" + std::to_string(i), "CSE2", "B", i, "SQL",
                                 static_cast<uint64_t>(60000 + i)));
    QFuture<Status> g = w->append(more);
    g.cancel();
    g.waitForFinished();
    QVERIFY(g.isCanceled());
    const StoreCounts c = await(w->counts()).value();
    QVERIFY2(c.liveKeys < 250000, "a canceled apply must stop before the end");
    QCOMPARE(c.oplogEntries, c.liveKeys); // every committed grade has its oplog entry
}

void TestStoreContract::oplogParityWithEngine() {
    current_ = {};
    auto w = openWorker(QStringLiteral("A"));
    Catalog catalog;
    Engine engine(catalog);
    const size_t a = engine.addReplica("A"), b = engine.addReplica("B");
    std::mt19937 rng(7);
    auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    for (int i = 0; i < 3000; ++i) {
        const size_t r = pick(2) ? a : b;
        const KeyId k =
            catalog.internKey("S" + std::to_string(pick(50)), "C" + std::to_string(pick(3)));
        switch (pick(5)) {
        case 0:
            engine.remove(r, k, pick(2000));
            break;
        case 1:
            engine.get(r, k, pick(2000));
            break;
        case 2:
            engine.merge(a, b);
            break;
        default:
            engine.set(r, k, catalog.internValue(pick(2) ? "A" : "Très bien \"quoted\""),
                       pick(2000));
        }
    }
    std::vector<LogRecord> records;
    for (const OplogEntry& e : engine.replica(a).log)
        records.push_back(toRecord(e, catalog));
    QVERIFY_OK(await(w->append(records)));

    const auto log = await(w->readOplog()).value();
    QCOMPARE(log.size(), engine.replica(a).log.size());
    for (size_t i = 0; i < log.size(); ++i) {
        const OplogEntry back = fromRecord(log[i], catalog);
        QCOMPARE(back.kind, engine.replica(a).log[i].kind);
        QVERIFY(back.write.sameWrite(engine.replica(a).log[i].write));
        QCOMPARE(log[i].context, records[i].context); // the causal metadata comes back whole
        QVERIFY(log[i].wallMs > 0);
    }
    QVERIFY(std::any_of(records.begin(), records.end(), [](const LogRecord& r) {
        return r.context.find(',') != std::string::npos || r.context.find("B:") == 0;
    }));
    const auto grades = await(w->readGrades()).value();
    QCOMPARE(grades.size(), engine.replica(a).state.keys().size());
    for (const GradeRecord& g : grades) {
        const Write& s = engine.replica(a).state.at(catalog.findKey(g.studentId, g.courseId));
        QCOMPARE(g.deleted, s.isTombstone());
        QCOMPARE(g.ts, s.ts);
        QCOMPARE(g.seq, s.seq);
        if (!g.deleted)
            QCOMPARE(g.value, std::string(catalog.value(s.value)));
    }
}

// Values a store's own syntax gives meaning to (COPY's \N and backslash, SQL quotes and
// comments) and unicode up to the 64-byte limit come back byte for byte, from a batch of one
// and from a batch big enough for PostgreSQL's COPY path.
void TestStoreContract::awkwardValuesAreStoredVerbatim() {
    current_ = {};
    auto w = openWorker();
    const std::vector<std::string> values = {"\\N",
                                             "a\\b\\",
                                             "'; DROP TABLE grades; --",
                                             "\"quoted\"",
                                             "O'Brien",
                                             "\u05e9\u05dc\u05d5\u05dd\u200f",
                                             "e\u0301\u0301",
                                             std::string(16, 'x') + "\U0001F600" +
                                                 std::string(44, 'y')};
    std::vector<LogRecord> one{setRecord("SOLO", "C", values[0], 1, "SQL", 1)};
    std::vector<LogRecord> many;
    for (int i = 0; i < 300; ++i)
        many.push_back(setRecord("S" + std::to_string(i), "C", values[i % values.size()], i + 2,
                                 "HIVE", static_cast<uint64_t>(i + 1)));
    QVERIFY_OK(await(w->append(one)));
    QVERIFY_OK(await(w->append(many)));
    QCOMPARE(await(w->readKey("SOLO", "C")).value()->value, values[0]);
    for (int i = 0; i < 300; ++i)
        QCOMPARE(await(w->readKey("S" + std::to_string(i), "C")).value()->value,
                 values[i % values.size()]);
    const std::vector<LogRecord> log = await(w->readOplog()).value();
    QCOMPARE(log.size(), size_t(301));
    for (size_t i = 0; i < log.size(); ++i)
        QCOMPARE(log[i].value, i == 0 ? values[0] : values[(i - 1) % values.size()]);
}

// Within one batch the greatest write of a key wins wherever it stands, and the attributes a
// seed row brought stay on the row as they would if the records were applied one by one.
void TestStoreContract::sameKeyManyTimesInOneBatch() {
    current_ = {};
    auto w = openWorker();
    const LogRecord seed = seedRecord("S", "C", "A", 1, "{\"roll no\":\"7\"}");
    QVERIFY_OK(await(w->append({seed, setRecord("S", "C", "middle", 5, "SQL", 1),
                                setRecord("S", "C", "greatest", 9, "HIVE", 4),
                                setRecord("S", "C", "late-but-small", 2, "SQL", 2)})));
    const auto row = await(w->readKey("S", "C")).value();
    QCOMPARE(row->value, std::string("greatest"));
    QCOMPARE(row->attributes, std::string("{\"roll no\":\"7\"}"));
    QCOMPARE(await(w->readOplog()).value().size(), size_t(4));

    // A batch big enough for a server's bulk loader: 40 keys, each written ten times in an
    // order unrelated to the writes' own, plus a write that loses to the row already there.
    std::vector<LogRecord> many;
    for (int round = 0; round < 10; ++round)
        for (int k = 0; k < 40; ++k) {
            const int ts = 100 + (round * 7 + k * 3) % 10 * 10 + k % 2;
            many.push_back(setRecord("K" + std::to_string(k), "C", "v" + std::to_string(ts), ts,
                                     round % 2 ? "SQL" : "HIVE",
                                     static_cast<uint64_t>(10 + round * 40 + k)));
        }
    many.push_back(setRecord("S", "C", "too old", 1, "REDIS", 1));
    QVERIFY_OK(await(w->append(many)));
    for (int k = 0; k < 40; ++k) {
        const LogRecord* best = nullptr;
        for (const LogRecord& r : many)
            if (r.studentId == "K" + std::to_string(k) && (!best || writeLess(*best, r)))
                best = &r;
        const auto got = await(w->readKey(best->studentId, "C")).value();
        QCOMPARE(got->value, best->value);
        QCOMPARE(got->seq, best->seq);
    }
    QCOMPARE(await(w->readKey("S", "C")).value()->value, std::string("greatest"));
}

// Grades come in key order page by page from a cursor; the oplog in order with a limit.
void TestStoreContract::pagedReads() {
    current_ = {};
    auto w = openWorker();
    std::vector<LogRecord> batch;
    for (int i = 0; i < 250; ++i)
        batch.push_back(setRecord("S" + std::to_string(i % 50), "C" + std::to_string(i / 50), "A",
                                  i, "SQL", static_cast<uint64_t>(i + 1)));
    batch.push_back(deleteRecord("S7", "C3", 999, "SQL", 251));
    QVERIFY_OK(await(w->append(batch)));

    std::vector<GradeRecord> all;
    GradeCursor cursor;
    int pages = 0;
    for (;;) {
        auto page = await(w->readGrades(cursor, 40));
        QVERIFY(page.ok());
        if (page.value().empty())
            break;
        QVERIFY(page.value().size() <= 40);
        ++pages;
        all.insert(all.end(), page.value().begin(), page.value().end());
        cursor = {all.back().studentId, all.back().courseId};
    }
    QCOMPARE(pages, 7);
    QCOMPARE(all.size(), size_t(250));
    for (size_t i = 1; i < all.size(); ++i)
        QVERIFY(std::tie(all[i - 1].studentId, all[i - 1].courseId) <
                std::tie(all[i].studentId, all[i].courseId));
    QCOMPARE(std::count_if(all.begin(), all.end(), [](const GradeRecord& g) { return g.deleted; }),
             1);
    QCOMPARE(await(w->readGrades()).value().size(), size_t(250));

    const auto first = await(w->readOplog(0, 100)).value();
    QCOMPARE(first.size(), size_t(100));
    const auto rest = await(w->readOplog(first.back().position, 0)).value();
    QCOMPARE(rest.size(), size_t(151));
    QCOMPARE(rest.back().kind, EntryKind::Delete);
}

// Reset in the GUI: the store goes back to its state at an oplog position, data and log alike.
void TestStoreContract::rollbackRestoresAnEarlierState() {
    current_ = {};
    auto w = openWorker();
    const LogRecord seed = seedRecord("S1", "C", "A", 1, "{\"roll no\":\"1\"}");
    QVERIFY_OK(await(w->append(
        {seed, setRecord("S2", "C", "B", 1, "SQL", 1), deleteRecord("S3", "C", 2, "SQL", 2)})));
    const StoreCounts before = await(w->counts()).value();
    QCOMPARE(before.lastPosition, before.oplogEntries);
    const auto gradesBefore = await(w->readGrades()).value();
    // What a script then did: overwrite, delete, resurrect, add, read.
    QVERIFY_OK(await(w->append(
        {setRecord("S1", "C", "Z", 5, "SQL", 3), deleteRecord("S2", "C", 6, "HIVE", 1),
         setRecord("S3", "C", "back", 7, "SQL", 4), setRecord("S4", "C", "new", 8, "SQL", 5)})));
    LogRecord get = setRecord("S1", "C", "Z", 9, "SQL", 0);
    get.kind = EntryKind::Get;
    QVERIFY_OK(await(w->append({get})));

    QVERIFY_OK(await(w->rollbackTo(before.lastPosition)));
    const StoreCounts after = await(w->counts()).value();
    QCOMPARE(after.oplogEntries, before.oplogEntries);
    QCOMPARE(after.liveKeys, before.liveKeys);
    const auto gradesAfter = await(w->readGrades()).value();
    QCOMPARE(gradesAfter.size(), gradesBefore.size());
    for (size_t i = 0; i < gradesAfter.size(); ++i) {
        QCOMPARE(gradesAfter[i].studentId, gradesBefore[i].studentId);
        QCOMPARE(gradesAfter[i].value, gradesBefore[i].value);
        QCOMPARE(gradesAfter[i].deleted, gradesBefore[i].deleted);
        QCOMPARE(gradesAfter[i].ts, gradesBefore[i].ts);
        QCOMPARE(gradesAfter[i].origin, gradesBefore[i].origin);
        QCOMPARE(gradesAfter[i].attributes, gradesBefore[i].attributes);
    }
    QVERIFY(!await(w->readKey("S4", "C")).value().has_value());
    // New writes continue after the rollback point.
    QVERIFY_OK(await(w->append({setRecord("S5", "C", "x", 10, "SQL", 3)})));
    QCOMPARE(await(w->readOplog(before.lastPosition)).value().size(), size_t(1));
}

void TestStoreContract::followingTheOplogTail() {
    current_ = {};
    auto w = openWorker();
    QVERIFY_OK(await(
        w->append({setRecord("S", "C", "A", 1, "SQL", 1), setRecord("S", "D", "B", 2, "SQL", 2)})));
    const auto first = await(w->readOplog()).value();
    QCOMPARE(first.size(), size_t(2));
    QVERIFY(first[0].position < first[1].position);
    QVERIFY(await(w->readOplog(first[1].position)).value().empty());
    QVERIFY_OK(await(w->append({deleteRecord("S", "C", 3, "SQL", 3)})));
    const auto tail = await(w->readOplog(first[1].position)).value();
    QCOMPARE(tail.size(), size_t(1));
    QCOMPARE(tail[0].kind, EntryKind::Delete);
    QVERIFY(tail[0].position > first[1].position);
}

void TestStoreContract::reopenKeepsEverything() {
    current_ = {};
    {
        auto w = openWorker();
        QVERIFY_OK(await(w->append(
            {setRecord("S", "C", "A", 1, "SQL", 1), deleteRecord("S", "D", 2, "SQL", 2)})));
    }
    if (!current_.persistent)
        QSKIP("an in-memory store ends with its connection");
    auto w = openWorker();
    QCOMPARE(await(w->readOplog()).value().size(), size_t(2));
    QCOMPARE(await(w->readKey("S", "C")).value()->value, std::string("A"));
    QVERIFY(await(w->readKey("S", "D")).value()->deleted);
}

void TestStoreContract::invalidRecordChangesNothing() {
    current_ = {};
    auto w = openWorker();
    const Status s = await(w->append(
        {setRecord("S", "C", "A", 1, "SQL", 1), setRecord("S", "bad id", "A", 2, "SQL", 2)}));
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.contains(QStringLiteral("bad id")), qPrintable(s.error().message));
    QCOMPARE(s.error().store, QStringLiteral("SQL"));
    const StoreCounts c = await(w->counts()).value();
    QCOMPARE(c.liveKeys, 0);
    QCOMPARE(c.oplogEntries, 0);
}

// The hostile-input table, one backend per row: each input is stored and read back byte
// for byte (value and oplog) when docs/script-language.md takes it, and otherwise refused with an
// error that names the store, quotes nothing raw and leaves the store as it was. At the end every
// write that was taken is still there: no quote, protocol or operator in them ran as code.
void TestStoreContract::hostileInputsAreStoredVerbatimOrRefused() {
    QFETCH(QString, kind);
    current_ = {};
    auto w = openWorker();
    std::vector<LogRecord> taken;
    int64_t ts = 0;
    for (const lab::HostileInput& in : lab::hostileInputs()) {
        ++ts;
        const LogRecord rec =
            setRecord(in.studentId, in.courseId, in.value, ts, "SQL", static_cast<uint64_t>(ts));
        const Status s = await(w->append({rec}));
        QString outcome;
        if (in.valid) {
            QVERIFY2(s.ok(), qPrintable(QString::fromStdString(in.label) + QStringLiteral(": ") +
                                        (s.ok() ? QString() : s.error().toString())));
            const auto back = await(w->readKey(in.studentId, in.courseId));
            QVERIFY2(back.ok() && back.value(), in.label.c_str());
            QCOMPARE(back.value()->value, in.value);
            taken.push_back(rec);
            outcome = QStringLiteral("stored verbatim");
        } else {
            QVERIFY2(!s.ok(), in.label.c_str());
            QCOMPARE(s.error().store, QStringLiteral("SQL"));
            const QString& why = s.error().message;
            QVERIFY2(why.contains(QStringLiteral("nothing written")), qPrintable(why));
            for (const QChar c : why)
                QVERIFY2(c.unicode() >= 0x20 && (c.unicode() < 0x7f || c.unicode() > 0x9f),
                         qPrintable(QString::fromStdString(in.label) + QStringLiteral(": ") + why));
            outcome = QStringLiteral("refused: ") + why;
        }
        qInfo("hostile | %s | %s | %s", qPrintable(kind), in.label.c_str(), qPrintable(outcome));
    }
    const StoreCounts c = await(w->counts()).value();
    QCOMPARE(c.oplogEntries, static_cast<qint64>(taken.size()));
    const std::vector<LogRecord> log = await(w->readOplog()).value();
    QCOMPARE(log.size(), taken.size());
    for (size_t i = 0; i < log.size(); ++i) {
        QCOMPARE(log[i].studentId, taken[i].studentId);
        QCOMPARE(log[i].courseId, taken[i].courseId);
        QCOMPARE(log[i].value, taken[i].value);
    }
}

// Range checksums (verify --checksums): what the backend computes, in the server
// where it can, equals models/rangechecksum.h's hash of the rows it holds (unicode and
// hostile grades, tombstones left out), and readRanges gives exactly the live rows of the
// ranges asked for. The same numbers on every engine are what make stores comparable.
void TestStoreContract::rangeChecksumsAgreeWithTheClientsHash() {
    current_ = {};
    auto w = openWorker();
    std::vector<LogRecord> batch;
    uint64_t seq = 0;
    for (int i = 0; i < 400; ++i)
        batch.push_back(setRecord("SID" + std::to_string(i), "CSE" + std::to_string(i % 7),
                                  i % 2 ? "A" : "B+", i + 1, "SQL", ++seq));
    for (const lab::HostileInput& in : lab::hostileInputs()) {
        if (!in.valid)
            continue;
        ++seq;
        batch.push_back(setRecord("H" + std::to_string(seq), "C", in.value,
                                  static_cast<int64_t>(seq), "SQL", seq));
    }
    for (int i = 0; i < 400; i += 9)
        batch.push_back(deleteRecord("SID" + std::to_string(i), "CSE" + std::to_string(i % 7), 1000,
                                     "SQL", ++seq));
    QVERIFY_OK(await(w->append(batch)));
    const std::vector<GradeRecord> rows = await(w->readGrades()).value();
    for (const uint32_t ranges : {1u, 7u, 64u}) {
        std::vector<RangeChecksum> expected(ranges);
        for (const GradeRecord& r : rows)
            addToChecksums(expected, r);
        const auto got = await(w->rangeChecksums(ranges));
        QVERIFY_OK(got);
        QCOMPARE(got.value().ranges.size(), size_t(ranges));
        for (uint32_t r = 0; r < ranges; ++r) {
            QCOMPARE(got.value().ranges[r].rows, expected[r].rows);
            QCOMPARE(got.value().ranges[r].digest, expected[r].digest);
        }
    }
    const auto picked = await(w->readRanges(7, {1, 4}));
    QVERIFY_OK(picked);
    std::set<std::tuple<std::string, std::string, std::string>> want, got;
    for (const GradeRecord& r : rows) {
        const uint32_t range = keyToken(r.studentId, r.courseId) % 7;
        if (!r.deleted && (range == 1 || range == 4))
            want.insert({r.studentId, r.courseId, r.value});
    }
    for (const GradeRecord& r : picked.value().rows)
        got.insert({r.studentId, r.courseId, r.value});
    QVERIFY(!want.empty());
    QCOMPARE(got, want);
    QCOMPARE(picked.value().rows.size(), want.size());
}

void TestStoreContract::failedTransactionLeavesNothing() {
    current_ = {};
    auto w = openWorker();
    if (!current_.poisonNextWrite)
        QSKIP("no way to inject a failure into this backend from the test");
    current_.poisonNextWrite();
    const Status s = await(w->append(
        {setRecord("GOOD", "C", "A", 1, "SQL", 1), setRecord("POISON", "C", "A", 2, "SQL", 2)}));
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.contains(QStringLiteral("poisoned")), qPrintable(s.error().message));
    const StoreCounts c = await(w->counts()).value();
    QCOMPARE(c.liveKeys, 0);
    QCOMPARE(c.oplogEntries, 0);
    QVERIFY_OK(await(w->append({setRecord("GOOD", "C", "A", 1, "SQL", 1)}))); // still usable
}

void TestStoreContract::otherStoresDatabaseIsRefused() {
    const QString uri = QStringLiteral("sqlite://") + dir_.filePath(QStringLiteral("owned.db"));
    {
        auto first = std::make_unique<StoreWorker>(
            std::move(StoreFactory::create(QStringLiteral("SQL"), uri).value()));
        QVERIFY_OK(await(first->open()));
    }
    auto second = std::make_unique<StoreWorker>(
        std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
    const Status s = await(second->open());
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.startsWith(QStringLiteral("wrong database: ")) &&
                 s.error().message.contains(QStringLiteral("holds store SQL, not HIVE")),
             qPrintable(s.error().message));
}

// A file written before oplog entries carried causal contexts opens, keeps its entries (with
// empty contexts) and takes new ones with theirs.
void TestStoreContract::databaseFromBeforeCausalContextsIsUpgraded() {
    const QString path = dir_.filePath(QStringLiteral("old.db"));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const char* sql :
             {"CREATE TABLE syncscope_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
              "INSERT INTO syncscope_meta VALUES ('store', 'SQL')",
              "CREATE TABLE grades (student_id TEXT NOT NULL, course_id TEXT NOT NULL, grade TEXT, "
              "ts INTEGER NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL, attributes TEXT, "
              "PRIMARY KEY (student_id, course_id)) WITHOUT ROWID",
              "CREATE TABLE oplog (id INTEGER PRIMARY KEY, op TEXT NOT NULL, student_id TEXT NOT "
              "NULL, course_id TEXT NOT NULL, grade TEXT, ts INTEGER NOT NULL, origin TEXT NOT "
              "NULL, seq INTEGER NOT NULL, wall_ms INTEGER NOT NULL)",
              "INSERT INTO oplog VALUES (1, 'SET', 'S', 'C', 'A', 1, 'SQL', 1, 5)",
              "INSERT INTO grades VALUES ('S', 'C', 'A', 1, 'SQL', 1, NULL)"})
            QVERIFY2(q.exec(QString::fromLatin1(sql)), sql);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("old"));
    auto w = std::make_unique<StoreWorker>(std::move(
        StoreFactory::create(QStringLiteral("SQL"), QStringLiteral("sqlite://") + path).value()));
    const Status opened = await(w->open());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    LogRecord next = setRecord("S", "C", "B", 2, "SQL", 2);
    next.context = "HIVE:4";
    QVERIFY_OK(await(w->append({next})));
    const auto log = await(w->readOplog()).value();
    QCOMPARE(log.size(), size_t(2));
    QCOMPARE(log[0].context, std::string());
    QCOMPARE(log[1].context, std::string("HIVE:4"));
}

QTEST_GUILESS_MAIN(TestStoreContract)
#include "tst_storecontract.moc"

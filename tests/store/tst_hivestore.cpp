// What is particular to the Hive store and its transport, on the HiveServer2 test peer: the
// literal escaping against Hive's own unescaping rules, the SASL bytes, authentication and
// transport failures, cancellation on the server, protocol negotiation, refusals a non-ACID
// Hive makes, ownership of a database, reconnecting after the server comes back, and the merge
// run inside Hive against the same merge made by the engine.
// (tst_storecontract runs the shared contract on the peer in both transports.)
#include "awaitfuture.h"
#include "engine.h"
#include "hivedialect.h"
#include "hivepeer.h"
#include "hiveql.h"
#include "hivesasl.h"
#include "logrecords.h"
#include "recordconversion.h"

#include "TCLIService.h"

#include "storefactory.h"
#include "storeworker.h"
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <random>

using namespace syncscope;

namespace {

// Strings that mean something to Hive's lexer or its unescaping.
std::vector<std::string> hostileStrings() {
    using namespace std::string_literals;
    return {"", "plain", "O'Brien", "\"double\"", "back\\slash", "trailing\\", "\\", "\\\\", "\\'",
            "\\u0041 stays six characters", "\\012 stays four", "\\% and \\_ keep the backslash",
            "\\n is not a newline", "line\nbreak\rreturn\ttab", "nul\0inside"s,
            "nul then digits \0"s + "12", "\0"s, "ctrl-Z \x1a and backspace \b",
            "'; DROP TABLE oplog; --", "` backtick", "\u00e9\u05e9\u05dc\u05d5\u05dd \U0001F600",
            "?1 ?2 look like parameters",
            // Hive substitutes variables in the statement's text, literals included.
            "${env:HOME}", "${system:user.name} ${hiveconf:hive.support.concurrency} ${x}",
            "$${env:PATH}}", "$", "trailing $", std::string(300, '\'')};
}

std::string bodyOf(const std::string& literal) {
    return literal.substr(1, literal.size() - 2);
}

// A TCLIService client of its own over NOSASL, for what HiveConnection never does (two
// operations of one session at once, CloseOperation on a running statement, the metadata).
struct RawHive {
    std::shared_ptr<apache::thrift::transport::TTransport> transport;
    std::unique_ptr<syncscope::hs2::TCLIServiceClient> client;
    syncscope::hs2::TSessionHandle session;

    explicit RawHive(int port) {
        using namespace apache::thrift;
        auto socket = std::make_shared<transport::TSocket>("127.0.0.1", port);
        socket->setRecvTimeout(20000);
        transport = std::make_shared<transport::TBufferedTransport>(socket);
        client = std::make_unique<syncscope::hs2::TCLIServiceClient>(
            std::make_shared<protocol::TBinaryProtocol>(transport));
        transport->open();
        syncscope::hs2::TOpenSessionReq open;
        open.client_protocol = syncscope::hs2::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V10;
        syncscope::hs2::TOpenSessionResp opened;
        client->OpenSession(opened, open);
        session = opened.sessionHandle;
    }

    syncscope::hs2::TOperationHandle run(const std::string& statement, bool async) {
        syncscope::hs2::TExecuteStatementReq req;
        req.sessionHandle = session;
        req.statement = statement;
        req.__set_runAsync(async);
        syncscope::hs2::TExecuteStatementResp resp;
        client->ExecuteStatement(resp, req);
        return resp.operationHandle;
    }

    syncscope::hs2::TGetOperationStatusResp status(const syncscope::hs2::TOperationHandle& op) {
        syncscope::hs2::TGetOperationStatusReq req;
        req.operationHandle = op;
        syncscope::hs2::TGetOperationStatusResp resp;
        client->GetOperationStatus(resp, req);
        return resp;
    }

    // Polls until the statement has left RUNNING; its last status.
    syncscope::hs2::TGetOperationStatusResp waitFor(const syncscope::hs2::TOperationHandle& op) {
        for (;;) {
            auto s = status(op);
            if (s.operationState != syncscope::hs2::TOperationState::RUNNING_STATE &&
                s.operationState != syncscope::hs2::TOperationState::INITIALIZED_STATE)
                return s;
        }
    }
};

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values)
        out += static_cast<char>(v);
    return out;
}

} // namespace

class TestHiveStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void literalsSurviveHivesUnescaping();
    void literalsRoundTripThroughTheServer();
    void identifiersAreCheckedNotEscaped();
    void saslFramesAreHives();
    void wrongPasswordIsRefusedWithTheStoresName();
    void transportMismatchFailsInsteadOfHanging();
    void cancelStopsTheStatementOnTheServer();
    void oldProtocolIsRefused();
    void whatANonAcidHiveRefusesIsRefused();
    void anotherStoresDatabaseIsRefused();
    void aSeqTakenByAnotherWriterIsRefused();
    void gradesViewShowsTheLatestWrites();
    void reconnectsWhenTheServerComesBack();
    void gradePagesComeFromOneStatementYetFollowWrites();
    void acidGradeTableFollowsTheLogAndHealsAtOpen();
    void cancelStopsWritesOnTheServer();
    void peerAnswersAsHiveServer2Does();
    void mergeInsideHiveIsTheEnginesMerge();
    void mergeInsideAppliesOnlyBetweenHiveDatabasesOfOneServer();
    void numberLikeStringsKeepTheirBytesAcrossOpens();
    void metadataSaysTheDeclaredTypes();
    void aLargeMergeIsRead();
    void aStalledSaslClientHoldsOnlyItsOwnConnection();
    void cancelingAFinishedOperationLeavesTheRunningOneAlone();
    void closingARunningOperationReturnsAtOnce();
    void peerRefusesWhatHiveRefuses();
    void storeWorksOnAStrictHive_data();
    void storeWorksOnAStrictHive();
    void resultsInBinaryColumnsAreRead();
    void anUnknownOperationStateFailsTheStatement();
    void pagesGoOnPastOneStatementsLimit();

private:
    std::unique_ptr<Store> openHive(const QString& name, QString& uri);
    lab::HivePeer peer_;
};

void TestHiveStore::initTestCase() {
    QString problem;
    QVERIFY2(peer_.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
}

// Our escaping and the peer's unescaping are written apart, each from Hive's rules
// (its string-literal grammar); every hostile string must come back byte for byte, and the
// statement's tokenizer must see exactly one literal.
void TestHiveStore::literalsSurviveHivesUnescaping() {
    for (const std::string& s : hostileStrings()) {
        const std::string literal = hiveStringLiteral(s);
        QCOMPARE(literal.front(), '\'');
        QCOMPARE(literal.back(), '\'');
        QCOMPARE(hs2peer::unescapeHiveString(bodyOf(literal)), s);
        // HiveServer2 substitutes ${…} in the text before it parses (literals included).
        const hs2peer::Translation t = hs2peer::translateHiveQl(
            hs2peer::substituteHiveVariables("SELECT " + literal + " AS v", {{"x", "X"}}));
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.params.size(), size_t(1));
        QCOMPARE(t.params.front(), s);
    }
    // What the substitution does to a literal written plainly: the reason '$' is escaped.
    QCOMPARE(hs2peer::substituteHiveVariables("SELECT '${env:HOME}|${x}|${y}'",
                                              {{"x", "${z}"}, {"z", "Z"}}),
             "SELECT '" + qEnvironmentVariable("HOME").toStdString() + "|Z|${y}'");
    // Hive's own escapes, read the way Hive reads them.
    QCOMPARE(hs2peer::unescapeHiveString("\\u0041\\101\\%\\_\\q\\Z"), std::string("AA\\%\\_q\x1a"));
}

void TestHiveStore::literalsRoundTripThroughTheServer() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(lab::hiveRun(uri, "CREATE TABLE t (i BIGINT, v STRING)").isEmpty());
    const std::vector<std::string> strings = hostileStrings();
    std::string insert = "INSERT INTO TABLE t VALUES ";
    for (size_t i = 0; i < strings.size(); ++i)
        insert += (i ? ",(" : "(") + std::to_string(i) + ',' + hiveStringLiteral(strings[i]) + ')';
    QCOMPARE(lab::hiveRun(uri, insert), QString());
    std::vector<std::string> back;
    QCOMPARE(lab::hiveRun(uri, "SELECT v FROM t ORDER BY i",
                          [&](HiveRows&& rows) {
                              for (size_t r = 0; r < rows.rows(); ++r)
                                  back.push_back(std::get<std::string>(rows.at(r, 0)));
                          }),
             QString());
    QCOMPARE(back.size(), strings.size());
    for (size_t i = 0; i < strings.size(); ++i)
        QCOMPARE(back[i], strings[i]);
}

void TestHiveStore::identifiersAreCheckedNotEscaped() {
    QCOMPARE(hiveIdentifier("grades_2026").value(), std::string("`grades_2026`"));
    for (const char* bad : {"", "9lives", "a-b", "a`b", "db; DROP", "caf\xc3\xa9"})
        QVERIFY2(!hiveIdentifier(bad), bad);
    const auto made = StoreFactory::create(QStringLiteral("HIVE"),
                                           QStringLiteral("hive2://127.0.0.1:1/bad-name"));
    QVERIFY(!made.ok());
    QVERIFY2(made.error().message.contains(QStringLiteral("not a Hive database name")),
             qPrintable(made.error().message));
}

// The SASL PLAIN example of the protocol: user "hive", password "x".
void TestHiveStore::saslFramesAreHives() {
    QCOMPARE(saslFrame(1, "PLAIN"), bytes({0x01, 0, 0, 0, 5, 'P', 'L', 'A', 'I', 'N'}));
    QCOMPARE(saslFrame(2, std::string("\0hive\0x", 7)),
             bytes({0x02, 0, 0, 0, 7, 0, 'h', 'i', 'v', 'e', 0, 'x'}));
}

void TestHiveStore::wrongPasswordIsRefusedWithTheStoresName() {
    lab::HivePeer guarded;
    QString problem;
    QVERIFY2(guarded.start(QStringLiteral("PLAIN"), problem, {}, QStringLiteral("hive"),
                           QStringLiteral("s3cret")),
             qPrintable(problem));
    auto wrong = StoreWorker(std::move(
        StoreFactory::create(QStringLiteral("HIVE"), guarded.uri(), QStringLiteral("Wr0ng-Pa55"))
            .value()));
    const Status refused = await(wrong.open());
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().store, QStringLiteral("HIVE"));
    QVERIFY2(refused.error().message.contains(QStringLiteral("authentication failed")) &&
                 refused.error().message.contains(QStringLiteral("Error validating the login")),
             qPrintable(refused.error().message));
    QVERIFY2(!refused.error().toString().contains(QStringLiteral("Wr0ng-Pa55")),
             "the password is never echoed");
    auto right = StoreWorker(std::move(
        StoreFactory::create(QStringLiteral("HIVE"), guarded.uri(), QStringLiteral("s3cret"))
            .value()));
    const Status opened = await(right.open());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
}

void TestHiveStore::transportMismatchFailsInsteadOfHanging() {
    QString uri = peer_.uri();
    uri.replace(QStringLiteral("auth=PLAIN"), QStringLiteral("auth=NOSASL"));
    uri += QStringLiteral("&read_timeout=3");
    auto w = StoreWorker(std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
    QElapsedTimer timer;
    timer.start();
    const Status s = await(w.open());
    QVERIFY(!s.ok());
    QVERIFY2(timer.elapsed() < 8000, "a NOSASL client on a SASL port must fail, not wait");
    QVERIFY2(s.error().toString().startsWith(QStringLiteral("HIVE: connecting to hive2://")),
             qPrintable(s.error().toString()));
}

void TestHiveStore::cancelStopsTheStatementOnTheServer() {
    lab::HivePeer slow;
    QString problem;
    QVERIFY2(slow.start(QStringLiteral("NOSASL"), problem,
                        {QStringLiteral("--delay-ms"), QStringLiteral("5000")}),
             qPrintable(problem));
    HiveConnection c;
    QElapsedTimer timer;
    timer.start();
    QVERIFY(c.connect(lab::hiveEndpoint(slow.uri())).ok()); // USE waits its 5 s too
    const qint64 connected = timer.elapsed();
    QVERIFY(connected >= 5000);
    timer.restart();
    const HiveOutcome out = c.execute(
        "SELECT 1", [&] { return timer.elapsed() > 200; }, [](HiveRows&&) {});
    QCOMPARE(int(out.kind), int(HiveOutcome::Kind::Canceled));
    QVERIFY2(timer.elapsed() < 2000, "canceling must not wait for the statement");
    // The session is still usable: the canceled operation was closed on the server.
    QVERIFY(c.connected());
}

void TestHiveStore::oldProtocolIsRefused() {
    lab::HivePeer old;
    QString problem;
    QVERIFY2(old.start(QStringLiteral("PLAIN"), problem,
                       {QStringLiteral("--protocol"), QStringLiteral("4")}),
             qPrintable(problem));
    HiveConnection c;
    const HiveOutcome out = c.connect(lab::hiveEndpoint(old.uri()));
    QVERIFY(!out.ok());
    QVERIFY2(out.message.find("V6") != std::string::npos, out.message.c_str());
    QVERIFY(!c.connected());

    lab::HivePeer v6;
    QVERIFY2(v6.start(QStringLiteral("PLAIN"), problem,
                      {QStringLiteral("--protocol"), QStringLiteral("5")}),
             qPrintable(problem));
    QVERIFY(c.connect(lab::hiveEndpoint(v6.uri())).ok());
    QCOMPARE(c.serverProtocol(), 5); // the older of the two versions, as Hive answers
}

void TestHiveStore::whatANonAcidHiveRefusesIsRefused() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    QVERIFY(lab::hiveRun(uri, "CREATE TABLE t (v STRING) STORED AS ORC").isEmpty());
    QVERIFY(lab::hiveRun(uri, "UPDATE t SET v = 'x'").contains(QStringLiteral("10294")));
    QVERIFY(lab::hiveRun(uri, "DELETE FROM t").contains(QStringLiteral("10294")));
    QVERIFY(lab::hiveRun(uri, "SELECT 1; DROP TABLE t").contains(QStringLiteral("ParseException")));
    QVERIFY(lab::hiveRun(uri, "SELECT 1;").contains(QStringLiteral("ParseException")));
    QVERIFY(lab::hiveRun(uri, "SELECT COUNT(*) FROM t").isEmpty()); // t is still there
    QVERIFY(lab::hiveRun(peer_.uri(QStringLiteral("nowhere")), "SELECT 1")
                .contains(QStringLiteral("Database does not exist: nowhere")));
}

void TestHiveStore::anotherStoresDatabaseIsRefused() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    {
        auto first =
            StoreWorker(std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
        QVERIFY(await(first.open()).ok());
    }
    auto second = StoreWorker(std::move(StoreFactory::create(QStringLiteral("SQL"), uri).value()));
    const Status s = await(second.open());
    QVERIFY(!s.ok());
    // Worded as every backend words it (heldByAnotherStore).
    QVERIFY2(s.error().message.startsWith(QStringLiteral("wrong database: database ")) &&
                 s.error().message.contains(QStringLiteral("holds store HIVE, not SQL")),
             qPrintable(s.error().message));
}

// docs/crash-safety.md's seq claims, as far as Hive allows (no transaction): a second writer of the
// same store (another process, its own worker) whose batch gives one of the store's seqs to another
// write is refused whole, as a conflict; the same write again is not refused, nor a fresh seq.
void TestHiveStore::aSeqTakenByAnotherWriterIsRefused() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    auto first = StoreWorker(std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
    auto second = StoreWorker(std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
    QVERIFY(await(first.open()).ok());
    QVERIFY(await(second.open()).ok());
    QVERIFY(await(first.append({setRecord("S1", "C1", "A", 1, "HIVE", 1),
                                setRecord("S2", "C1", "B", 2, "HIVE", 2)}))
                .ok());
    const Status taken = await(second.append(
        {setRecord("S3", "C1", "C", 3, "MONGO", 9), setRecord("S4", "C1", "D", 3, "HIVE", 2)}));
    QVERIFY(!taken.ok());
    QVERIFY(taken.error().conflict);
    QVERIFY2(taken.error().message.contains(QStringLiteral("seq 2 of HIVE is already taken")),
             qPrintable(taken.error().message));
    const Status twice = await(second.append(
        {setRecord("S5", "C1", "C", 4, "HIVE", 3), setRecord("S6", "C1", "D", 5, "HIVE", 3)}));
    QVERIFY(!twice.ok());
    QVERIFY2(twice.error().message.contains(QStringLiteral("given to two writes in one batch")),
             qPrintable(twice.error().message));
    // Nothing of the refused batches was written.
    Result<std::vector<LogRecord>> log = await(first.readOplog());
    QVERIFY(log.ok());
    QCOMPARE(log.value().size(), size_t{2});
    // The same write again (a replay), and a fresh seq, are written.
    QVERIFY(await(second.append({setRecord("S2", "C1", "B", 2, "HIVE", 2),
                                 setRecord("S7", "C1", "E", 6, "HIVE", 3)}))
                .ok());
    log = await(first.readOplog());
    QVERIFY(log.ok());
    QCOMPARE(log.value().size(), size_t{4});
}

// The view is there for people who look at the store with beeline.
void TestHiveStore::gradesViewShowsTheLatestWrites() {
    QString problem;
    const QString uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    auto w = StoreWorker(std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
    QVERIFY(await(w.open()).ok());
    QVERIFY(await(w.append({setRecord("S1", "C1", "B", 5, "HIVE", 1),
                            setRecord("S1", "C1", "A", 3, "SQL", 1),
                            deleteRecord("S2", "C1", 4, "HIVE", 2)}))
                .ok());
    std::vector<std::pair<std::string, std::string>> rows;
    QCOMPARE(lab::hiveRun(uri, "SELECT student_id, grade FROM grades ORDER BY student_id",
                          [&](HiveRows&& r) {
                              for (size_t i = 0; i < r.rows(); ++i)
                                  rows.emplace_back(std::get<std::string>(r.at(i, 0)),
                                                    std::holds_alternative<std::string>(r.at(i, 1))
                                                        ? std::get<std::string>(r.at(i, 1))
                                                        : std::string("NULL"));
                          }),
             QString());
    QCOMPARE(rows.size(), size_t(2));
    QCOMPARE(rows[0].second, std::string("B"));
    QCOMPARE(rows[1].second, std::string("NULL")); // the tombstone
}

void TestHiveStore::reconnectsWhenTheServerComesBack() {
    lab::HivePeer server;
    QString problem;
    QVERIFY2(server.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    const int port = server.port();
    const QString uri = lab::hiveFreshDatabase(server.uri(), problem);
    auto w = StoreWorker(std::move(StoreFactory::create(QStringLiteral("HIVE"), uri).value()));
    QVERIFY(await(w.open()).ok());
    QVERIFY(await(w.append({setRecord("S", "C", "A", 1, "HIVE", 1)})).ok());

    server.stop();
    QVERIFY2(server.start(QStringLiteral("PLAIN"), problem,
                          {QStringLiteral("--port"), QString::number(port)}),
             qPrintable(problem));
    const auto row = await(w.readKey("S", "C"));
    QVERIFY2(row.ok(), qPrintable(row.ok() ? QString() : row.error().toString()));
    QCOMPARE(row.value()->value, std::string("A"));
    QVERIFY(await(w.append({setRecord("S", "C", "B", 2, "HIVE", 2)})).ok());
    QCOMPARE(await(w.readKey("S", "C")).value()->value, std::string("B"));

    server.stop();
    const Status down = await(w.append({setRecord("S", "C", "C", 3, "HIVE", 3)}));
    QVERIFY(!down.ok());
    QVERIFY2(down.error().message.contains(QStringLiteral("did not answer again")) ||
                 down.error().message.contains(QStringLiteral("connection")),
             qPrintable(down.error().message));
}

std::unique_ptr<Store> TestHiveStore::openHive(const QString& name, QString& uri) {
    QString problem;
    uri = lab::hiveFreshDatabase(peer_.uri(), problem);
    if (!problem.isEmpty())
        qFatal("%s", qPrintable(problem));
    auto made = StoreFactory::create(name, uri);
    std::unique_ptr<Store> store = std::move(made.value());
    if (Status opened = store->open(); !opened)
        qFatal("%s", qPrintable(opened.error().toString()));
    return store;
}

// Consecutive pages are fetched from the first page's statement; a write in between, or a
// cursor that is not where the last page ended, starts a new one, so no page is stale.
void TestHiveStore::gradePagesComeFromOneStatementYetFollowWrites() {
    QString uri;
    std::unique_ptr<Store> store = openHive(QStringLiteral("HIVE"), uri);
    std::vector<LogRecord> rows;
    for (int i = 0; i < 30; ++i)
        rows.push_back(setRecord("S" + std::to_string(10 + i), "C", "A", i + 1, "HIVE",
                                 static_cast<uint64_t>(i + 1)));
    QVERIFY(store->append(rows, {}).ok());
    const auto page = [&](const GradeCursor& after) {
        return store->readGrades(after, 10, {}).value();
    };
    const auto first = page({});
    QCOMPARE(first.size(), size_t(10));
    QCOMPARE(first.back().studentId, std::string("S19"));
    // A write lands after the first page, before the second: the second page sees it.
    const std::vector<LogRecord> late{setRecord("S195", "C", "new", 99, "HIVE", 31)};
    QVERIFY(store->append(late, {}).ok());
    const auto second = page({"S19", "C"});
    QCOMPARE(second.front().studentId, std::string("S195"));
    QCOMPARE(second.back().studentId, std::string("S28"));
    // Jumping back re-reads from there; then the pages go on from the new statement.
    QCOMPARE(page({"S11", "C"}).front().studentId, std::string("S12"));
    const auto third = page({"S28", "C"});
    QCOMPARE(third.front().studentId, std::string("S29"));
    QCOMPARE(third.size(), size_t(10)); // S29 … S38
    const auto last = page({"S38", "C"});
    QCOMPARE(last.size(), size_t(1));
    QCOMPARE(last.front().studentId, std::string("S39"));
    QVERIFY(page({"S39", "C"}).empty());
}

// On a Hive with ACID tables the store keeps grades_acid beside the log and reads it; what the
// view computes from the log and what the table holds agree, a merge inside folds into it, and
// a batch logged but never folded (a crash between the two statements) is folded at the next
// open.
void TestHiveStore::acidGradeTableFollowsTheLogAndHealsAtOpen() {
    lab::HivePeer acid;
    QString problem;
    QVERIFY2(acid.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}),
             qPrintable(problem));
    const QString uri = lab::hiveFreshDatabase(acid.uri(), problem);
    const auto table = [&](const char* sql) {
        std::vector<std::string> rows;
        const QString failed = lab::hiveRun(uri, sql, [&](HiveRows&& r) {
            for (size_t i = 0; i < r.rows(); ++i) {
                std::string row;
                for (size_t c = 0; c < r.columns; ++c)
                    row += (c ? "|" : "") + (std::holds_alternative<std::string>(r.at(i, c))
                                                 ? std::get<std::string>(r.at(i, c))
                                             : std::holds_alternative<int64_t>(r.at(i, c))
                                                 ? std::to_string(std::get<int64_t>(r.at(i, c)))
                                                 : std::string("NULL"));
                rows.push_back(row);
            }
        });
        if (!failed.isEmpty())
            qWarning("%s", qPrintable(failed));
        return rows;
    };
    {
        auto made = StoreFactory::create(QStringLiteral("HIVE"), uri);
        std::unique_ptr<Store> store = std::move(made.value());
        QVERIFY(store->open().ok());
        QVERIFY(store
                    ->append(std::vector<LogRecord>{seedRecord("S1", "C", "A", 1, "{\"roll\":1}"),
                                                    setRecord("S1", "C", "B", 5, "HIVE", 1),
                                                    setRecord("S1", "C", "old", 2, "SQL", 9),
                                                    deleteRecord("S2", "C", 4, "HIVE", 2)},
                             {})
                    .ok());
        QCOMPARE(store->readKey("S1", "C").value()->value, std::string("B"));
        QCOMPARE(store->readKey("S1", "C").value()->attributes, std::string("{\"roll\":1}"));
    }
    const char* view = "SELECT student_id, grade, op, ts FROM grades ORDER BY student_id";
    const char* acidTable = "SELECT student_id, grade, op, ts FROM grades_acid ORDER BY student_id";
    QCOMPARE(table(acidTable), table(view));
    QCOMPARE(table(acidTable).size(), size_t(2));

    // A crash after a batch's INSERT, before its MERGE: the entry is only in the log.
    QCOMPARE(lab::hiveRun(uri, "INSERT INTO oplog VALUES (5, 'SET', 'S3', 'C', 'Z', 9, 'HIVE', 3, "
                               "0, NULL, '')"),
             QString());
    QCOMPARE(table(acidTable).size(), size_t(2));
    auto made = StoreFactory::create(QStringLiteral("HIVE"), uri);
    std::unique_ptr<Store> store = std::move(made.value());
    QVERIFY(store->open().ok());
    QCOMPARE(table(acidTable), table(view));
    QCOMPARE(store->readKey("S3", "C").value()->value, std::string("Z"));
    QCOMPARE(store->counts().value().liveKeys, 2);

    // Without ACID tables the same MERGE is refused, as Hive refuses it.
    QVERIFY(lab::hiveRun(lab::hiveFreshDatabase(peer_.uri(), problem),
                         "MERGE INTO t AS g USING (SELECT 1 AS a) AS s ON g.a = s.a WHEN MATCHED "
                         "AND 1 = 1 THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT VALUES "
                         "(s.a)")
                .contains(QStringLiteral("10294")));
}

// Cancel during a batch's INSERT, or during a merge inside Hive, cancels the statement on the
// server: the call ends at once, says it was canceled, and nothing of it is in the log.
void TestHiveStore::cancelStopsWritesOnTheServer() {
    lab::HivePeer slow;
    QString problem;
    QVERIFY2(slow.start(QStringLiteral("PLAIN"), problem,
                        {QStringLiteral("--delay-ms"), QStringLiteral("3000"),
                         QStringLiteral("--delay-only"), QStringLiteral("INSERT INTO oplog")}),
             qPrintable(problem));
    const auto openOn = [&](const char* name) {
        auto made = StoreFactory::create(QString::fromLatin1(name),
                                         lab::hiveFreshDatabase(slow.uri(), problem));
        std::unique_ptr<Store> store = std::move(made.value());
        if (!store->open().ok())
            qFatal("cannot open %s", name);
        return store;
    };
    std::unique_ptr<Store> target = openOn("T");
    std::unique_ptr<Store> source = openOn("S");
    QVERIFY(source->append(std::vector<LogRecord>{setRecord("S1", "C", "A", 1, "S", 1)}, {}).ok());

    QElapsedTimer timer;
    BatchControl soon;
    soon.isCanceled = [&timer] { return timer.elapsed() > 200; };
    timer.start();
    const Status appended =
        target->append(std::vector<LogRecord>{setRecord("S2", "C", "B", 2, "T", 1)}, soon);
    QVERIFY(!appended.ok());
    QVERIFY(appended.error().canceled);
    QVERIFY2(timer.elapsed() < 2000, "the INSERT is canceled, not waited for");
    timer.restart();
    const auto merged = target->mergeInside(source->description(), soon);
    QVERIFY(!merged.ok());
    QVERIFY(merged.error().canceled);
    QVERIFY2(timer.elapsed() < 2000, "the merge is canceled, not waited for");
    QCOMPARE(target->counts().value().oplogEntries, 0);
}

// What the store's client does not ask for but a HiveServer2 client may: the peer, reached with
// raw Thrift calls, answers a blocking ExecuteStatement, GetResultSetMetadata (1-based
// positions, BIGINT for integers, STRING otherwise), columnar batches whose null map marks the
// null rows (least significant bit first) with placeholders in the values, hasMoreRows false
// and an empty batch at the end, and refuses a closed handle as invalid.
void TestHiveStore::peerAnswersAsHiveServer2Does() {
    namespace hs2 = syncscope::hs2;
    using namespace apache::thrift;
    lab::HivePeer raw;
    QString problem;
    QVERIFY2(raw.start(QStringLiteral("NOSASL"), problem), qPrintable(problem));
    auto socket = std::make_shared<transport::TSocket>("127.0.0.1", raw.port());
    auto buffered = std::make_shared<transport::TBufferedTransport>(socket);
    hs2::TCLIServiceClient client(std::make_shared<protocol::TBinaryProtocol>(buffered));
    buffered->open();
    hs2::TOpenSessionReq open;
    open.client_protocol = hs2::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V6;
    hs2::TOpenSessionResp session;
    client.OpenSession(session, open);
    QCOMPARE(int(session.serverProtocolVersion),
             int(hs2::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V6));

    hs2::TExecuteStatementReq exec;
    exec.sessionHandle = session.sessionHandle;
    exec.statement = "SELECT n, s FROM (SELECT 1 AS n, 'a' AS s UNION ALL SELECT NULL, 'b' UNION "
                     "ALL SELECT 3, NULL) ORDER BY s IS NULL, s";
    hs2::TExecuteStatementResp executed; // runAsync false: the call returns when it is done
    client.ExecuteStatement(executed, exec);
    QCOMPARE(int(executed.status.statusCode), int(hs2::TStatusCode::SUCCESS_STATUS));
    QVERIFY(executed.operationHandle.hasResultSet);

    hs2::TGetResultSetMetadataReq metaReq;
    metaReq.operationHandle = executed.operationHandle;
    hs2::TGetResultSetMetadataResp meta;
    client.GetResultSetMetadata(meta, metaReq);
    QCOMPARE(meta.schema.columns.size(), size_t(2));
    QCOMPARE(meta.schema.columns[0].columnName, std::string("n"));
    QCOMPARE(meta.schema.columns[0].position, 1);
    QCOMPARE(int(meta.schema.columns[0].typeDesc.types[0].primitiveEntry.type),
             int(hs2::TTypeId::BIGINT_TYPE));
    QCOMPARE(int(meta.schema.columns[1].typeDesc.types[0].primitiveEntry.type),
             int(hs2::TTypeId::STRING_TYPE));

    hs2::TFetchResultsReq fetch;
    fetch.operationHandle = executed.operationHandle;
    fetch.maxRows = 100;
    hs2::TFetchResultsResp batch;
    client.FetchResults(batch, fetch);
    QVERIFY(!batch.hasMoreRows);
    QVERIFY(batch.results.rows.empty()); // columnar only
    const hs2::TI64Column& n = batch.results.columns[0].i64Val;
    const hs2::TStringColumn& s = batch.results.columns[1].stringVal;
    QCOMPARE(n.values, (std::vector<int64_t>{1, 0, 3}));          // 0: the null's placeholder
    QCOMPARE(n.nulls, std::string(1, '\x02'));                    // row 1 is null
    QCOMPARE(s.values, (std::vector<std::string>{"a", "b", ""})); // "": the null's placeholder
    QCOMPARE(s.nulls, std::string(1, '\x04'));                    // row 2 is null
    hs2::TFetchResultsResp end;
    client.FetchResults(end, fetch);
    QVERIFY(end.results.columns[0].i64Val.values.empty());

    hs2::TCloseOperationReq close;
    close.operationHandle = executed.operationHandle;
    hs2::TCloseOperationResp closed;
    client.CloseOperation(closed, close);
    QCOMPARE(int(closed.status.statusCode), int(hs2::TStatusCode::SUCCESS_STATUS));
    client.FetchResults(end, fetch);
    QCOMPARE(int(end.status.statusCode), int(hs2::TStatusCode::INVALID_HANDLE_STATUS));

    // A blocking statement that fails says why, with its SQLSTATE.
    exec.statement = "SELECT * FROM nowhere";
    client.ExecuteStatement(executed, exec);
    QCOMPARE(int(executed.status.statusCode), int(hs2::TStatusCode::ERROR_STATUS));
    QVERIFY(executed.status.errorMessage.find("nowhere") != std::string::npos);
    QCOMPARE(executed.status.sqlState, std::string("42000"));
    hs2::TCloseSessionReq bye;
    bye.sessionHandle = session.sessionHandle;
    hs2::TCloseSessionResp done;
    client.CloseSession(done, bye);
    QCOMPARE(int(done.status.statusCode), int(hs2::TStatusCode::SUCCESS_STATUS));
}

// docs/cli.md's T.MERGE(S) as one statement inside Hive must append exactly the entries the
// engine's merge appends, in the same order, on random histories (merges, deletes, ties on ts
// broken by origin, seeds and reads included).
void TestHiveStore::mergeInsideHiveIsTheEnginesMerge() {
    std::mt19937 rng(11);
    auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    for (int history = 0; history < 12; ++history) {
        Catalog catalog;
        Engine engine(catalog);
        const size_t a = engine.addReplica("A"), b = engine.addReplica("B");
        for (int i = 0; i < 150; ++i) {
            const size_t r = pick(2) ? a : b;
            const KeyId k =
                catalog.internKey("S" + std::to_string(pick(12)), "C" + std::to_string(pick(2)));
            // Few timestamps, so equal ones (decided by origin, then seq) are common.
            switch (pick(8)) {
            case 0:
                engine.remove(r, k, pick(10));
                break;
            case 1:
                engine.get(r, k, pick(10));
                break;
            case 2:
                engine.merge(r == a ? b : a, r);
                break;
            default:
                engine.set(r, k, catalog.internValue(std::string(1, char('A' + pick(6)))),
                           pick(10));
            }
        }
        QString uriA, uriB;
        std::unique_ptr<Store> storeA = openHive(QStringLiteral("A"), uriA);
        std::unique_ptr<Store> storeB = openHive(QStringLiteral("B"), uriB);
        const auto recordsOf = [&](size_t r, size_t from) {
            std::vector<LogRecord> out;
            const auto& log = engine.replica(r).log;
            for (size_t i = from; i < log.size(); ++i)
                out.push_back(toRecord(log[i], catalog));
            return out;
        };
        QVERIFY(storeA->append(recordsOf(a, 0), {}).ok());
        QVERIFY(storeB->append(recordsOf(b, 0), {}).ok());
        const size_t before = engine.replica(a).log.size();
        const int64_t lastPosition = storeA->counts().value().lastPosition;

        engine.merge(a, b);
        const std::vector<LogRecord> expected = recordsOf(a, before);
        const auto merged = storeA->mergeInside(storeB->description(), {});
        QVERIFY2(merged.ok(), qPrintable(merged.ok() ? QString() : merged.error().toString()));
        QVERIFY(merged.value().has_value());
        QCOMPARE(*merged.value(), static_cast<int64_t>(expected.size()));
        const std::vector<LogRecord> appended = storeA->readOplog(lastPosition, 0, {}).value();
        QCOMPARE(appended.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(appended[i].kind, expected[i].kind);
            QCOMPARE(appended[i].studentId, expected[i].studentId);
            QCOMPARE(appended[i].courseId, expected[i].courseId);
            QCOMPARE(appended[i].value, expected[i].value);
            QCOMPARE(appended[i].ts, expected[i].ts);
            QCOMPARE(appended[i].origin, expected[i].origin);
            QCOMPARE(appended[i].seq, expected[i].seq);
            QCOMPARE(appended[i].context, expected[i].context);
        }
        // Idempotent: a second merge appends nothing.
        QCOMPARE(*storeA->mergeInside(storeB->description(), {}).value(), int64_t(0));
    }
}

void TestHiveStore::mergeInsideAppliesOnlyBetweenHiveDatabasesOfOneServer() {
    QString uri;
    std::unique_ptr<Store> hive = openHive(QStringLiteral("A"), uri);
    const StoreDescription sqlite{QStringLiteral("B"), QStringLiteral("SQLite"),
                                  QStringLiteral("/tmp/b.db"), true};
    QVERIFY(!hive->mergeInside(sqlite, {}).value().has_value());
    StoreDescription elsewhere = hive->description();
    elsewhere.location.replace(QStringLiteral("127.0.0.1"), QStringLiteral("10.1.2.3"));
    QVERIFY(!hive->mergeInside(elsewhere, {}).value().has_value());
    QVERIFY(!hive->mergeInside(hive->description(), {}).value().has_value()); // T.MERGE(T)
}

// Keys and values that look like numbers are strings to Hive: a STRING column keeps their
// bytes and sorts them byte-wise. Written by one store object and read by another (two opens,
// as two runs), they come back exactly, in byte order.
void TestHiveStore::numberLikeStringsKeepTheirBytesAcrossOpens() {
    QString uri;
    const std::vector<std::pair<std::string, std::string>> keys{
        {"007", "1.50"}, {"1e3", "9223372036854775808"},
        {"010", "007"},  {"9", "0x10"},
        {"10", "-0"},    {"1.50", "1E3"},
        {"9", "09"}};
    const std::vector<std::string> values{" 12 ", "1.50", "007", "1e3", "9223372036854775808",
                                          "-0.0", "+1"};
    {
        std::unique_ptr<Store> store = openHive(QStringLiteral("HIVE"), uri);
        std::vector<LogRecord> rows;
        for (size_t i = 0; i < keys.size(); ++i)
            rows.push_back(setRecord(keys[i].first, keys[i].second, values[i],
                                     static_cast<int64_t>(i + 1), "HIVE", i + 1));
        QVERIFY(store->append(rows, {}).ok());
    }
    auto made = StoreFactory::create(QStringLiteral("HIVE"), uri);
    std::unique_ptr<Store> again = std::move(made.value());
    QVERIFY(again->open().ok());
    for (size_t i = 0; i < keys.size(); ++i) {
        const auto row = again->readKey(keys[i].first, keys[i].second);
        QVERIFY2(row.ok() && row.value().has_value(), keys[i].first.c_str());
        QCOMPARE(row.value()->value, values[i]);
    }
    const std::vector<LogRecord> log = again->readOplog(0, 0, {}).value();
    QCOMPARE(log.size(), keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
        QCOMPARE(log[i].studentId, keys[i].first);
        QCOMPARE(log[i].courseId, keys[i].second);
        QCOMPARE(log[i].value, values[i]);
    }
    // Byte order, the way Hive orders strings, both in one statement and page by page.
    std::vector<std::pair<std::string, std::string>> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    for (const size_t pageSize : {size_t(0), size_t(2)}) {
        std::vector<std::pair<std::string, std::string>> read;
        GradeCursor after;
        for (;;) {
            const auto page = again->readGrades(after, pageSize, {}).value();
            for (const GradeRecord& g : page)
                read.emplace_back(g.studentId, g.courseId);
            if (pageSize == 0 || page.size() < pageSize)
                break;
            after = GradeCursor{page.back().studentId, page.back().courseId};
        }
        QCOMPARE(read, sorted);
    }
}

// GetResultSetMetadata names the types the table declares, whatever the values look like: a
// STRING column of digits is STRING, a BIGINT column of NULLs is BIGINT; the values of a STRING
// column come as strings.
void TestHiveStore::metadataSaysTheDeclaredTypes() {
    namespace hs2 = syncscope::hs2;
    lab::HivePeer raw;
    QString problem;
    QVERIFY2(raw.start(QStringLiteral("NOSASL"), problem), qPrintable(problem));
    RawHive hive(raw.port());
    hive.run("CREATE TABLE n (s STRING, b BIGINT, i INT, d DOUBLE)", false);
    hive.run("INSERT INTO n VALUES ('007', NULL, 7, 1.5), ('1e3', NULL, NULL, NULL)", false);
    const hs2::TOperationHandle op = hive.run("SELECT s, b, i, d FROM n ORDER BY s", false);
    hs2::TGetResultSetMetadataReq metaReq;
    metaReq.operationHandle = op;
    hs2::TGetResultSetMetadataResp meta;
    hive.client->GetResultSetMetadata(meta, metaReq);
    QCOMPARE(meta.schema.columns.size(), size_t(4));
    const auto typeOf = [&](size_t c) {
        return int(meta.schema.columns[c].typeDesc.types[0].primitiveEntry.type);
    };
    QCOMPARE(typeOf(0), int(hs2::TTypeId::STRING_TYPE));
    QCOMPARE(typeOf(1), int(hs2::TTypeId::BIGINT_TYPE));
    QCOMPARE(typeOf(2), int(hs2::TTypeId::INT_TYPE));
    QCOMPARE(typeOf(3), int(hs2::TTypeId::DOUBLE_TYPE));
    hs2::TFetchResultsReq fetch;
    fetch.operationHandle = op;
    fetch.maxRows = 10;
    hs2::TFetchResultsResp batch;
    hive.client->FetchResults(batch, fetch);
    QCOMPARE(batch.results.columns[0].stringVal.values, (std::vector<std::string>{"007", "1e3"}));
    QCOMPARE(batch.results.columns[1].i64Val.nulls, std::string(1, '\x03'));
    QCOMPARE(batch.results.columns[2].i32Val.values, (std::vector<int32_t>{7, 0}));
    QCOMPARE(batch.results.columns[2].i32Val.nulls, std::string(1, '\x02'));
    QCOMPARE(batch.results.columns[3].doubleVal.values, (std::vector<double>{1.5, 0.0}));
}

// A MERGE of some 55 KB (what the store sends for a batch of that many keys' conditions) is
// read by a scan, not a backtracking regex that ran out of stack and took the peer down.
void TestHiveStore::aLargeMergeIsRead() {
    lab::HivePeer acid;
    QString problem;
    QVERIFY2(acid.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}),
             qPrintable(problem));
    const QString uri = lab::hiveFreshDatabase(acid.uri(), problem);
    QCOMPARE(lab::hiveRun(uri, "CREATE TABLE t (a STRING, b STRING) STORED AS ORC TBLPROPERTIES "
                               "('transactional'='true')"),
             QString());
    QCOMPARE(lab::hiveRun(uri, "INSERT INTO t VALUES ('k1', 'old')"), QString());
    std::string keys;
    for (int i = 0; i < 6000; ++i)
        keys += (i ? ", " : "") + hiveStringLiteral("key" + std::to_string(i));
    const std::string merge =
        "MERGE INTO t AS g USING (SELECT 'k1' AS a, 'new' AS b UNION ALL SELECT 'k2', 'two') AS "
        "s ON g.a = s.a WHEN MATCHED AND s.a NOT IN (" +
        keys + ") THEN UPDATE SET b = s.b WHEN NOT MATCHED THEN INSERT VALUES (s.a, s.b)";
    QVERIFY(merge.size() > 55000);
    QCOMPARE(lab::hiveRun(uri, merge), QString());
    std::vector<std::string> rows;
    QCOMPARE(lab::hiveRun(uri, "SELECT a, b FROM t ORDER BY a",
                          [&](HiveRows&& r) {
                              for (size_t i = 0; i < r.rows(); ++i)
                                  rows.push_back(std::get<std::string>(r.at(i, 0)) + '=' +
                                                 std::get<std::string>(r.at(i, 1)));
                          }),
             QString());
    QCOMPARE(rows, (std::vector<std::string>{"k1=new", "k2=two"}));
}

// A client that sends 3 or 7 bytes of a SASL frame and then waits holds its own connection
// only: others connect and run statements meanwhile.
void TestHiveStore::aStalledSaslClientHoldsOnlyItsOwnConnection() {
    lab::HivePeer plain;
    QString problem;
    QVERIFY2(plain.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    std::vector<std::unique_ptr<apache::thrift::transport::TSocket>> stalled;
    for (const std::string& part :
         {std::string("\x01\0\0", 3), std::string("\x01\0\0\0\x05PL", 7)}) {
        stalled.push_back(
            std::make_unique<apache::thrift::transport::TSocket>("127.0.0.1", plain.port()));
        stalled.back()->open();
        stalled.back()->write(reinterpret_cast<const uint8_t*>(part.data()),
                              static_cast<uint32_t>(part.size()));
        stalled.back()->flush();
    }
    QElapsedTimer timer;
    timer.start();
    HiveEndpoint endpoint = lab::hiveEndpoint(plain.uri());
    endpoint.readTimeoutMs = 5000;
    HiveConnection c;
    const HiveOutcome out = c.connect(endpoint);
    QVERIFY2(out.ok(), out.message.c_str());
    QVERIFY(c.execute("SELECT 1", [] { return false; }).ok());
    QVERIFY2(timer.elapsed() < 3000, "a stalled handshake must not hold the accept loop");
}

// Canceling an operation that has ended must not interrupt another operation of the session
// that is running on the same connection.
void TestHiveStore::cancelingAFinishedOperationLeavesTheRunningOneAlone() {
    namespace hs2 = syncscope::hs2;
    lab::HivePeer raw;
    QString problem;
    QVERIFY2(raw.start(QStringLiteral("NOSASL"), problem), qPrintable(problem));
    RawHive hive(raw.port());
    const hs2::TOperationHandle finished = hive.run("SELECT 1", false);
    // Some seconds of work for SQLite itself, so sqlite3_interrupt would stop it.
    const hs2::TOperationHandle running =
        hive.run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
                 "20000000) SELECT COUNT(*) FROM c",
                 true);
    QTest::qWait(300);
    QCOMPARE(int(hive.status(running).operationState), int(hs2::TOperationState::RUNNING_STATE));
    hs2::TCancelOperationReq cancel;
    cancel.operationHandle = finished;
    hs2::TCancelOperationResp canceled;
    hive.client->CancelOperation(canceled, cancel);
    const hs2::TGetOperationStatusResp end = hive.waitFor(running);
    QVERIFY2(end.operationState == hs2::TOperationState::FINISHED_STATE, end.errorMessage.c_str());
}

// CloseOperation on a running statement cancels it and returns, as Hive does, instead of
// waiting for the statement to end.
void TestHiveStore::closingARunningOperationReturnsAtOnce() {
    namespace hs2 = syncscope::hs2;
    lab::HivePeer slow;
    QString problem;
    QVERIFY2(slow.start(QStringLiteral("NOSASL"), problem,
                        {QStringLiteral("--delay-ms"), QStringLiteral("5000"),
                         QStringLiteral("--delay-only"), QStringLiteral("slow_one")}),
             qPrintable(problem));
    RawHive hive(slow.port());
    const hs2::TOperationHandle op = hive.run("SELECT 1 AS slow_one", true);
    QElapsedTimer timer;
    timer.start();
    hs2::TCloseOperationReq close;
    close.operationHandle = op;
    hs2::TCloseOperationResp closed;
    hive.client->CloseOperation(closed, close);
    QCOMPARE(int(closed.status.statusCode), int(hs2::TStatusCode::SUCCESS_STATUS));
    QVERIFY2(timer.elapsed() < 1000, "closing a running statement must not wait for it");
    QCOMPARE(int(hive.status(op).status.statusCode), int(hs2::TStatusCode::INVALID_HANDLE_STATUS));
    // The session goes on.
    const hs2::TOperationHandle next = hive.run("SELECT 2", false);
    QCOMPARE(int(hive.status(next).operationState), int(hs2::TOperationState::FINISHED_STATE));
}

// HiveQL that Hive refuses is refused: a reserved word as a column name (unless in backticks),
// MERGE into a table that is not transactional, and, where the strict checks are on, an ORDER
// BY without LIMIT (a window's does not count) and a CROSS JOIN. LIMIT … OFFSET is Hive's own
// (since Hive 2.0), so it passes.
void TestHiveStore::peerRefusesWhatHiveRefuses() {
    using hs2peer::translateHiveQl;
    const auto refused = [](const std::string& sql, bool strict = false) {
        return translateHiveQl(sql, true, strict).error;
    };
    QVERIFY(refused("CREATE TABLE t (id STRING, timestamp BIGINT)").find("ParseException") !=
            std::string::npos);
    QVERIFY(refused("CREATE TABLE t (date STRING)").find("'date'") != std::string::npos);
    QCOMPARE(refused("CREATE TABLE t (id STRING, `timestamp` BIGINT, ts DECIMAL(10,2))"),
             std::string());
    QCOMPARE(refused("SELECT a FROM t ORDER BY a LIMIT 5 OFFSET 10"), std::string());
    const std::string noLimit = "SELECT a FROM t WHERE a > 1 ORDER BY a";
    QCOMPARE(refused(noLimit), std::string()); // Hive 3's default: not checked
    QVERIFY(refused(noLimit, true).find("hive.strict.checks.orderby.no.limit") !=
            std::string::npos);
    QVERIFY(refused("SELECT * FROM (SELECT a FROM t ORDER BY a) s LIMIT 3", true)
                .find("Order by-s without limit") != std::string::npos);
    QCOMPARE(refused("SELECT a FROM t ORDER BY a LIMIT 10", true), std::string());
    QCOMPARE(refused("SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t", true),
             std::string());
    const std::string cross = "SELECT * FROM a CROSS JOIN (SELECT MAX(pos) AS m FROM b) c";
    QCOMPARE(refused(cross), std::string());
    QVERIFY(refused(cross, true).find("hive.strict.checks.cartesian.product") != std::string::npos);

    lab::HivePeer acid;
    QString problem;
    QVERIFY2(acid.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--acid")}),
             qPrintable(problem));
    const QString uri = lab::hiveFreshDatabase(acid.uri(), problem);
    QCOMPARE(lab::hiveRun(uri, "CREATE TABLE plain (a STRING) STORED AS ORC"), QString());
    const QString merged = lab::hiveRun(
        uri, "MERGE INTO plain AS g USING (SELECT 'x' AS a) AS s ON g.a = s.a WHEN MATCHED AND "
             "1 = 1 THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT VALUES (s.a)");
    QVERIFY2(merged.contains(QStringLiteral("10297")) &&
                 merged.contains(QStringLiteral("not transactional")),
             qPrintable(merged));
}

// Everything the store sends is taken by a Hive whose strict checks are on: whole reads and
// page cursors carry a LIMIT with their ORDER BY, the merge inside has no CROSS JOIN; with and
// without ACID tables.
void TestHiveStore::storeWorksOnAStrictHive_data() {
    QTest::addColumn<QStringList>("flags");
    QTest::newRow("strict") << QStringList{QStringLiteral("--strict-checks")};
    QTest::newRow("strict, ACID") << QStringList{QStringLiteral("--strict-checks"),
                                                 QStringLiteral("--acid")};
}

void TestHiveStore::storeWorksOnAStrictHive() {
    QFETCH(QStringList, flags);
    lab::HivePeer strict;
    QString problem;
    QVERIFY2(strict.start(QStringLiteral("PLAIN"), problem, flags), qPrintable(problem));
    const auto openOn = [&](const char* name) {
        auto made = StoreFactory::create(QString::fromLatin1(name),
                                         lab::hiveFreshDatabase(strict.uri(), problem));
        std::unique_ptr<Store> store = std::move(made.value());
        const Status opened = store->open();
        if (!opened)
            qFatal("%s", qPrintable(opened.error().toString()));
        return store;
    };
    std::unique_ptr<Store> target = openOn("T");
    std::unique_ptr<Store> source = openOn("S");
    std::vector<LogRecord> rows;
    for (int i = 0; i < 25; ++i)
        rows.push_back(setRecord("S" + std::to_string(10 + i), "C", "A", i + 1, "S",
                                 static_cast<uint64_t>(i + 1)));
    QVERIFY(source->append(rows, {}).ok());
    QVERIFY(
        target->append(std::vector<LogRecord>{setRecord("S10", "C", "T", 99, "T", 1)}, {}).ok());
    const auto log = source->readOplog(0, 0, {});
    QVERIFY2(log.ok(), qPrintable(log.ok() ? QString() : log.error().toString()));
    QCOMPARE(log.value().size(), size_t(25));
    const auto all = source->readGrades({}, 0, {});
    QVERIFY2(all.ok(), qPrintable(all.ok() ? QString() : all.error().toString()));
    QCOMPARE(all.value().size(), size_t(25));
    const auto page = source->readGrades({"S12", "C"}, 5, {});
    QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().toString()));
    QCOMPARE(page.value().front().studentId, std::string("S13"));
    const auto merged = target->mergeInside(source->description(), {});
    QVERIFY2(merged.ok(), qPrintable(merged.ok() ? QString() : merged.error().toString()));
    QCOMPARE(*merged.value(), int64_t(24)); // S10 is T's own, greater
    QCOMPARE(target->counts().value().liveKeys, 25);
    QCOMPARE(target->readKey("S10", "C").value()->value, std::string("T"));
    QVERIFY(target->rollbackTo(1).ok());
    QCOMPARE(target->counts().value().liveKeys, 1);
}

// A server that sends its results in TRowSet.binaryColumns (Thrift compact columns) is read:
// the log's end (SELECT MAX(pos)) is not taken for 0, so no position is used twice.
void TestHiveStore::resultsInBinaryColumnsAreRead() {
    lab::HivePeer binary;
    QString problem;
    QVERIFY2(binary.start(QStringLiteral("PLAIN"), problem, {QStringLiteral("--binary-columns")}),
             qPrintable(problem));
    auto made =
        StoreFactory::create(QStringLiteral("HIVE"), lab::hiveFreshDatabase(binary.uri(), problem));
    std::unique_ptr<Store> store = std::move(made.value());
    QVERIFY(store->open().ok());
    QVERIFY(
        store->append(std::vector<LogRecord>{setRecord("007", "1.50", " 12 ", 1, "HIVE", 1)}, {})
            .ok());
    QVERIFY(
        store->append(std::vector<LogRecord>{setRecord("S2", "C", "B", 2, "HIVE", 2)}, {}).ok());
    const std::vector<LogRecord> log = store->readOplog(0, 0, {}).value();
    QCOMPARE(log.size(), size_t(2));
    QCOMPARE(log[0].position, int64_t(1));
    QCOMPARE(log[1].position, int64_t(2));
    QCOMPARE(store->counts().value().lastPosition, int64_t(2));
    QCOMPARE(store->readKey("007", "1.50").value()->value, std::string(" 12 "));
}

// An operation reported in UKNOWN_STATE fails the call with words that say so, at once,
// instead of being polled for ever.
void TestHiveStore::anUnknownOperationStateFailsTheStatement() {
    lab::HivePeer unknown;
    QString problem;
    QVERIFY2(unknown.start(QStringLiteral("PLAIN"), problem,
                           {QStringLiteral("--unknown-state"), QStringLiteral("MAX(pos)")}),
             qPrintable(problem));
    auto made = StoreFactory::create(QStringLiteral("HIVE"),
                                     lab::hiveFreshDatabase(unknown.uri(), problem));
    std::unique_ptr<Store> store = std::move(made.value());
    QVERIFY(store->open().ok());
    QElapsedTimer timer;
    timer.start();
    const Status s =
        store->append(std::vector<LogRecord>{setRecord("S", "C", "A", 1, "HIVE", 1)}, {});
    QVERIFY(!s.ok());
    QVERIFY2(timer.elapsed() < 5000, "an unknown state must not be polled for ever");
    QCOMPARE(s.error().store, QStringLiteral("HIVE"));
    QVERIFY2(s.error().message.contains(QStringLiteral("unknown state")),
             qPrintable(s.error().message));
}

// A page cursor's statement carries a LIMIT of 1,000 pages (a strict Hive refuses ORDER BY
// without one); the page after them opens a statement of its own, so no key is lost or read
// twice at that boundary.
void TestHiveStore::pagesGoOnPastOneStatementsLimit() {
    QString uri;
    std::unique_ptr<Store> store = openHive(QStringLiteral("HIVE"), uri);
    std::vector<LogRecord> rows;
    for (int i = 0; i < 1003; ++i)
        rows.push_back(setRecord("S" + std::to_string(10000 + i), "C", "A", i + 1, "HIVE",
                                 static_cast<uint64_t>(i + 1)));
    QVERIFY(store->append(rows, {}).ok());
    std::vector<std::string> read;
    GradeCursor after;
    for (;;) {
        const auto page = store->readGrades(after, 1, {});
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().toString()));
        if (page.value().empty())
            break;
        read.push_back(page.value().front().studentId);
        after = GradeCursor{page.value().front().studentId, page.value().front().courseId};
    }
    QCOMPARE(read.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
        QCOMPARE(read[i], rows[i].studentId);
}

QTEST_GUILESS_MAIN(TestHiveStore)
#include "tst_hivestore.moc"

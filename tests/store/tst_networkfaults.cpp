// Network faults between a store and its server, injected by a proxy on the way
// (tests/support/faultproxy.h) for every backend that talks over the network: MariaDB,
// PostgreSQL and Redis from scripts/services, the HiveServer2 and MongoDB peers.
//  - The server's reply to a read is cut half way and the connection closed: the store either
//    reads again on a new connection by itself or fails naming itself and the cause; asked
//    again, it answers with every acknowledged write.
//  - The reply to an append is cut: the append completes (by itself or when asked again), and
//    the oplog then holds every write exactly once: nothing acknowledged lost, nothing twice.
//  - The server stops answering: the call fails within the store's read timeout (plus the
//    driver's own retries), naming the store and that it timed out; once the network is back,
//    the same call succeeds.
// Each outcome is printed as a "fault |" line: the note's faults × outcome table.
#include "awaitfuture.h"
#include "faultproxy.h"
#include "hivepeer.h"
#include "labservers.h"
#include "logrecords.h"
#include "mongopeer.h"
#include "storefactory.h"
#include "storeworker.h"
#include "verifystores.h"

#include <QElapsedTimer>
#include <QTest>
#include <QUrlQuery>

#include <set>

using namespace syncscope;

class TestNetworkFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void faultsAreNamedAndRetried_data();
    void faultsAreNamedAndRetried();

private:
    std::optional<lab::Servers> servers_;
    lab::HivePeer hive_;
    lab::MongoPeer mongo_;
};

void TestNetworkFaults::initTestCase() {
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    QVERIFY2(hive_.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    QVERIFY2(mongo_.start(problem), qPrintable(problem));
}

void TestNetworkFaults::faultsAreNamedAndRetried_data() {
    QTest::addColumn<QString>("kind");
    for (const char* kind : {"mariadb", "postgresql", "redis", "hive", "mongo"})
        QTest::newRow(kind) << QString::fromLatin1(kind);
}

namespace {
std::vector<LogRecord> writes(int from, int to) {
    std::vector<LogRecord> out;
    for (int i = from; i <= to; ++i)
        out.push_back(setRecord("S" + std::to_string(i), "C", i % 2 ? "A" : "B", i, "SQL",
                                static_cast<uint64_t>(i)));
    return out;
}

QString outcome(const Status& s) {
    return s.ok() ? QStringLiteral("recovered by itself") : s.error().toString().simplified();
}
} // namespace

void TestNetworkFaults::faultsAreNamedAndRetried() {
    QFETCH(QString, kind);
    QString problem, password;
    QString uri;
    if (kind == QLatin1String("hive")) {
        uri = lab::hiveFreshDatabase(hive_.uri(), problem);
    } else if (kind == QLatin1String("mongo")) {
        uri = lab::mongoFreshDatabase(mongo_.uri());
    } else {
        password = servers_->password;
        uri = lab::freshDatabase(kind == QLatin1String("mariadb")      ? servers_->mariadb
                                 : kind == QLatin1String("postgresql") ? servers_->postgres
                                                                       : servers_->redis,
                                 password, problem);
    }
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QUrl url(uri);
    lab::FaultProxy proxy;
    QVERIFY(proxy.start(url.port()));
    url.setPort(proxy.port());
    QUrlQuery query(url);
    if (kind == QLatin1String("mongo"))
        query.addQueryItem(QStringLiteral("socketTimeoutMS"), QStringLiteral("1000"));
    else
        query.addQueryItem(QStringLiteral("read_timeout"), QStringLiteral("1"));
    url.setQuery(query);
    auto made = StoreFactory::create(QStringLiteral("SQL"), url.toString(), password);
    QVERIFY2(made.ok(), made.ok() ? "" : qPrintable(made.error().toString()));
    StoreWorker w(std::move(made.value()));
    const Status opened = await(w.open());
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
    const std::vector<LogRecord> first = writes(1, 40), second = writes(41, 80);
    const Status acked = await(w.append(first));
    QVERIFY2(acked.ok(), acked.ok() ? "" : qPrintable(acked.error().toString()));

    // A read whose reply is cut.
    proxy.setMode(lab::FaultProxy::Mode::CutReply);
    auto read = await(w.readOplog());
    QCOMPARE(proxy.cuts(), 1);
    const QString cutRead =
        read.ok() ? QStringLiteral("recovered by itself") : read.error().toString().simplified();
    if (!read.ok()) {
        QCOMPARE(read.error().store, QStringLiteral("SQL"));
        read = await(w.readOplog()); // the user's retry
    }
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().toString()));
    QCOMPARE(read.value().size(), first.size());

    // An append whose reply is cut: asked again until it lands, it is there once.
    proxy.setMode(lab::FaultProxy::Mode::CutReply);
    Status appended = await(w.append(second));
    QCOMPARE(proxy.cuts(), 2);
    const QString cutAppend = outcome(appended);
    if (!appended.ok()) {
        QCOMPARE(appended.error().store, QStringLiteral("SQL"));
        appended = await(w.append(second));
    }
    QVERIFY2(appended.ok(), appended.ok() ? "" : qPrintable(appended.error().toString()));
    const auto log = await(w.readOplog());
    QVERIFY2(log.ok(), log.ok() ? "" : qPrintable(log.error().toString()));
    std::set<uint64_t> seqs;
    for (const LogRecord& r : log.value())
        QVERIFY2(seqs.insert(r.seq).second, "a write logged twice");
    QCOMPARE(seqs.size(), first.size() + second.size());

    // A server that stops answering.
    proxy.setMode(lab::FaultProxy::Mode::Silent);
    QElapsedTimer clock;
    clock.start();
    auto key = await(w.readKey("S41", "C"));
    const double waited = static_cast<double>(clock.elapsed()) / 1000.0;
    QVERIFY(proxy.dropped() > 0);
    QVERIFY2(!key.ok(), "a read answered while the server was silent");
    QCOMPARE(key.error().store, QStringLiteral("SQL"));
    QVERIFY2(waited < 30, qPrintable(QString::number(waited)));
    const QString silent = key.error().toString().simplified() +
                           QStringLiteral(" (after %1 s)").arg(waited, 0, 'f', 1);
    proxy.setMode(lab::FaultProxy::Mode::Pass);
    key = await(w.readKey("S41", "C"));
    QVERIFY2(key.ok(), key.ok() ? "" : qPrintable(key.error().toString()));
    QVERIFY(key.value().has_value());
    QCOMPARE(key.value()->value, std::string("A"));
    // The verify pass (syncscope-cli verify's): every row is its oplog's greatest write.
    const auto verified = verifyStores({&w}, {});
    QVERIFY2(verified.ok() && verified.value().clean(),
             verified.ok() ? verified.value().text().c_str()
                           : qPrintable(verified.error().toString()));
    qInfo("fault | %s | reply to a read cut | %s", qPrintable(kind), qPrintable(cutRead));
    qInfo("fault | %s | reply to an append cut | %s", qPrintable(kind), qPrintable(cutAppend));
    qInfo("fault | %s | server silent | %s", qPrintable(kind), qPrintable(silent));
}

QTEST_GUILESS_MAIN(TestNetworkFaults)
#include "tst_networkfaults.moc"

// The Hive store's Kerberos login (SASL GSSAPI through Cyrus SASL) on the HiveServer2 test peer,
// as the service hive/localhost of a throwaway MIT KDC: a user with a ticket opens the store and
// writes; one without, a principal the KDC does not know and a PLAIN client are refused with
// words that say why. Skipped where the KDC's packages are missing (scripts/setup installs
// them). (tst_storecontract and tst_cligolden run the whole contract with Kerberos too.)
#include "awaitfuture.h"
#include "hivepeer.h"
#include "logrecords.h"
#include "storefactory.h"
#include "storeworker.h"
#include "testkdc.h"

#include <QTest>

using namespace syncscope;

class TestHiveKerberos : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aUserWithATicketWrites();
    void refusals_data();
    void refusals();

private:
    QString uri(const QString& options) const {
        return QStringLiteral("hive2://localhost:%1/default?").arg(peer_.port()) + options;
    }

    lab::TestKdc kdc_;
    lab::HivePeer peer_;
};

void TestHiveKerberos::initTestCase() {
    if (const QString why = lab::TestKdc::missing(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QString problem;
    QVERIFY2(kdc_.start(problem), qPrintable(problem));
    QVERIFY2(peer_.start(QStringLiteral("KERBEROS"), problem), qPrintable(problem));
}

void TestHiveKerberos::aUserWithATicketWrites() {
    auto made = StoreFactory::create(QStringLiteral("HIVE"),
                                     uri(QStringLiteral("principal=hive/_HOST@SYNCSCOPE.TEST")));
    QVERIFY2(made, qPrintable(made ? QString() : made.error().toString()));
    StoreWorker worker(std::move(made.value()));
    const Status opened = await(worker.open());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
    std::vector<LogRecord> writes;
    for (uint64_t seq = 1; seq <= 3; ++seq)
        writes.push_back(setRecord("SID100" + std::to_string(seq), "CSE001", "A",
                                   static_cast<int64_t>(seq), "HIVE", seq));
    const Status wrote = await(worker.append(std::move(writes)));
    QVERIFY2(wrote.ok(), qPrintable(wrote.ok() ? QString() : wrote.error().toString()));
    const auto log = await(worker.readOplog());
    QVERIFY(log.ok());
    QCOMPARE(log.value().size(), size_t(3));
}

void TestHiveKerberos::refusals_data() {
    QTest::addColumn<QString>("options");
    QTest::addColumn<bool>("withTicket");
    QTest::addColumn<QString>("says");
    QTest::newRow("no ticket") << QStringLiteral("principal=hive/_HOST@SYNCSCOPE.TEST") << false
                               << QStringLiteral("No Kerberos credentials available");
    QTest::newRow("unknown service") << QStringLiteral("principal=impala/_HOST@SYNCSCOPE.TEST")
                                     << true << QStringLiteral("not found in Kerberos database");
    QTest::newRow("PLAIN on a Kerberos port") << QStringLiteral("auth=PLAIN") << true
                                              << QStringLiteral("Unsupported mechanism type PLAIN");
}

void TestHiveKerberos::refusals() {
    QFETCH(QString, options);
    QFETCH(bool, withTicket);
    QFETCH(QString, says);
    if (!withTicket)
        qputenv("KRB5CCNAME", kdc_.emptyCache().toUtf8());
    auto made = StoreFactory::create(QStringLiteral("HIVE"), uri(options));
    QVERIFY(made);
    StoreWorker worker(std::move(made.value()));
    const Status s = await(worker.open());
    qputenv("KRB5CCNAME", kdc_.cache().toUtf8());
    QVERIFY(!s.ok());
    const QString error = s.error().toString();
    QVERIFY2(error.startsWith(QStringLiteral("HIVE: connecting to hive2://")) &&
                 error.contains(QStringLiteral("authentication failed")) && error.contains(says),
             qPrintable(error));
}

QTEST_GUILESS_MAIN(TestHiveKerberos)
#include "tst_hivekerberos.moc"

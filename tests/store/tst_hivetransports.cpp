// The Hive store over TLS and HTTP, on the HiveServer2 test peer with a throwaway CA: what is
// refused and how it is said (an unknown CA, another host name, a port that speaks something
// else, a wrong password, a wrong HTTP path), quickly and without the password; the URI
// options; and the HTTP session cookie sent back. (tst_storecontract and tst_cligolden run the
// whole contract over TLS, HTTP and HTTPS.)
#include "awaitfuture.h"
#include "hivepeer.h"
#include "storefactory.h"
#include "storeworker.h"
#include "testcerts.h"

#include <QElapsedTimer>
#include <QTest>

using namespace syncscope;

namespace {
// How long a refusal may take: no retrying, no waiting for a read timeout.
constexpr qint64 kQuickMs = 3000;
} // namespace

class TestHiveTransports : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void uriOptionsReachTheEndpoint();
    void storeWorksOverTlsWithItsCa();
    void refusals_data();
    void refusals();
    void httpLoginsOnceThenSendsTheCookie();

private:
    // Opens a store on `uri` with `password`; the refusal's text, or empty when it opened.
    static QString openError(const QString& uri, const QString& password = {},
                             qint64* elapsedMs = nullptr);

    lab::TestCerts certs_;
    lab::HivePeer tls_, plain_, https_;
};

void TestHiveTransports::initTestCase() {
    QString problem;
    QVERIFY2(certs_.make(problem), qPrintable(problem));
    QVERIFY2(tls_.start(QStringLiteral("PLAIN"), problem, certs_.peerArgs()), qPrintable(problem));
    QVERIFY2(plain_.start(QStringLiteral("PLAIN"), problem), qPrintable(problem));
    QVERIFY2(https_.start(QStringLiteral("PLAIN"), problem,
                          certs_.peerArgs() + QStringList{QStringLiteral("--http"),
                                                          QStringLiteral("--http-cookie-required")},
                          QStringLiteral("hive"), QStringLiteral("s3cret")),
             qPrintable(problem));
}

QString TestHiveTransports::openError(const QString& uri, const QString& password,
                                      qint64* elapsedMs) {
    auto made = StoreFactory::create(QStringLiteral("HIVE"), uri, password);
    if (!made)
        return made.error().toString();
    StoreWorker worker(std::move(made.value()));
    QElapsedTimer timer;
    timer.start();
    const Status s = await(worker.open());
    if (elapsedMs)
        *elapsedMs = timer.elapsed();
    return s.ok() ? QString() : s.error().toString();
}

void TestHiveTransports::uriOptionsReachTheEndpoint() {
    const HiveEndpoint e = lab::hiveEndpoint(QStringLiteral(
        "hive2://h/db?ssl=TRUE&sslCaFile=/etc/ca.pem&transportMode=http&httpPath=gw/cli"));
    QVERIFY(e.tls);
    QCOMPARE(e.tlsCaFile, std::string("/etc/ca.pem"));
    QVERIFY(e.transport == HiveEndpoint::Transport::Http);
    QCOMPARE(e.httpPath, std::string("gw/cli"));
    QCOMPARE(e.port, 10001); // HiveServer2's HTTP port when none is given
    const HiveEndpoint binary = lab::hiveEndpoint(QStringLiteral("hive2://h/db"));
    QVERIFY(!binary.tls);
    QVERIFY(binary.transport == HiveEndpoint::Transport::Binary);
    QCOMPARE(binary.port, 10000);
    QCOMPARE(binary.httpPath, std::string("cliservice"));
    QCOMPARE(lab::hiveEndpoint(QStringLiteral("hive2://h:8443/db?transportMode=http")).port, 8443);
}

void TestHiveTransports::storeWorksOverTlsWithItsCa() {
    tls_.setUriOptions(QStringLiteral("ssl=true&sslCaFile=") + certs_.caFile(),
                       QStringLiteral("localhost"));
    QVERIFY2(openError(tls_.uri()).isEmpty(), qPrintable(openError(tls_.uri())));
}

void TestHiveTransports::refusals_data() {
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("says");
    const QString tls = QStringLiteral("hive2://localhost:%1/default?").arg(tls_.port());
    const QString ca = QStringLiteral("&sslCaFile=") + certs_.caFile();
    QTest::newRow("unknown CA") << tls + QStringLiteral("ssl=true&sslCaFile=") +
                                       certs_.otherCaFile()
                                << QString() << QStringLiteral("certificate is not trusted");
    QTest::newRow("system CAs") << tls + QStringLiteral("ssl=true") << QString()
                                << QStringLiteral("certificate is not trusted");
    QTest::newRow("another host name")
        << QStringLiteral("hive2://127.0.0.1:%1/default?ssl=true").arg(tls_.port()) + ca
        << QString() << QStringLiteral("certificate is not for 127.0.0.1");
    QTest::newRow("CA file missing")
        << tls + QStringLiteral("ssl=true&sslCaFile=/nonexistent/ca.pem") << QString()
        << QStringLiteral("cannot read the CA file /nonexistent/ca.pem");
    // A client without TLS on a TLS port: the peer's handshake fails on what it sent.
    QTest::newRow("plain on TLS, PLAIN")
        << tls + QStringLiteral("auth=PLAIN") << QString() << QStringLiteral("TLS");
    QTest::newRow("plain on TLS, NOSASL")
        << tls + QStringLiteral("auth=NOSASL") << QString() << QStringLiteral("TLS");
    QTest::newRow("HTTP on HTTPS")
        << QStringLiteral("hive2://localhost:%1/default?transportMode=http").arg(https_.port())
        << QStringLiteral("s3cret") << QStringLiteral("TLS");
    // TLS on a plain port: the peer waits for SASL bytes that never come; the handshake gives
    // up after the connect timeout.
    QTest::newRow("TLS on plain") << QStringLiteral(
                                         "hive2://localhost:%1/default?ssl=true&connect_timeout=1")
                                             .arg(plain_.port()) +
                                         ca
                                  << QString() << QStringLiteral("TLS");
    const QString https =
        QStringLiteral("hive2://localhost:%1/default?transportMode=http&ssl=true&user=hive")
            .arg(https_.port()) +
        ca;
    QTest::newRow("HTTP wrong password")
        << https << QStringLiteral("Wr0ng-Pa55") << QStringLiteral("HTTP 401 Unauthorized");
    QTest::newRow("HTTP wrong path")
        << https + QStringLiteral("&httpPath=elsewhere") << QStringLiteral("s3cret")
        << QStringLiteral("HTTP 404 Not Found from /elsewhere");
    QTest::newRow("binary on HTTPS")
        << QStringLiteral("hive2://localhost:%1/default?ssl=true&user=hive").arg(https_.port()) + ca
        << QStringLiteral("s3cret") << QStringLiteral("it wants transportMode=http");
}

void TestHiveTransports::refusals() {
    QFETCH(QString, uri);
    QFETCH(QString, password);
    QFETCH(QString, says);
    qint64 elapsed = 0;
    const QString error = openError(uri, password, &elapsed);
    QVERIFY2(error.startsWith(QStringLiteral("HIVE: connecting to hive2://")), qPrintable(error));
    QVERIFY2(error.contains(says), qPrintable(error));
    QVERIFY2(password.isEmpty() || !error.contains(password), "the password is never echoed");
    // TLS on a plain port waits out its one-second handshake limit; the rest answer at once.
    QVERIFY2(elapsed < kQuickMs + 1000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
}

// The peer refuses a request without the cookie once it set one on the connection: a store
// that works there sent it back on every request after its login.
void TestHiveTransports::httpLoginsOnceThenSendsTheCookie() {
    https_.setUriOptions(QStringLiteral("transportMode=http&ssl=true&sslCaFile=") + certs_.caFile(),
                         QStringLiteral("localhost"));
    auto made =
        StoreFactory::create(QStringLiteral("HIVE"), https_.uri(), QStringLiteral("s3cret"));
    QVERIFY(made);
    StoreWorker worker(std::move(made.value()));
    const Status opened = await(worker.open());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
    // Opening ran a dozen statements, each its own request; a read runs more.
    const auto log = await(worker.readOplog());
    QVERIFY2(log.ok(), qPrintable(log.ok() ? QString() : log.error().toString()));
}

QTEST_GUILESS_MAIN(TestHiveTransports)
#include "tst_hivetransports.moc"

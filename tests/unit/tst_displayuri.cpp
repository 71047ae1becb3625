// displayUri, the one way a store URI is shown: what a well-formed URI shows (all of it but the
// password), and that no shape of URI, readable or not, shows a planted password
// (tests/support/plantedpasswords.h); uriMayHoldPassword flags each of those shapes that names a
// server, and none of the URIs a workspace really holds.
#include "displayuri.h"
#include "plantedpasswords.h"

#include <QTest>

using namespace syncscope;

class TestDisplayUri : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shown_data();
    void shown();
    void noShapeShowsThePassword();
    void passwordsAreFlagged();
};

void TestDisplayUri::shown_data() {
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("expected");
    const auto same = [](const char* row, const char* uri) {
        QTest::newRow(row) << QString::fromUtf8(uri) << QString::fromUtf8(uri);
    };
    same("memory", "sqlite::memory:");
    same("file", "sqlite:///srv/lab/sql.db");
    same("file with @", "sqlite:///srv/x@y/sql.db");
    same("mariadb", "mysql://u@h:3306/db?tls=verify-ca&ssl_ca=/etc/ca.pem");
    same("ipv6", "postgresql://u@[::1]:5432/db");
    same("replica set", "mongodb://h1:27017,h2:27018/?replicaSet=rs0");
    same("redis", "redis://u@h:16379/2?prefix=lab:grades&read_timeout=5");
    same("hive", "hive2://h:10000/grades?auth=PLAIN&user=hive");
    same("hive user as an address", "hive2://h/grades?user=ann@lab.org");
    same("a path", "/home/ann/ws.json");
    QTest::newRow("password") << QStringLiteral("mysql://u:pw@h:3306/db")
                              << QStringLiteral("mysql://u@h:3306/db");
    QTest::newRow("bad port") << QStringLiteral("mysql://syncscope:pw@127.0.0.1:99999/db")
                              << QStringLiteral("mysql://syncscope@127.0.0.1:99999/db");
    QTest::newRow("no host") << QStringLiteral("mysql://u:pw") << QStringLiteral("mysql://u:***");
    QTest::newRow("slash in it") << QStringLiteral("mysql://u:p/w@h/db")
                                 << QStringLiteral("mysql://u@h/db");
    QTest::newRow("empty user") << QStringLiteral("redis://:pw@h/0")
                                << QStringLiteral("redis://h/0");
    QTest::newRow("option") << QStringLiteral("mysql://u@h/db?password=pw&tls=disable")
                            << QStringLiteral("mysql://u@h/db?password=***&tls=disable");
    QTest::newRow("no slashes") << QStringLiteral("mysql:u:pw@h/db")
                                << QStringLiteral("mysql:***@h/db");
    QTest::newRow("user:password only")
        << QStringLiteral("syncscope:pw") << QStringLiteral("syncscope:***");
    QTest::newRow("control bytes") << QStringLiteral("sqlite:///tmp/a\x1b[2J.db")
                                   << QStringLiteral("sqlite:///tmp/a\\x1b[2J.db");
    QTest::newRow("cut") << QStringLiteral("sqlite:///") + QString(600, QLatin1Char('d'))
                         << QStringLiteral("sqlite:///") + QString(502, QLatin1Char('d')) +
                                QStringLiteral("\u2026 (610 bytes)");
}

void TestDisplayUri::shown() {
    QFETCH(QString, uri);
    QFETCH(QString, expected);
    QCOMPARE(displayUri(uri), expected);
}

void TestDisplayUri::noShapeShowsThePassword() {
    for (const QString& uri : lab::urisWithPlantedPassword()) {
        const QString shown = displayUri(uri);
        for (const QString& part : lab::kPlantedParts)
            QVERIFY2(!shown.contains(part), qPrintable(uri + QStringLiteral(" -> ") + shown));
    }
}

void TestDisplayUri::passwordsAreFlagged() {
    // scheme:text without "//" names no server: the store factory refuses it as such (and
    // shows scheme:***), so a bare "user:password" need not be flagged.
    for (const QString& uri : lab::urisWithPlantedPassword())
        QVERIFY2(uriMayHoldPassword(uri) || !uri.contains(QLatin1String("//")), qPrintable(uri));
    for (const char* uri :
         {"sqlite::memory:", "sqlite:///srv/x@y/sql.db", "mysql://u@h:3306/db?tls=disable",
          "postgresql://u@[::1]:5432/db", "mongodb://h1:27017,h2:27018/?replicaSet=rs0",
          "hive2://h:10000/grades?user=ann@lab.org", "redis://u@h:16379/2?prefix=lab:grades"})
        QVERIFY2(!uriMayHoldPassword(QString::fromUtf8(uri)), uri);
}

QTEST_GUILESS_MAIN(TestDisplayUri)
#include "tst_displayuri.moc"

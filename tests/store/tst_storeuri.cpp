// Server URIs (MariaDB, PostgreSQL, Redis, Hive) as StoreFactory reads them: what is accepted, and
// each refusal in words that say what to change (a password never in a URI, nor repeated from
// one; TLS never silently off).
#include "plantedpasswords.h"
#include "storefactory.h"

#include <QTest>

using namespace syncscope;

class TestStoreUri : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void refusals_data();
    void refusals();
    void accepted_data();
    void accepted();
    void noRefusalShowsAPlantedPassword();
};

void TestStoreUri::refusals_data() {
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("reason");
    QTest::newRow("password") << QStringLiteral("mysql://u:secret@h:3306/db")
                              << QStringLiteral("set SYNCSCOPE_PASSWORD_SQL");
    QTest::newRow("no database") << QStringLiteral("postgresql://u@h:5432/")
                                 << QStringLiteral("expected one database name");
    QTest::newRow("no host") << QStringLiteral("mysql:///db") << QStringLiteral("expected");
    QTest::newRow("unknown option") << QStringLiteral("postgresql://u@h/db?sslmode=require")
                                    << QStringLiteral("unknown option 'sslmode'");
    QTest::newRow("unknown capture") << QStringLiteral("mysql://u@h/db?capture=binlog")
                                     << QStringLiteral("capture=binlog: expected triggers or log");
    QTest::newRow("bad tls mode") << QStringLiteral("postgresql://u@h/db?tls=maybe")
                                  << QStringLiteral("tls=maybe: expected");
    QTest::newRow("mysql tls without a CA")
        << QStringLiteral("mysql://u@h/db?tls=require") << QStringLiteral("needs ssl_ca=PATH");
    QTest::newRow("ca with tls off") << QStringLiteral("mysql://u@h/db?tls=disable&ssl_ca=/ca")
                                     << QStringLiteral("ssl_ca is given but tls=disable");
    QTest::newRow("timeout") << QStringLiteral("mysql://u@h/db?connect_timeout=0")
                             << QStringLiteral("expected seconds");
    QTest::newRow("redis password") << QStringLiteral("redis://u:secret@h:6379/0")
                                    << QStringLiteral("set SYNCSCOPE_PASSWORD_SQL");
    QTest::newRow("redis database") << QStringLiteral("redis://u@h:6379/zero")
                                    << QStringLiteral("'zero' is not a database number");
    QTest::newRow("redis prefix") << QStringLiteral("redis://u@h/0?prefix=a%20b")
                                  << QStringLiteral("prefix 'a b': expected");
    QTest::newRow("redis tls") << QStringLiteral("redis://u@h/0?tls=require")
                               << QStringLiteral("has no TLS");
    QTest::newRow("redis option") << QStringLiteral("redis://u@h/0?db=1")
                                  << QStringLiteral("unknown option 'db'");
    QTest::newRow("hive password") << QStringLiteral("hive2://u:secret@h:10000/db")
                                   << QStringLiteral("set SYNCSCOPE_PASSWORD_SQL");
    QTest::newRow("hive auth") << QStringLiteral("hive2://h:10000/db?auth=LDAP")
                               << QStringLiteral("auth=LDAP: expected PLAIN");
    QTest::newRow("hive principal") << QStringLiteral("hive2://h:10000/db?principal=hive")
                                    << QStringLiteral("expected the server's, such as");
    QTest::newRow("hive kerberos over http")
        << QStringLiteral("hive2://h/db?principal=hive/_HOST@LAB&transportMode=http")
        << QStringLiteral("Kerberos over HTTP (SPNEGO) is not spoken");
    QTest::newRow("hive database") << QStringLiteral("hive2://h:10000/my-db")
                                   << QStringLiteral("'my-db' is not a Hive database name");
    QTest::newRow("hive timeout") << QStringLiteral("hive2://h/db?read_timeout=-1")
                                  << QStringLiteral("expected seconds");
    QTest::newRow("hive option") << QStringLiteral("hive2://h/db?transport=http")
                                 << QStringLiteral("unknown option 'transport'");
    QTest::newRow("hive transport mode") << QStringLiteral("hive2://h/db?transportMode=grpc")
                                         << QStringLiteral("expected binary or http");
    QTest::newRow("hive ssl") << QStringLiteral("hive2://h/db?ssl=yes")
                              << QStringLiteral("ssl=yes: expected true or false");
    QTest::newRow("hive CA without ssl") << QStringLiteral("hive2://h/db?sslCaFile=/ca.pem")
                                         << QStringLiteral("sslCaFile is given but not ssl=true");
    QTest::newRow("hive http path") << QStringLiteral("hive2://h/db?httpPath=a%20b")
                                    << QStringLiteral("httpPath=a b: expected a path");
    QTest::newRow("hive empty user")
        << QStringLiteral("hive2://h/db?user=") << QStringLiteral("user= is empty");
    QTest::newRow("mongo password") << QStringLiteral("mongodb://u:secret@h:27017/db")
                                    << QStringLiteral("a password does not belong in a URI");
    QTest::newRow("mongo database")
        << QStringLiteral("mongodb://h:27017/my.db") << QStringLiteral("database name");
    QTest::newRow("mongo long database")
        << QStringLiteral("mongodb://h:27017/") + QString(70, QLatin1Char('d'))
        << QStringLiteral("is not a database name Syncscope uses");
    // libmongoc's own reading of the URI: its words.
    QTest::newRow("mongo port") << QStringLiteral("mongodb://h:99999/db")
                                << QStringLiteral("expected mongodb://host:port/database");
    QTest::newRow("mongo option") << QStringLiteral("mongodb://h/db?tls=maybe")
                                  << QStringLiteral("expected mongodb://host:port/database");
}

void TestStoreUri::refusals() {
    QFETCH(QString, uri);
    QFETCH(QString, reason);
    const auto made = StoreFactory::create(QStringLiteral("SQL"), uri);
    QVERIFY(!made.ok());
    QVERIFY2(made.error().message.contains(reason), qPrintable(made.error().message));
    QVERIFY2(!made.error().message.contains(QStringLiteral("secret")),
             "a password is never repeated");
    QVERIFY(!StoreFactory::checkUri(uri).isEmpty());
}

void TestStoreUri::accepted_data() {
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("location");
    QTest::addColumn<bool>("captures"); // writes by other clients reach the oplog
    QTest::newRow("mariadb") << QStringLiteral("mysql://u@h:13306/db?connect_timeout=3")
                             << QStringLiteral("MariaDB") << QStringLiteral("mysql://u@h:13306/db")
                             << true;
    QTest::newRow("mariadb with tls")
        << QStringLiteral("mysql://u@h/db?tls=verify-ca&ssl_ca=/etc/ca.pem")
        << QStringLiteral("MariaDB") << QStringLiteral("mysql://u@h/db") << true;
    QTest::newRow("postgresql") << QStringLiteral("postgresql://u@h/db?tls=verify-full")
                                << QStringLiteral("PostgreSQL")
                                << QStringLiteral("postgresql://u@h/db") << true;
    QTest::newRow("mariadb, log capture")
        << QStringLiteral("mysql://u@h/db?capture=log") << QStringLiteral("MariaDB")
        << QStringLiteral("mysql://u@h/db") << true;
    QTest::newRow("postgresql, trigger capture")
        << QStringLiteral("postgresql://u@h/db?capture=triggers") << QStringLiteral("PostgreSQL")
        << QStringLiteral("postgresql://u@h/db") << true;
    QTest::newRow("redis") << QStringLiteral("redis://u@h:16379/2?prefix=lab:grades&read_timeout=5")
                           << QStringLiteral("Redis")
                           << QStringLiteral("redis://u@h:16379/2?prefix=lab:grades&read_timeout=5")
                           << true;
    // Hive has no triggers: what other clients write is not captured.
    QTest::newRow("hive plain") << QStringLiteral("hive2://h:10000/grades?auth=PLAIN&user=hive")
                                << QStringLiteral("Hive")
                                << QStringLiteral("hive2://h:10000/grades?auth=PLAIN&user=hive")
                                << false;
    QTest::newRow("hive nosasl, defaults")
        << QStringLiteral("hive2://h?auth=nosasl") << QStringLiteral("Hive")
        << QStringLiteral("hive2://h?auth=nosasl") << false;
    QTest::newRow("hive https")
        << QStringLiteral("hive2://h/db?ssl=true&sslCaFile=/etc/ca.pem&transportMode=http&"
                          "httpPath=gateway/cliservice")
        << QStringLiteral("Hive")
        << QStringLiteral("hive2://h/db?ssl=true&sslCaFile=/etc/ca.pem&transportMode=http&"
                          "httpPath=gateway/cliservice")
        << false;
    // MongoDB: outside writes are found by comparing the rows with what Syncscope wrote.
    QTest::newRow("mongo") << QStringLiteral("mongodb://u@h:27017/grades?tls=true&authSource=admin")
                           << QStringLiteral("MongoDB")
                           << QStringLiteral("mongodb://u@h:27017/grades?tls=true&authSource=admin")
                           << true;
    QTest::newRow("mongo, replica set hosts, no database")
        << QStringLiteral("mongodb://h1:27017,h2:27018/?replicaSet=rs0")
        << QStringLiteral("MongoDB")
        << QStringLiteral("mongodb://h1:27017,h2:27018/?replicaSet=rs0") << true;
}

void TestStoreUri::accepted() {
    QFETCH(QString, uri);
    QFETCH(QString, kind);
    QFETCH(QString, location);
    QFETCH(bool, captures);
    QVERIFY2(StoreFactory::checkUri(uri).isEmpty(), qPrintable(StoreFactory::checkUri(uri)));
    const auto made = StoreFactory::create(QStringLiteral("SQL"), uri);
    QVERIFY2(made.ok(), made.ok() ? "" : qPrintable(made.error().toString()));
    const StoreDescription d = made.value()->description();
    QCOMPARE(d.kind, kind);
    QCOMPARE(d.location, location);
    QVERIFY(!d.embedded);
    QCOMPARE(made.value()->capabilities().capturesOutsideWrites, captures);
}

// Every shape of URI a password can hide in, readable by Qt or not, is refused, and the
// refusal shows no piece of it.
void TestStoreUri::noRefusalShowsAPlantedPassword() {
    for (const QString& uri : lab::urisWithPlantedPassword()) {
        const QString checked = StoreFactory::checkUri(uri);
        QVERIFY2(!checked.isEmpty(), qPrintable(uri));
        const auto made = StoreFactory::create(QStringLiteral("SQL"), uri);
        QVERIFY2(!made.ok(), qPrintable(uri));
        for (const QString& part : lab::kPlantedParts) {
            QVERIFY2(!checked.contains(part), qPrintable(checked));
            QVERIFY2(!made.error().toString().contains(part), qPrintable(made.error().toString()));
        }
    }
}

QTEST_GUILESS_MAIN(TestStoreUri)
#include "tst_storeuri.moc"

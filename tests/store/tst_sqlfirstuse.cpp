// A server store's first open as a new user meets it: a database the URI names that does not
// exist yet is created (MariaDB, PostgreSQL), and a grades table some other program made is
// refused, naming the columns, before anything is created beside it (MariaDB, PostgreSQL,
// SQLite). What is on the server is checked with the servers' own connection, not the store.
#include "labservers.h"
#include "sqldialect.h"
#include "storefactory.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestSqlFirstUse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void identifiersAreQuoted();
    void missingDatabaseIsCreated_data();
    void missingDatabaseIsCreated();
    void foreignGradesTableIsRefused_data();
    void foreignGradesTableIsRefused();

private:
    std::optional<lab::Servers> servers_;
};

void TestSqlFirstUse::initTestCase() {
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
}

void TestSqlFirstUse::identifiersAreQuoted() {
    QCOMPARE(quoteSqlIdentifier(SqlEngine::MariaDb, QStringLiteral("a`b")),
             QStringLiteral("`a``b`"));
    QCOMPARE(quoteSqlIdentifier(SqlEngine::Postgres, QStringLiteral("a\"b; DROP")),
             QStringLiteral("\"a\"\"b; DROP\""));
    QCOMPARE(createDatabaseStatement(SqlEngine::MariaDb, QStringLiteral("seeds_sql")),
             QStringLiteral("CREATE DATABASE IF NOT EXISTS `seeds_sql` CHARACTER SET utf8mb4 "
                            "COLLATE utf8mb4_bin"));
}

void TestSqlFirstUse::missingDatabaseIsCreated_data() {
    QTest::addColumn<bool>("mariadb");
    QTest::newRow("mariadb") << true;
    QTest::newRow("postgresql") << false;
}

void TestSqlFirstUse::missingDatabaseIsCreated() {
    QFETCH(bool, mariadb);
    const QString server = mariadb ? servers_->mariadb : servers_->postgres;
    const QString name =
        QStringLiteral("new_%1_%2").arg(QCoreApplication::applicationPid()).arg(mariadb);
    QUrl uri(server);
    uri.setPath(QLatin1Char('/') + name);
    {
        auto made = StoreFactory::create(QStringLiteral("SQL"), uri.toString(), servers_->password);
        QVERIFY(made.ok());
        const Status opened = made.value()->open();
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
        QVERIFY(made.value()->append({}, BatchControl{}).ok());
    }
    // On the server: the database, with the store's tables in it.
    QCOMPARE(lab::run(uri.toString(), servers_->password, QStringLiteral("SELECT 1 FROM oplog")),
             QString());
    QCOMPARE(lab::run(server, servers_->password,
                      QStringLiteral("DROP DATABASE %1")
                          .arg(quoteSqlIdentifier(
                              mariadb ? SqlEngine::MariaDb : SqlEngine::Postgres, name))),
             QString());
}

void TestSqlFirstUse::foreignGradesTableIsRefused_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("mariadb") << QStringLiteral("mariadb");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
}

void TestSqlFirstUse::foreignGradesTableIsRefused() {
    QFETCH(QString, kind);
    QTemporaryDir dir;
    QString uri, problem;
    const QString foreign = QStringLiteral("CREATE TABLE grades (id INT, name TEXT)");
    if (kind == QLatin1String("sqlite")) {
        uri = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("other.db"));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("x"));
        db.setDatabaseName(dir.filePath(QStringLiteral("other.db")));
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(foreign));
        db.close();
    } else {
        uri = lab::freshDatabase(kind == QLatin1String("mariadb") ? servers_->mariadb
                                                                  : servers_->postgres,
                                 servers_->password, problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(lab::run(uri, servers_->password, foreign), QString());
    }
    {
        auto made = StoreFactory::create(QStringLiteral("SQL"), uri, servers_->password);
        QVERIFY(made.ok());
        const Status opened = made.value()->open();
        QVERIFY(!opened.ok());
        const QString why = opened.error().toString();
        QVERIFY2(why.contains(QStringLiteral("has a table grades that another program made")) &&
                     why.contains(QStringLiteral("columns id, name")) &&
                     why.contains(QStringLiteral("lacks student_id, course_id, grade, ts, origin, "
                                                 "seq")) &&
                     why.contains(QStringLiteral("created nothing")),
                 qPrintable(why));
    }
    // Nothing was created beside it.
    if (kind == QLatin1String("sqlite")) {
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("x"));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name IN "
                                      "('oplog', 'syncscope_meta')")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        db.close();
    } else {
        QVERIFY(
            !lab::run(uri, servers_->password, QStringLiteral("SELECT 1 FROM oplog")).isEmpty());
        QVERIFY(!lab::run(uri, servers_->password, QStringLiteral("SELECT 1 FROM syncscope_meta"))
                     .isEmpty());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("x"));
}

QTEST_GUILESS_MAIN(TestSqlFirstUse)
#include "tst_sqlfirstuse.moc"

// A line that names a store whose server is down is refused at that name (file:line:col),
// whatever the command: the store of SET/GET/DELETE, either side of a MERGE, a FULL_SYNC's list,
// or every store for a FULL_SYNC without one; lines that name only available stores pass.
#include "scriptbinding.h"
#include "storedirectory.h"
#include "storesnamed.h"

#include <QTest>

using namespace syncscope;

class TestStoresNamed : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void eachCommandNamesItsStores_data();
    void eachCommandNamesItsStores();
};

void TestStoresNamed::eachCommandNamesItsStores_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("store"); // -1: none unavailable
    QTest::addColumn<int>("column");
    // Workspace: SQL 0, HIVE 1 (down), REDIS 2.
    QTest::newRow("set on a live store") << "SQL.SET((S1,C1),A)" << -1 << 0;
    QTest::newRow("set on the down store") << "HIVE.SET((S1,C1),A)" << 1 << 1;
    QTest::newRow("get with ts") << "7, HIVE.GET(S1,C1)" << 1 << 4;
    QTest::newRow("delete") << "HIVE.DELETE(S1,C1)" << 1 << 1;
    QTest::newRow("merge into it") << "HIVE.MERGE(SQL)" << 1 << 1;
    QTest::newRow("merge from it") << "REDIS.MERGE(HIVE)" << 1 << 13;
    QTest::newRow("merge between live ones") << "REDIS.MERGE(SQL)" << -1 << 0;
    QTest::newRow("full sync of all") << "FULL_SYNC" << 1 << 1;
    QTest::newRow("full sync listing it") << "FULL_SYNC(SQL,HIVE)" << 1 << 15;
    QTest::newRow("full sync of live ones") << "FULL_SYNC(SQL,REDIS)" << -1 << 0;
}

void TestStoresNamed::eachCommandNamesItsStores() {
    QFETCH(QString, line);
    QFETCH(int, store);
    QFETCH(int, column);
    const StoreDirectory directory({{"SQL", {}, ""}, {"HIVE", {}, ""}, {"REDIS", {}, ""}});
    const Script script = parseScript("t.in", line.toStdString());
    QVERIFY(script.ok());
    StoreBinding binding;
    QVERIFY(bindStores(script, &directory, binding).empty());
    const std::vector<char> unavailable{0, 1, 0};
    const auto found =
        firstUnavailableNamed(script, script.commands.front(), binding.storeOfName, unavailable);
    if (store < 0) {
        QVERIFY(!found);
        return;
    }
    QVERIFY(found);
    QCOMPARE(int(found->store), store);
    QCOMPARE(int(found->column), column);
}

QTEST_MAIN(TestStoresNamed)
#include "tst_storesnamed.moc"

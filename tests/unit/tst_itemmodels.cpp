// Every item model passes QAbstractItemModelTester, through resets and updates.
#include "storesummarymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace syncscope;

class TestItemModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void storeSummaryModel();
};

void TestItemModels::storeSummaryModel() {
    StoreSummaryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setStores(
        {{QStringLiteral("SQL"), QStringLiteral("SQLite"), QStringLiteral("/tmp/sql.db"), true},
         {QStringLiteral("HIVE"), QStringLiteral("SQLite"), QStringLiteral("in memory"), true}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(StoreSummaryModel::ColumnCount));
    QCOMPARE(model.data(model.index(0, StoreSummaryModel::Kind)).toString(),
             QStringLiteral("SQLite (embedded)"));
    QCOMPARE(model.data(model.index(1, StoreSummaryModel::Keys)).toString(), QStringLiteral("…"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setCounts(1, 42, 100);
    model.setState(0, QStringLiteral("connected"));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(model.data(model.index(1, StoreSummaryModel::Keys)).toLongLong(), 42);
    QCOMPARE(model.data(model.index(0, StoreSummaryModel::State)).toString(),
             QStringLiteral("connected"));
    model.setCounts(7, 1, 1); // out of range: ignored
    QCOMPARE(model.headerData(StoreSummaryModel::OplogEntries, Qt::Horizontal).toString(),
             QStringLiteral("Oplog entries"));
    model.setStores({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestItemModels)
#include "tst_itemmodels.moc"

// A disk that fills up under an SQLite store, through tests/support/fulldiskvfs.h:
// the batch being written when the space runs out fails whole, naming the store and SQLite's
// "database or disk is full"; everything acknowledged before it is still there and readable;
// once space is free again the same call succeeds, and every write is in the oplog once.
// Both write paths: the native one (sqlite3 directly) and the Qt Sql one.
#include "awaitfuture.h"
#include "fulldiskvfs.h"
#include "logrecords.h"
#include "sqlstore.h"
#include "storeworker.h"
#include "verifystores.h"

#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace syncscope;

class TestDiskFull : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(lab::FullDisk::install()); }
    void fullDiskFailsTheBatchAndLosesNothing_data();
    void fullDiskFailsTheBatchAndLosesNothing();

private:
    QTemporaryDir dir_;
};

void TestDiskFull::fullDiskFailsTheBatchAndLosesNothing_data() {
    QTest::addColumn<bool>("native");
    QTest::newRow("native path") << true;
    QTest::newRow("Qt Sql path") << false;
}

namespace {
std::vector<LogRecord> writes(int from, int to) {
    std::vector<LogRecord> out;
    for (int i = from; i <= to; ++i)
        out.push_back(setRecord("SID" + std::to_string(i), "CSE" + std::to_string(i % 20),
                                i % 3 ? "A" : "B+", i, "SQL", static_cast<uint64_t>(i)));
    return out;
}
} // namespace

void TestDiskFull::fullDiskFailsTheBatchAndLosesNothing() {
    QFETCH(bool, native);
    lab::FullDisk::setBudget(-1);
    SqlStore::Options o;
    o.name = QStringLiteral("SQL");
    o.databaseName = dir_.filePath(native ? QStringLiteral("native.db") : QStringLiteral("qt.db"));
    o.location = o.databaseName;
    o.nativeFastPath = native;
    StoreWorker w(std::make_unique<SqlStore>(std::move(o)));
    QVERIFY(await(w.open()).ok());
    const std::vector<LogRecord> first = writes(1, 2000), second = writes(2001, 20000);
    QVERIFY(await(w.append(first)).ok());

    // 64 KiB left: the next batch runs out of space part of the way in.
    lab::FullDisk::setBudget(64 << 10);
    const int refusedBefore = lab::FullDisk::refusedWrites();
    const Status full = await(w.append(second));
    QVERIFY(lab::FullDisk::refusedWrites() > refusedBefore);
    QVERIFY2(!full.ok(), "a write succeeded on a full disk");
    QCOMPARE(full.error().store, QStringLiteral("SQL"));
    QVERIFY2(full.error().message.contains(QStringLiteral("full")),
             qPrintable(full.error().message));
    qInfo("fault | sqlite %s | disk full mid-batch | %s", native ? "native" : "Qt Sql",
          qPrintable(full.error().toString()));
    // Still readable, and nothing of the failed batch (or of what came before) is lost or half
    // there: the oplog is exactly the acknowledged writes.
    const auto during = await(w.readOplog());
    QVERIFY2(during.ok(), during.ok() ? "" : qPrintable(during.error().toString()));
    QCOMPARE(during.value().size(), first.size());

    // Space again: the same call, asked again, completes; every write once.
    lab::FullDisk::setBudget(-1);
    const Status again = await(w.append(second));
    QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().toString()));
    const auto after = await(w.readOplog());
    QVERIFY(after.ok());
    std::set<uint64_t> seqs;
    for (const LogRecord& r : after.value())
        QVERIFY2(seqs.insert(r.seq).second, "a write logged twice");
    QCOMPARE(seqs.size(), first.size() + second.size());
    QCOMPARE(await(w.counts()).value().liveKeys, qint64(20000));
    // The verify pass (syncscope-cli verify's): every row is its oplog's greatest write.
    const auto verified = verifyStores({&w}, {});
    QVERIFY2(verified.ok() && verified.value().clean(),
             verified.ok() ? verified.value().text().c_str()
                           : qPrintable(verified.error().toString()));
}

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"

// StoreShipping, the window's way to the stores, keeps origin first (docs/crash-safety.md) when a
// command's records for several stores come in at once: a store's copies of another store's
// writes never commit before those writes, whichever store's records are handed first. A slow
// origin makes a copy that did not wait commit first, as a SIGKILL at that moment would have
// left it: the copy durable, its origin's write not.
#include "awaitfuture.h"
#include "forwardingstore.h"
#include "storefactory.h"
#include "storeshipping.h"
#include "storeworker.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace syncscope;

namespace {

// A real SQLite store that notes when its append starts and when it has committed; it may
// take its time first, as a busy server does.
class TimedStore : public ForwardingStore {
public:
    TimedStore(std::unique_ptr<Store> inner, const QElapsedTimer& clock, unsigned long slowMs)
        : ForwardingStore(std::move(inner))
        , clock_(clock)
        , slowMs_(slowMs) {}

    Status append(std::span<const LogRecord> records, const BatchControl& control) override {
        started = clock_.nsecsElapsed();
        QThread::msleep(slowMs_);
        const Status s = inner().append(records, control);
        committed = clock_.nsecsElapsed();
        return s;
    }

    std::atomic<qint64> started{-1}, committed{-1};

private:
    const QElapsedTimer& clock_;
    unsigned long slowMs_;
};

LogRecord write(const std::string& origin, uint64_t seq) {
    LogRecord r;
    r.studentId = "SID" + std::to_string(seq);
    r.courseId = "CSE001";
    r.value = "A";
    r.hasValue = true;
    r.ts = static_cast<int64_t>(seq);
    r.origin = origin;
    r.seq = seq;
    return r;
}

} // namespace

class TestStoreShipping : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void copiesHandedBeforeTheirOriginWaitForIt();
};

void TestStoreShipping::copiesHandedBeforeTheirOriginWaitForIt() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QElapsedTimer clock;
    clock.start();
    const std::vector<std::string> names{"A", "B"};
    std::vector<std::unique_ptr<StoreWorker>> workers;
    std::vector<TimedStore*> timed;
    for (const std::string& n : names) {
        const QString name = QString::fromStdString(n);
        auto made = StoreFactory::create(name, QStringLiteral("sqlite://") +
                                                   dir.filePath(name + QStringLiteral(".db")));
        QVERIFY(made);
        // A, the origin, is slow: a copy that did not wait for it commits first.
        auto store =
            std::make_unique<TimedStore>(std::move(made.value()), clock, n == "A" ? 300 : 0);
        timed.push_back(store.get());
        workers.push_back(std::make_unique<StoreWorker>(std::move(store)));
        QVERIFY(await(workers.back()->open()));
    }
    StoreShipping shipping(names, {workers[0].get(), workers[1].get()});

    // One command (B.MERGE(A) after A's writes, as a Run's step produces them) hands B's copies
    // before A's own writes.
    std::vector<LogRecord> copies, own;
    for (uint64_t seq = 1; seq <= 3; ++seq) {
        copies.push_back(write("A", seq));
        own.push_back(write("A", seq));
    }
    shipping.hand(1, std::move(copies), {}, false);
    shipping.hand(0, std::move(own), {}, false);
    shipping.shipIdle();
    bool done = false;
    shipping.whenCommittedUpTo({3, 3}, [&] { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY(timed[0]->committed >= 0 && timed[1]->started >= 0);
    QVERIFY2(timed[1]->started >= timed[0]->committed,
             qPrintable(QStringLiteral("B's copies started %1 ms before A committed the writes")
                            .arg((timed[0]->committed - timed[1]->started) / 1000000)));
}

QTEST_GUILESS_MAIN(TestStoreShipping)
#include "tst_storeshipping.moc"

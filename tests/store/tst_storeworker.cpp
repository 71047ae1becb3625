// StoreWorker: calls run on the store's own thread, results come back as values through
// QFuture, a throwing store becomes an error value, and cancellation reaches the store; a
// finished future reaches its context exactly once, however its finish races the attaching.
#include "storeworker.h"
#include "whenfinished.h"

#include <QTest>
#include <QThread>
#include <QtConcurrent>

#include <algorithm>
#include <atomic>
#include <tuple>

using namespace syncscope;

namespace {

// A store that records which thread served it and misbehaves on request.
class ProbeStore : public Store {
public:
    std::atomic<QThread*> servedBy{nullptr};
    // Shared so a test can look after the worker (and this store) are gone.
    std::shared_ptr<std::atomic<QThread*>> closedOn =
        std::make_shared<std::atomic<QThread*>>(nullptr);
    std::atomic<int> batchesWritten{0};

    StoreDescription description() const override {
        return {QStringLiteral("PROBE"), QStringLiteral("Probe"), QStringLiteral("nowhere"), true};
    }
    StoreCapabilities capabilities() const override { return {}; }
    Status open() override {
        servedBy = QThread::currentThread();
        return success();
    }
    void close() override { *closedOn = QThread::currentThread(); }
    Status append(std::span<const LogRecord> records, const BatchControl& control) override {
        if (!records.empty() && records.front().studentId == "THROW")
            throw std::runtime_error("driver exploded");
        for (size_t done = 0; done < records.size(); done += 10) {
            if (control.isCanceled())
                return StoreError{QStringLiteral("PROBE"), QStringLiteral("canceled"), true};
            QThread::msleep(2);
            ++batchesWritten;
            control.progress(static_cast<qint64>(done + 10), static_cast<qint64>(records.size()));
        }
        return success();
    }
    Result<std::vector<LogRecord>> readOplog(int64_t, size_t, const BatchControl&) override {
        return std::vector<LogRecord>{};
    }
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor&, size_t,
                                                const BatchControl&) override {
        return StoreError{QStringLiteral("PROBE"), QStringLiteral("no grades here")};
    }
    Result<std::optional<GradeRecord>> readKey(const std::string&, const std::string&) override {
        return std::optional<GradeRecord>();
    }
    Result<StoreCounts> counts() override { return StoreCounts{}; }
    Status rollbackTo(int64_t) override { return success(); }
    size_t batchSize() const override { return 10; }
};

// Grade rows served from memory a page at a time, as a database would: rows after the cursor
// in key order (an empty cursor sorts before every key), at most `limit`. It refuses to serve more
// pages than a single pass needs, so a reader that starts over fails rather than running forever.
class PagedStore : public ProbeStore {
public:
    explicit PagedStore(size_t rows) {
        for (size_t i = 0; i < rows; ++i)
            rows_.push_back({"S" + std::to_string(100000 + i), "C1", "A", false, 1, "X", 1, {}});
    }
    std::atomic<int> pagesServed{0};
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor& after, size_t limit,
                                                const BatchControl&) override {
        if (++pagesServed > 10)
            return StoreError{QStringLiteral("PROBE"), QStringLiteral("read past the end")};
        const auto from = std::upper_bound(
            rows_.begin(), rows_.end(), after, [](const GradeCursor& c, const GradeRecord& r) {
                return std::tie(c.studentId, c.courseId) < std::tie(r.studentId, r.courseId);
            });
        const size_t left = static_cast<size_t>(rows_.end() - from);
        const auto to =
            from + static_cast<std::ptrdiff_t>(limit == 0 ? left : std::min(left, limit));
        return std::vector<GradeRecord>(from, to);
    }

private:
    std::vector<GradeRecord> rows_;
};

std::vector<LogRecord> records(size_t n, const char* sid = "S") {
    std::vector<LogRecord> out(n);
    for (LogRecord& r : out)
        r.studentId = sid;
    return out;
}

} // namespace

class TestStoreWorker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsOnItsOwnThread();
    void errorsComeBackAsValues();
    void cancellationReachesTheStore();
    void closesTheStoreOnDestruction();
    void finishedFuturesReachTheirContextOnce();
    void canceledFuturesRunNothing();
    void rangeReadsWalkEveryPageOnce();
};

void TestStoreWorker::runsOnItsOwnThread() {
    auto store = std::make_unique<ProbeStore>();
    ProbeStore* probe = store.get();
    StoreWorker worker(std::move(store));
    QFuture<Status> f = worker.open();
    f.waitForFinished();
    QVERIFY(f.result().ok());
    QVERIFY(probe->servedBy.load() != nullptr);
    QVERIFY(probe->servedBy.load() != QThread::currentThread());
    QCOMPARE(worker.description().name, QStringLiteral("PROBE"));
}

void TestStoreWorker::errorsComeBackAsValues() {
    StoreWorker worker(std::make_unique<ProbeStore>());
    QFuture<Status> thrown = worker.append(records(1, "THROW"));
    thrown.waitForFinished();
    QVERIFY(!thrown.result().ok());
    QCOMPARE(thrown.result().error().store, QStringLiteral("PROBE"));
    QCOMPARE(thrown.result().error().message, QStringLiteral("driver exploded"));
    auto grades = worker.readGrades();
    grades.waitForFinished();
    QCOMPARE(grades.result().error().toString(), QStringLiteral("PROBE: no grades here"));
    // The worker is still usable afterwards.
    QFuture<Status> ok = worker.append(records(20));
    ok.waitForFinished();
    QVERIFY(ok.result().ok());
}

void TestStoreWorker::cancellationReachesTheStore() {
    auto store = std::make_unique<ProbeStore>();
    ProbeStore* probe = store.get();
    StoreWorker worker(std::move(store));
    QFuture<Status> f = worker.append(records(5000)); // 500 batches of 2 ms
    QTRY_VERIFY(probe->batchesWritten.load() > 0);
    f.cancel();
    f.waitForFinished();
    QVERIFY(f.isCanceled());
    QVERIFY(probe->batchesWritten.load() < 500);
}

void TestStoreWorker::closesTheStoreOnDestruction() {
    auto store = std::make_unique<ProbeStore>();
    const auto closedOn = store->closedOn;
    QThread* servedBy = nullptr;
    {
        ProbeStore* probe = store.get();
        StoreWorker worker(std::move(store));
        worker.open().waitForFinished();
        servedBy = probe->servedBy.load();
        QVERIFY(closedOn->load() == nullptr);
    }
    // Closed by the destructor, on the store's own thread, before that thread ended.
    QVERIFY(closedOn->load() != nullptr);
    QCOMPARE(closedOn->load(), servedBy);
}

void TestStoreWorker::finishedFuturesReachTheirContextOnce() {
    // Each task finishes on a pool thread just as the UI thread attaches to it: the window in
    // which Qt 6.4's QFuture::then(context) ran a continuation twice and crashed.
    constexpr int kTasks = 20000;
    QThreadPool pool;
    QObject context;
    std::vector<int> calls(kTasks, 0);
    int done = 0;
    for (int i = 0; i < kTasks; ++i) {
        std::atomic<bool> returning{false};
        QFuture<int> f = QtConcurrent::run(&pool, [i, &returning] {
            returning = true;
            return i;
        });
        while (!returning) {
        }
        whenFinished(f, &context, [&calls, &done](int v) {
            ++calls[static_cast<size_t>(v)];
            ++done;
        });
        f.waitForFinished(); // `returning` lives on this stack frame
    }
    QTRY_COMPARE_WITH_TIMEOUT(done, kTasks, 60000);
    QTest::qWait(50); // a second delivery would arrive now
    QCOMPARE(done, kTasks);
    QVERIFY(std::all_of(calls.begin(), calls.end(), [](int c) { return c == 1; }));
}

void TestStoreWorker::canceledFuturesRunNothing() {
    auto store = std::make_unique<ProbeStore>();
    ProbeStore* probe = store.get();
    StoreWorker worker(std::move(store));
    QObject context;
    bool ran = false;
    QFuture<Status> f = worker.append(records(5000));
    whenFinished(f, &context, [&ran](const Status&) { ran = true; });
    QTRY_VERIFY(probe->batchesWritten.load() > 0);
    f.cancel();
    f.waitForFinished();
    QTest::qWait(50);
    QVERIFY(!ran);
    // And nothing runs for a context that is gone.
    bool late = false;
    {
        QObject gone;
        whenFinished(worker.counts(), &gone, [&late](const Result<StoreCounts>&) { late = true; });
    }
    QTest::qWait(50);
    QVERIFY(!late);
}

// The checksum and range reads of verify --checksums walk the grade table page by page (20,000
// rows): three pages here, each read once, every row counted and every wanted row handed back,
// also when the page's last row is one of them (its cursor once came from the moved-out row,
// and reading began again at the first key, forever).
void TestStoreWorker::rangeReadsWalkEveryPageOnce() {
    constexpr size_t kRows = 45000;
    auto store = std::make_unique<PagedStore>(kRows);
    PagedStore* paged = store.get();
    StoreWorker worker(std::move(store));
    const Result<RangeRows> all = worker.readRanges(1, {0}).result();
    QVERIFY2(all.ok(), all.ok() ? "" : qPrintable(all.error().toString()));
    QCOMPARE(paged->pagesServed.load(), 3);
    QCOMPARE(all.value().rowsTransferred, int64_t(kRows));
    QCOMPARE(all.value().rows.size(), kRows);
    QCOMPARE(all.value().rows.back().studentId, "S" + std::to_string(100000 + kRows - 1));

    paged->pagesServed = 0;
    const Result<RangeChecksums> sums = worker.rangeChecksums(4).result();
    QVERIFY(sums.ok());
    QCOMPARE(paged->pagesServed.load(), 3);
    int64_t rows = 0;
    for (const RangeChecksum& r : sums.value().ranges)
        rows += r.rows;
    QCOMPARE(rows, int64_t(kRows));
}

QTEST_GUILESS_MAIN(TestStoreWorker)
#include "tst_storeworker.moc"

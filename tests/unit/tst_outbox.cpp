// The Outbox on real stores (SQLite files behind their workers), with one store refusing some
// of its batches the way a store does when another writer took its seqs: whatever is sent,
// and in whatever order the workers happen to run, no store ever holds a copy of a write that
// its origin does not hold, and a store holds no batch sent after one it refused
// (docs/crash-safety.md).
#include "awaitfuture.h"
#include "catalog.h"
#include "engine.h"
#include "forwardingstore.h"
#include "outbox.h"
#include "recordconversion.h"
#include "storefactory.h"
#include "storeworker.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <numeric>
#include <random>
#include <set>

using namespace syncscope;

namespace {

// A real SQLite store that refuses, as a conflict, every batch giving one of its own writes a
// seq in [refuseFrom, refuseTo], and takes a random moment over each batch so that the
// workers interleave differently from run to run.
class RefusingStore : public ForwardingStore {
public:
    RefusingStore(std::unique_ptr<Store> inner, uint64_t refuseFrom, uint64_t refuseTo,
                  unsigned seed)
        : ForwardingStore(std::move(inner))
        , from_(refuseFrom)
        , to_(refuseTo)
        , rng_(seed) {}

    Status append(std::span<const LogRecord> records, const BatchControl& control) override {
        QThread::usleep(rng_() % 3000);
        const std::string self = description().name.toStdString();
        for (const LogRecord& r : records)
            if (r.isWrite() && r.origin == self && r.seq >= from_ && r.seq <= to_) {
                StoreError e{description().name, QStringLiteral("seq taken")};
                e.conflict = true;
                return e;
            }
        return inner().append(records, control);
    }

private:
    uint64_t from_, to_;
    std::mt19937 rng_;
};

class TestOutbox : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nothingCopiedAheadOfItsOrigin();
    void copiesOfADroppedQueueAreNotWritten();
};

void TestOutbox::nothingCopiedAheadOfItsOrigin() {
    for (unsigned round = 0; round < 12; ++round) {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::vector<std::string> names{"A", "B", "C"};
        std::vector<std::unique_ptr<StoreWorker>> workers;
        for (size_t s = 0; s < names.size(); ++s) {
            const QString name = QString::fromStdString(names[s]);
            auto made = StoreFactory::create(name, QStringLiteral("sqlite://") +
                                                       dir.filePath(name + QStringLiteral(".db")));
            QVERIFY(made);
            // B refuses its own seqs 6 to 9, as if another process had taken them.
            workers.push_back(std::make_unique<StoreWorker>(std::make_unique<RefusingStore>(
                std::move(made.value()), s == 1 ? 6 : ~0ull, s == 1 ? 9 : ~0ull, round * 3 + s)));
            QVERIFY(await(workers.back()->open()));
        }
        std::vector<StoreWorker*> plain;
        for (auto& w : workers)
            plain.push_back(w.get());
        Outbox outbox(names, plain);

        Catalog catalog;
        Engine engine(catalog);
        for (const std::string& n : names)
            engine.addReplica(n);
        std::vector<size_t> collected(names.size(), 0);
        std::vector<QFuture<Status>> sent;
        std::mt19937_64 rng(round);
        int64_t ts = 0;
        for (int step = 0; step < 400; ++step) {
            const size_t a = rng() % 3, b = rng() % 3;
            const KeyId k = catalog.internKey("SID" + std::to_string(rng() % 20), "C1");
            if (rng() % 3 == 0)
                engine.merge(a, b);
            else
                engine.set(a, k, catalog.internValue(std::string(1, char('A' + rng() % 5))), ++ts);
            for (size_t s = 0; s < names.size(); ++s) {
                std::vector<LogRecord> piece;
                for (; collected[s] < engine.replica(s).logEnd(); ++collected[s])
                    piece.push_back(toRecord(engine.replica(s).entryAt(collected[s]), catalog));
                outbox.add(s, std::move(piece));
            }
            if (rng() % 5 == 0)
                for (const Outbox::Sent& x : outbox.send(rng() % 3))
                    sent.push_back(x.done);
        }
        for (size_t s = 0; s < names.size(); ++s)
            for (const Outbox::Sent& x : outbox.send(s))
                sent.push_back(x.done);
        for (QFuture<Status>& f : sent)
            f.waitForFinished();

        // Read back through the stores themselves.
        std::vector<std::set<std::pair<std::string, uint64_t>>> held(names.size());
        for (size_t s = 0; s < names.size(); ++s) {
            const Result<std::vector<LogRecord>> log = await(workers[s]->readOplog());
            QVERIFY(log);
            for (const LogRecord& r : log.value())
                if (r.isWrite())
                    held[s].insert({r.origin, r.seq});
        }
        for (size_t s = 0; s < names.size(); ++s)
            for (const auto& [origin, seq] : held[s]) {
                const size_t o = static_cast<size_t>(origin[0] - 'A');
                QVERIFY2(held[o].count({origin, seq}),
                         qPrintable(QStringLiteral("round %1: %2 holds %3:%4, which %3 lacks")
                                        .arg(round)
                                        .arg(QString::fromStdString(names[s]),
                                             QString::fromStdString(origin))
                                        .arg(seq)));
            }
        // B wrote nothing after the batch it refused: its own writes stop before seq 6.
        for (const auto& [origin, seq] : held[1])
            if (origin == "B")
                QVERIFY2(seq < 6, qPrintable(QStringLiteral("round %1: B holds B:%2 after "
                                                            "refusing B:6")
                                                 .arg(round)
                                                 .arg(seq)));
    }
}

// The window drops a store's unsent queue when another writer took its seqs. Copies of those
// writes waiting in other stores' queues must not be written after that: their origin will
// never hold them. The rest of the other stores' records still go out in later batches.
void TestOutbox::copiesOfADroppedQueueAreNotWritten() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<std::string> names{"A", "B"};
    std::vector<std::unique_ptr<StoreWorker>> workers;
    std::vector<StoreWorker*> plain;
    for (const std::string& n : names) {
        const QString name = QString::fromStdString(n);
        auto made = StoreFactory::create(name, QStringLiteral("sqlite://") +
                                                   dir.filePath(name + QStringLiteral(".db")));
        QVERIFY(made);
        workers.push_back(std::make_unique<StoreWorker>(std::move(made.value())));
        QVERIFY(await(workers.back()->open()));
        plain.push_back(workers.back().get());
    }
    Outbox outbox(names, plain);
    Catalog catalog;
    Engine engine(catalog);
    for (const std::string& n : names)
        engine.addReplica(n);
    const KeyId k1 = catalog.internKey("SID1", "C1");
    const KeyId k2 = catalog.internKey("SID2", "C1");
    engine.set(0, k1, catalog.internValue("A"), 1); // A:1
    engine.set(1, k2, catalog.internValue("B"), 2); // B:1
    engine.merge(1, 0);                             // B copies A:1
    std::vector<size_t> collected(names.size(), 0);
    const auto collect = [&] {
        for (size_t s = 0; s < names.size(); ++s) {
            std::vector<LogRecord> piece;
            for (; collected[s] < engine.replica(s).logEnd(); ++collected[s])
                piece.push_back(toRecord(engine.replica(s).entryAt(collected[s]), catalog));
            outbox.add(s, std::move(piece));
        }
    };
    collect();
    outbox.dropUnsent(0);
    std::vector<Outbox::Sent> sent = outbox.send(1);
    QVERIFY(!sent.empty());
    for (Outbox::Sent& x : sent)
        x.done.waitForFinished();
    QVERIFY2(!sent.back().done.result(), "B's batch holding the orphaned copy was written");
    QVERIFY(sent.back().done.result().error().upstream);

    // B's later writes go out: only the batch with the orphan failed.
    outbox.forgetFailures(1);
    engine.set(1, k2, catalog.internValue("C"), 3);
    collect();
    for (Outbox::Sent& x : outbox.send(1)) {
        x.done.waitForFinished();
        QVERIFY(x.done.result());
    }
    const Result<std::vector<LogRecord>> log = await(workers[1]->readOplog());
    QVERIFY(log);
    for (const LogRecord& r : log.value())
        QVERIFY2(r.origin != "A", "B holds a copy of A's dropped write");
    QVERIFY(!log.value().empty());
}

} // namespace

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"

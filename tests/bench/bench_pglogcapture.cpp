// PostgreSQL capture=log (backends/postgreslogcapture.h) on the lab's server:
//  - catch-up: 100,000 outside writes (transactions of 100 rows, made while no Syncscope ran)
//    captured by the next open, against the server's own time to write them: capture rate over
//    write rate, measured in the same run (target 0.8 or more);
//  - live: once the slot is quiet again (catch_up_echo_ms: the catch-up's own grade updates come
//    back through the slot first), another connection commits 100 rows every 20 ms (5,000
//    writes/s offered) for 5 s while the store is watched; the lag of each write from its INSERT
//    (clock_timestamp(), kept in the grade) to its oplog entry (wall_ms), p50 / p99 / max (target
//    p99 < 100 ms);
//  - the cost to an outside client: single-row INSERT transactions per second on a store with
//    triggers and on one with capture=log (watched, so the slot streams), one after the other.
// Every figure stands only if the oplog holds exactly the rows written (checked).
#include "postgreslogcapture.h"
#include "storebench.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

using namespace syncscope;

namespace {

// An outside client of the store's database, as psql or an application would be.
class Client {
public:
    Client(const QString& uri, const QString& password, const QString& name)
        : name_(name) {
        const QUrl url(uri);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name_);
        db.setHostName(url.host());
        db.setPort(url.port());
        db.setUserName(url.userName());
        db.setPassword(password);
        db.setDatabaseName(url.path().mid(1));
        if (!db.open())
            qFatal("bench_pglogcapture: %s", qPrintable(db.lastError().text()));
    }
    ~Client() { QSqlDatabase::removeDatabase(name_); }
    // Rows `prefix`from .. `prefix`to, one transaction; the grade is the time of the INSERT in ms.
    void insert(const QString& prefix, int from, int to) {
        QSqlQuery q(QSqlDatabase::database(name_, false));
        q.prepare(QStringLiteral("INSERT INTO grades(student_id, course_id, grade) SELECT ? || n, "
                                 "'C1', (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
                                 "::text FROM generate_series(?::int, ?::int) AS n"));
        q.addBindValue(prefix);
        q.addBindValue(from);
        q.addBindValue(to);
        if (!q.exec())
            qFatal("bench_pglogcapture: %s", qPrintable(q.lastError().text()));
    }
    qint64 value(const QString& sql) {
        QSqlQuery q(QSqlDatabase::database(name_, false));
        if (!q.exec(sql) || !q.next())
            qFatal("bench_pglogcapture: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return q.value(0).toLongLong();
    }

private:
    QString name_;
};

std::unique_ptr<StoreWorker> openWorker(const QString& uri, const QString& password) {
    auto made = StoreFactory::create(QStringLiteral("PG"), uri, password);
    if (!made)
        qFatal("bench_pglogcapture: %s", qPrintable(made.error().toString()));
    auto worker = std::make_unique<StoreWorker>(std::move(made.value()));
    if (Status s = worker->open().result(); !s)
        qFatal("bench_pglogcapture: %s", qPrintable(s.error().toString()));
    return worker;
}

void spinUntil(const std::function<bool()>& done, int limitMs) {
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < limitMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    if (!done())
        qFatal("bench_pglogcapture: not done within %d ms", limitMs);
}

void expectOplog(Client& c, qint64 rows) {
    const qint64 held = c.value(QStringLiteral("SELECT count(*) FROM oplog"));
    const qint64 distinct =
        c.value(QStringLiteral("SELECT count(DISTINCT (student_id, course_id)) FROM oplog"));
    if (held != rows || distinct != rows)
        qFatal("bench_pglogcapture: the oplog holds %lld entries (%lld keys), not %lld",
               static_cast<long long>(held), static_cast<long long>(distinct),
               static_cast<long long>(rows));
}

// Single-row INSERT transactions per second by an outside client for 3 s.
double insertRate(const QString& uri, const QString& password, const QString& name) {
    Client c(uri, password, name);
    int n = 0;
    const double took = bench::seconds([&] {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 3000) {
            ++n;
            c.insert(QStringLiteral("I"), n, n);
        }
    });
    return n / took;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int writes = argc > 1 ? std::atoi(argv[1]) : 100000;
    constexpr int kPerTransaction = 100;
    const lab::Servers servers = bench::labServers();

    // Catch-up.
    const QString uri =
        bench::fresh(servers.postgres, servers.password) + QStringLiteral("?capture=log");
    openWorker(uri, servers.password).reset(); // the slot, then nobody captures
    double writeSeconds = 0;
    {
        Client c(uri, servers.password, QStringLiteral("catch-up"));
        writeSeconds = bench::seconds([&] {
            for (int at = 1; at <= writes; at += kPerTransaction)
                c.insert(QStringLiteral("K"), at, std::min(writes, at + kPerTransaction - 1));
        });
    }
    std::unique_ptr<StoreWorker> worker;
    const double captureSeconds =
        bench::seconds([&] { worker = openWorker(uri, servers.password); });
    Client check(uri, servers.password, QStringLiteral("check"));
    expectOplog(check, writes);
    bench::Json("pglogcapture_catch_up")
        .num("writes", writes)
        .num("rows_per_transaction", kPerTransaction)
        .num("server_write_seconds", writeSeconds)
        .num("capture_seconds", captureSeconds)
        .num("capture_per_s", writes / captureSeconds)
        .num("capture_over_write_rate", writeSeconds / captureSeconds)
        .print();

    // Live, from a quiet slot: the capture's own grade updates of the catch-up come back
    // through the slot first (to be recognised and dropped), and the lag is measured after them.
    if (Result<bool> w = worker->watchChanges().result(); !w || !w.value())
        qFatal("bench_pglogcapture: the store does not stream");
    const QString slot = PostgresLogCapture::slotName(QUrl(uri).path().mid(1));
    QElapsedTimer quieting;
    quieting.start();
    spinUntil(
        [&] {
            return check.value(QStringLiteral("SELECT (confirmed_flush_lsn >= "
                                              "pg_current_wal_insert_lsn())::int FROM "
                                              "pg_replication_slots WHERE slot_name = '%1'")
                                   .arg(slot)) == 1;
        },
        60000);
    const qint64 echoMs = quieting.elapsed();
    constexpr int kTickMs = 20, kSeconds = 5;
    int live = 0;
    {
        Client writer(uri, servers.password, QStringLiteral("live"));
        QElapsedTimer clock;
        clock.start();
        qint64 next = 0;
        while (clock.elapsed() < kSeconds * 1000) {
            if (clock.elapsed() >= next) {
                writer.insert(QStringLiteral("L"), live + 1, live + kPerTransaction);
                live += kPerTransaction;
                next += kTickMs;
            }
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            QThread::usleep(500);
        }
    }
    spinUntil(
        [&] { return check.value(QStringLiteral("SELECT count(*) FROM oplog")) >= writes + live; },
        60000);
    expectOplog(check, writes + live);
    const QString lag = QStringLiteral("SELECT percentile_disc(%1) WITHIN GROUP (ORDER BY wall_ms "
                                       "- grade::bigint) FROM oplog WHERE student_id LIKE 'L%'");
    bench::Json("pglogcapture_live")
        .num("writes", live)
        .num("offered_per_s", kPerTransaction * 1000.0 / kTickMs)
        .num("catch_up_echo_ms", static_cast<double>(echoMs))
        .num("lag_p50_ms", static_cast<double>(check.value(lag.arg(0.5))))
        .num("lag_p99_ms", static_cast<double>(check.value(lag.arg(0.99))))
        .num("lag_max_ms", static_cast<double>(check.value(lag.arg(1.0))))
        .print();

    // The cost to an outside client's INSERTs.
    const QString triggersUri = bench::fresh(servers.postgres, servers.password);
    auto withTriggers = openWorker(triggersUri, servers.password);
    const double triggersRate = insertRate(triggersUri, servers.password, QStringLiteral("t"));
    const double logRate = insertRate(uri, servers.password, QStringLiteral("l"));
    bench::Json("pglogcapture_outside_insert_cost")
        .num("triggers_inserts_per_s", triggersRate)
        .num("log_inserts_per_s", logRate)
        .num("log_over_triggers", logRate / triggersRate)
        .print();
    spinUntil(
        [&] {
            return check.value(QStringLiteral("SELECT count(*) FROM oplog WHERE student_id LIKE "
                                              "'I%'")) ==
                   check.value(QStringLiteral("SELECT count(*) FROM grades WHERE student_id LIKE "
                                              "'I%'"));
        },
        60000);
    worker.reset();
    withTriggers.reset();
    bench::giveBackDisk("bench_pglogcapture");
    return 0;
}

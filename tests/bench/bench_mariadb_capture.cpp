// capture=log on MariaDB, on the lab's server (binlog in ROW format), outside writes made by a
// plain Qt Sql client (QMYSQL) as another program would:
//  - capture rate: 50,000 rows written by the client in transactions of 100, then captured by
//    a store's open (the drain to the binlog's end), against the client's own write rate for
//    the same rows measured in the same run (target: at least 0.8 of it);
//  - lag: the client writes 100 rows every 20 ms (5,000 writes/s offered) for 5 s while a store
//    watches; each row's lag from the client's commit to the store's changed() and its read of
//    the oplog, p50 / p99 / max (target: p99 under 100 ms);
//  - cost to the client: single-row INSERTs per second on a table with the capture triggers,
//    and on one with capture=log following it.
// Each figure is checked against the oplog (a figure for a wrong result is worthless).
#include "lagsummary.h"
#include "storebench.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <atomic>
#include <thread>

using namespace syncscope;

namespace {

std::unique_ptr<StoreWorker> openWorker(const QString& uri, const QString& password) {
    auto made = StoreFactory::create(QStringLiteral("SQL"), uri, password);
    if (!made)
        qFatal("bench_mariadb_capture: %s", qPrintable(made.error().toString()));
    auto worker = std::make_unique<StoreWorker>(std::move(made.value()));
    if (Status s = worker->open().result(); !s)
        qFatal("bench_mariadb_capture: %s", qPrintable(s.error().toString()));
    return worker;
}

// An outside client's connection (named `name`), in the thread that calls it.
QSqlDatabase client(const QString& name, const QString& uri, const QString& password) {
    const QUrl url(uri);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), name);
    db.setHostName(url.host());
    db.setPort(url.port());
    db.setUserName(url.userName());
    db.setPassword(password);
    db.setDatabaseName(url.path().mid(1));
    if (!db.open())
        qFatal("bench_mariadb_capture: %s", qPrintable(db.lastError().text()));
    return db;
}

void exec(QSqlQuery& q) {
    if (!q.exec())
        qFatal("bench_mariadb_capture: %s", qPrintable(q.lastError().text()));
}

// One multi-row INSERT of `rows` keys "<prefix><i>".
void insertRows(QSqlDatabase& db, const QString& prefix, int from, int rows) {
    QString sql = QStringLiteral("INSERT INTO grades(student_id, course_id, grade) VALUES ");
    for (int i = 0; i < rows; ++i)
        sql += (i ? QStringLiteral(",(?, 'C1', 'A')") : QStringLiteral("(?, 'C1', 'A')"));
    QSqlQuery q(db);
    q.prepare(sql);
    for (int i = 0; i < rows; ++i)
        q.addBindValue(prefix + QString::number(from + i));
    exec(q);
}

int64_t oplogCount(QSqlDatabase& db) {
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM oplog"));
    exec(q);
    q.next();
    return q.value(0).toLongLong();
}

void captureRate(const lab::Servers& servers) {
    const int rows = 50000, perTransaction = 100;
    const QString uri =
        bench::fresh(servers.mariadb, servers.password) + QStringLiteral("?capture=log");
    openWorker(uri, servers.password).reset(); // the schema, and where capture starts
    QSqlDatabase db = client(QStringLiteral("rate"), uri, servers.password);
    const double writeS = bench::seconds([&] {
        for (int at = 0; at < rows; at += perTransaction) {
            db.transaction();
            insertRows(db, QStringLiteral("S"), at, perTransaction);
            db.commit();
        }
    });
    const double captureS = bench::seconds([&] { openWorker(uri, servers.password).reset(); });
    if (oplogCount(db) != rows)
        qFatal("bench_mariadb_capture: %lld of %d rows captured",
               static_cast<long long>(oplogCount(db)), rows);
    bench::Json("mariadb_capture_rate")
        .num("rows", rows)
        .num("client_rows_per_s", rows / writeS)
        .num("capture_rows_per_s", rows / captureS)
        .num("capture_vs_client", writeS / captureS)
        .print();
}

void lag(const lab::Servers& servers) {
    const int batches = 250, perBatch = 100; // 5,000 writes/s for 5 s
    const QString uri =
        bench::fresh(servers.mariadb, servers.password) + QStringLiteral("?capture=log");
    auto store = openWorker(uri, servers.password);
    if (!store->watchChanges().result().ok())
        qFatal("bench_mariadb_capture: cannot watch");
    QElapsedTimer clock;
    clock.start();
    std::vector<std::atomic<int64_t>> committedAt(batches);
    for (auto& t : committedAt)
        t = -1;
    std::vector<int64_t> lags;
    int64_t seen = 0, position = 0;
    bool reading = false;
    std::function<void()> readTail = [&] {
        if (reading)
            return;
        reading = true;
        const Result<std::vector<LogRecord>> tail = store->readOplog(position).result();
        reading = false;
        if (!tail)
            qFatal("bench_mariadb_capture: %s", qPrintable(tail.error().toString()));
        const int64_t now = clock.elapsed();
        for (const LogRecord& r : tail.value()) {
            position = r.position;
            const size_t underscore = r.studentId.find('_');
            const int batch = std::stoi(r.studentId.substr(1, underscore - 1));
            const int64_t at = committedAt[static_cast<size_t>(batch)].load();
            lags.push_back(at < 0 ? 0 : std::max<int64_t>(0, now - at));
            ++seen;
        }
    };
    QObject::connect(store.get(), &StoreWorker::changesNoticed, store.get(), readTail);
    std::thread writer([&] {
        {
            QSqlDatabase db = client(QStringLiteral("lag"), uri, servers.password);
            for (int b = 0; b < batches; ++b) {
                const int64_t due = int64_t(b) * 20;
                while (clock.elapsed() < due)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                insertRows(db, QStringLiteral("L%1_").arg(b), 0, perBatch);
                committedAt[static_cast<size_t>(b)] = clock.elapsed();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("lag"));
    });
    const int total = batches * perBatch;
    while (seen < total && clock.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    writer.join();
    if (seen != total)
        qFatal("bench_mariadb_capture: %lld of %d writes seen", static_cast<long long>(seen),
               total);
    const LagSummary s = summarizeLags(lags);
    bench::Json("mariadb_capture_lag")
        .num("offered_writes_per_s", 5000)
        .num("sustained_writes_per_s", total / (static_cast<double>(clock.elapsed()) / 1000.0))
        .num("lag_p50_ms", double(s.p50))
        .num("lag_p99_ms", double(s.p99))
        .num("lag_max_ms", double(s.max))
        .print();
}

// Single-row autocommit INSERTs per second by the client on a store's table.
double insertRate(const QString& uri, const QString& password, const QString& name) {
    const int rows = 5000;
    QSqlDatabase db = client(name, uri, password);
    const double s = bench::seconds([&] {
        for (int i = 0; i < rows; ++i)
            insertRows(db, QStringLiteral("I"), i, 1);
    });
    return rows / s;
}

void clientCost(const lab::Servers& servers) {
    const QString triggersUri = bench::fresh(servers.mariadb, servers.password);
    openWorker(triggersUri, servers.password).reset();
    const double withTriggers = insertRate(triggersUri, servers.password, QStringLiteral("t"));
    const QString logUri =
        bench::fresh(servers.mariadb, servers.password) + QStringLiteral("?capture=log");
    auto store = openWorker(logUri, servers.password);
    if (!store->watchChanges().result().ok())
        qFatal("bench_mariadb_capture: cannot watch");
    const double withLog = insertRate(logUri, servers.password, QStringLiteral("l"));
    QSqlDatabase db = QSqlDatabase::database(QStringLiteral("l"));
    QElapsedTimer wait;
    wait.start();
    while (oplogCount(db) < 5000 && wait.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (oplogCount(db) != 5000)
        qFatal("bench_mariadb_capture: the followed inserts were not all captured");
    bench::Json("mariadb_capture_client_cost")
        .num("inserts_per_s_triggers", withTriggers)
        .num("inserts_per_s_log", withLog)
        .num("log_vs_triggers", withLog / withTriggers)
        .print();
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const lab::Servers servers = bench::labServers();
    captureRate(servers);
    lag(servers);
    clientCost(servers);
    return 0;
}

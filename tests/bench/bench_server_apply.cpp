// MariaDB and PostgreSQL write-back: a batched apply of 1,000,000 writes (grades and oplog)
// through SqlStore, as a ratio to the server's own bulk loader (LOAD DATA LOCAL INFILE through
// the mysql client, COPY FROM STDIN through psql's \copy) loading the same rows into the same
// two tables (same schema, indexes and triggers), measured in the same run; and the round trip
// of one SET through the store's worker (what the command bar waits for), p50 and p99. Then
// the check: verify --checksums of our store against the loader's finds nothing, and
// finds a row deleted and a value corrupted behind Syncscope's back, naming both.
#include "benchutil.h"
#include "labservers.h"
#include "storebench.h"
#include "storefactory.h"
#include "storeworker.h"
#include "uiprobe.h"
#include "verifyafterload.h"
#include "verifystores.h"

#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>

using namespace syncscope;

namespace {

// The rows as the bulk loaders read them: tab-separated, \N for NULL.
void writeLoadFiles(const std::vector<LogRecord>& rows, const QString& oplog,
                    const QString& grades) {
    std::string o, g;
    for (const LogRecord& r : rows) {
        const std::string common = r.studentId + '\t' + r.courseId + '\t' + r.value + '\t' +
                                   std::to_string(r.ts) + '\t' + r.origin + '\t' +
                                   std::to_string(r.seq);
        o += "SET\t" + common + "\t1700000000000\t\\N\n";
        g += common + "\t\\N\n";
    }
    QFile fo(oplog), fg(grades);
    if (!fo.open(QIODevice::WriteOnly) || !fg.open(QIODevice::WriteOnly))
        qFatal("bench_server_apply: cannot write the load files");
    fo.write(o.data(), static_cast<qint64>(o.size()));
    fg.write(g.data(), static_cast<qint64>(g.size()));
}

void runClient(const QString& program, const QStringList& args, const char* passwordVariable,
               const QString& password) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(passwordVariable), password);
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(600000) || p.exitCode() != 0)
        qFatal("bench_server_apply: %s failed: %s", qPrintable(program),
               (p.readAllStandardError() + p.readAllStandardOutput()).constData());
}

double bulkLoad(bool mariadb, const QString& uri, const QString& password, const QString& oplog,
                const QString& grades) {
    const QUrl url(uri);
    // The loaders run as Syncscope would, so the capture triggers leave the rows alone.
    if (mariadb) {
        const QString sql =
            QStringLiteral("SET @syncscope_writer = 1; "
                           "LOAD DATA LOCAL INFILE '%1' INTO TABLE oplog (op, student_id, "
                           "course_id, grade, ts, origin, seq, wall_ms, context); "
                           "LOAD DATA LOCAL INFILE '%2' INTO TABLE grades (student_id, "
                           "course_id, grade, ts, origin, seq, attributes);")
                .arg(oplog, grades);
        return bench::seconds([&] {
            runClient(QStringLiteral("mysql"),
                      {QStringLiteral("--no-defaults"), QStringLiteral("--local-infile=1"),
                       QStringLiteral("-h"), url.host(), QStringLiteral("-P"),
                       QString::number(url.port()), QStringLiteral("-u"), url.userName(),
                       url.path().mid(1), QStringLiteral("-e"), sql},
                      "MYSQL_PWD", password);
        });
    }
    return bench::seconds([&] {
        runClient(QStringLiteral("psql"),
                  {QStringLiteral("-X"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                   QStringLiteral("-h"), url.host(), QStringLiteral("-p"),
                   QString::number(url.port()), QStringLiteral("-U"), url.userName(),
                   QStringLiteral("-d"), url.path().mid(1), QStringLiteral("-c"),
                   QStringLiteral("SET syncscope.writer = 'on'"), QStringLiteral("-c"),
                   QStringLiteral("\\copy oplog(op, student_id, course_id, grade, ts, origin, "
                                  "seq, wall_ms, context) FROM '%1'")
                       .arg(oplog),
                   QStringLiteral("-c"),
                   QStringLiteral("\\copy grades(student_id, course_id, grade, ts, origin, seq, "
                                  "attributes) FROM '%1'")
                       .arg(grades)},
                  "PGPASSWORD", password);
    });
}

// Deletes one key's row and empties another's grade in the store at `uri`, as Syncscope's own
// writer (the capture triggers leave it alone) and with bound parameters.
void plantBehindTheStoresBack(bool mariadb, const QString& uri, const QString& password,
                              const LogRecord& gone, const LogRecord& spoilt) {
    const QUrl url(uri);
    const QString connection = QStringLiteral("bench-plant");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(
            mariadb ? QStringLiteral("QMYSQL") : QStringLiteral("QPSQL"), connection);
        db.setHostName(url.host());
        db.setPort(url.port());
        db.setUserName(url.userName());
        db.setPassword(password);
        db.setDatabaseName(url.path().mid(1));
        if (!db.open())
            qFatal("bench_server_apply: %s", qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        // The SET takes no parameters, and PostgreSQL cannot prepare it.
        const auto run = [&q](const QString& sql, const LogRecord* key) {
            bool ok = false;
            if (key) {
                q.prepare(sql);
                q.addBindValue(QString::fromStdString(key->studentId));
                q.addBindValue(QString::fromStdString(key->courseId));
                ok = q.exec();
            } else {
                ok = q.exec(sql);
            }
            if (!ok)
                qFatal("bench_server_apply: %s", qPrintable(q.lastError().text()));
        };
        run(mariadb ? QStringLiteral("SET @syncscope_writer = 1")
                    : QStringLiteral("SET syncscope.writer = 'on'"),
            nullptr);
        run(QStringLiteral("DELETE FROM grades WHERE student_id = ? AND course_id = ?"), &gone);
        run(QStringLiteral("UPDATE grades SET grade = '' WHERE student_id = ? AND course_id = ?"),
            &spoilt);
    }
    QSqlDatabase::removeDatabase(connection);
}

Result<VerifyReport> verifyPair(const QString& ours, const QString& reference,
                                const QString& password) {
    StoreWorker a(bench::makeStore(ours, password)), b(bench::makeStore(reference, password));
    for (StoreWorker* w : {&a, &b})
        if (QFuture<Status> opened = w->open(); !opened.result())
            qFatal("bench_server_apply: %s", qPrintable(opened.result().error().toString()));
    return verifyByChecksums({&a, &b});
}

// The check on a real server: the million rows our apply wrote agree with the ones the
// server's own loader wrote (verify --checksums finds nothing), and a row then deleted and a
// value then corrupted behind Syncscope's back are both found and named. A wrong answer stops
// the run: a figure for it would be worthless.
void verifyAgainstLoader(bool mariadb, const std::string& name, const QString& ours,
                         const QString& reference, const QString& password,
                         const std::vector<LogRecord>& rows) {
    Result<VerifyReport> clean = StoreError{};
    const double seconds = bench::seconds([&] { clean = verifyPair(ours, reference, password); });
    bench::requireNothingFound(name, clean);
    const LogRecord& gone = rows[rows.size() / 3];
    const LogRecord& spoilt = rows[rows.size() * 2 / 3];
    plantBehindTheStoresBack(mariadb, ours, password, gone, spoilt);
    bench::reportVerifyAfterLoad(
        name + "_verify_after_load",
        "our apply against the server loader's load of the same rows, verify --checksums",
        rows.size(), seconds, clean.value(), verifyPair(ours, reference, password), gone, spoilt);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int keys = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const lab::Servers servers = bench::labServers();
    const std::vector<LogRecord> rows = bench::storeRows("HIVE", keys);
    QTemporaryDir dir;
    const QString oplogFile = dir.filePath(QStringLiteral("oplog.tsv"));
    const QString gradesFile = dir.filePath(QStringLiteral("grades.tsv"));
    writeLoadFiles(rows, oplogFile, gradesFile);

    for (const bool mariadb : {true, false}) {
        const QString server = mariadb ? servers.mariadb : servers.postgres;
        const char* name = mariadb ? "mariadb" : "postgresql";

        const QString ours = bench::fresh(server, servers.password);
        std::unique_ptr<Store> store = bench::openStore(ours, servers.password);
        const double apply = bench::timedApply(*store, rows, name);
        store.reset();

        const QString reference = bench::fresh(server, servers.password);
        bench::openStore(reference, servers.password).reset(); // the same schema and triggers
        const double load = bulkLoad(mariadb, reference, servers.password, oplogFile, gradesFile);
        verifyAgainstLoader(mariadb, name, ours, reference, servers.password, rows);
        const auto [p50, p99] = bench::setLatency(ours, servers.password);

        bench::printApplyFigure(std::string(name) + "_merge_apply", keys, apply,
                                mariadb ? "reference_load_data_s" : "reference_copy_s", load);
        bench::Json(std::string(name) + "_set_round_trip")
            .num("p50_ms", p50)
            .num("p99_ms", p99)
            .print();
        bench::giveBackDisk("bench_server_apply");
    }
    return 0;
}

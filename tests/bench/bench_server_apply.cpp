// MariaDB and PostgreSQL write-back: a batched apply of 1,000,000 writes (grades and oplog)
// through SqlStore, as a ratio to the server's own bulk loader (LOAD DATA LOCAL INFILE through
// the mysql client, COPY FROM STDIN through psql's \copy) loading the same rows into the same
// two tables (same schema, indexes and triggers), measured in the same run; and the round trip
// of one SET through the store's worker (what the command bar waits for), p50 and p99.
#include "benchutil.h"
#include "labservers.h"
#include "storebench.h"
#include "storefactory.h"
#include "storeworker.h"
#include "uiprobe.h"

#include <QProcess>
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
        const auto [p50, p99] = bench::setLatency(ours, servers.password);

        bench::printApplyFigure(std::string(name) + "_merge_apply", keys, apply,
                                mariadb ? "reference_load_data_s" : "reference_copy_s", load);
        bench::Json(std::string(name) + "_set_round_trip")
            .num("p50_ms", p50)
            .num("p99_ms", p99)
            .print();
    }
    return 0;
}

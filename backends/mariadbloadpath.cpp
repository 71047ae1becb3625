#include "mariadbloadpath.h"

#include "sqldialect.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

namespace syncscope {

namespace {

// LOAD DATA's own defaults (tab, newline, backslash escapes, \N) are the format
// BulkWritePath writes; the character set is named, as the server's default may differ.
const QString kLoad = QStringLiteral("LOAD DATA LOCAL INFILE '%1' INTO TABLE %2 CHARACTER SET "
                                     "utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
                                     "LINES TERMINATED BY '\\n' %3");

// Whether `path` can stand inside a quoted SQL literal as it is.
bool plainPath(const QString& path) {
    for (QChar c : path)
        if (c == QLatin1Char('\'') || c == QLatin1Char('\\') || c.unicode() < 0x20)
            return false;
    return true;
}

} // namespace

std::unique_ptr<MariadbLoadPath> MariadbLoadPath::create(const QString& connection, QString& why) {
    QSqlQuery allowed(QSqlDatabase::database(connection, false));
    if (!allowed.exec(QStringLiteral("SELECT @@GLOBAL.local_infile")) || !allowed.next()) {
        why = allowed.lastError().text();
        return nullptr;
    }
    if (allowed.value(0).toInt() != 1) {
        why = QStringLiteral("the server does not take local files (local_infile is OFF)");
        return nullptr;
    }
    auto folder = std::make_unique<QTemporaryDir>();
    if (!folder->isValid() || !plainPath(folder->path())) {
        why = QStringLiteral("no private folder for the load files (%1)").arg(folder->path());
        return nullptr;
    }
    return std::unique_ptr<MariadbLoadPath>(new MariadbLoadPath(connection, std::move(folder)));
}

MariadbLoadPath::MariadbLoadPath(QString connection, std::unique_ptr<QTemporaryDir> folder)
    : connection_(std::move(connection))
    , folder_(std::move(folder)) {}

MariadbLoadPath::~MariadbLoadPath() = default;

bool MariadbLoadPath::exec(const QString& sql, QString& error) {
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    if (q.exec(sql))
        return true;
    error = q.lastError().text();
    errorCode_ = q.lastError().nativeErrorCode();
    return false;
}

bool MariadbLoadPath::load(const char* file, const QString& statement, QString& error) {
    const QString path = folder_->filePath(QLatin1String(file));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        out.write(buffer_.data(), static_cast<qint64>(buffer_.size())) !=
            static_cast<qint64>(buffer_.size()) ||
        !out.flush()) {
        error = path + QStringLiteral(": ") + out.errorString();
        return false;
    }
    out.close();
    return exec(statement.arg(path), error);
}

bool MariadbLoadPath::writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) {
    errorCode_.clear();
    writeOplogRows(buffer_, batch, wallMs);
    if (!load("oplog.tsv",
              kLoad.arg(QStringLiteral("%1"), QStringLiteral("oplog"),
                        QStringLiteral("(op, student_id, course_id, grade, ts, origin, seq, "
                                       "wall_ms, context)")),
              error))
        return false;

    if (!writeGradeRows(buffer_, batch))
        return true;
    // Created on the connection's first batch (again after a reconnection); emptied after
    // each batch. A temporary table is the session's own, and InnoDB's rolls back with the
    // batch. `n` keeps the load order, in which the upsert applies the writes.
    return exec(QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS syncscope_batch (n BIGINT "
                               "NOT NULL AUTO_INCREMENT PRIMARY KEY, student_id VARCHAR(64) NOT "
                               "NULL, course_id VARCHAR(64) NOT NULL, grade VARCHAR(64) NULL, ts "
                               "BIGINT NOT NULL, origin VARCHAR(64) NOT NULL, seq BIGINT NOT NULL) "
                               "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
                error) &&
           load("grades.tsv",
                kLoad.arg(QStringLiteral("%1"), QStringLiteral("syncscope_batch"),
                          QStringLiteral("(student_id, course_id, grade, ts, origin, seq)")),
                error) &&
           exec(QStringLiteral("INSERT INTO grades(student_id, course_id, grade, ts, origin, seq, "
                               "attributes) SELECT student_id, course_id, grade, ts, origin, seq, "
                               "NULL FROM syncscope_batch ORDER BY n") +
                    SqlDialect::mariadbUpsertTail(),
                error) &&
           exec(QStringLiteral("DELETE FROM syncscope_batch"), error);
}

} // namespace syncscope

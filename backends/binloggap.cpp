#include "binloggap.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <optional>
#include <utility>

namespace syncscope {

namespace {

std::string text(const QVariant& v) {
    return v.toString().toStdString();
}

binlog::Cell cell(const QVariant& v) {
    return v.isNull() ? binlog::Cell() : binlog::Cell(text(v));
}

// A row image of grades in the table's layout holding the key and the grade (the other
// columns are not read by the capture).
binlog::RowImage image(const GradesLayout& layout, binlog::Cell student, binlog::Cell course,
                       binlog::Cell grade) {
    binlog::RowImage i;
    i.cells.assign(layout.columns, binlog::Cell());
    i.present.assign(layout.columns, true);
    i.cells[layout.student] = std::move(student);
    i.cells[layout.course] = std::move(course);
    i.cells[layout.grade] = std::move(grade);
    return i;
}

bool failed(const QSqlQuery& query, QString& why) {
    why = query.lastError().text();
    return false;
}

} // namespace

bool binlogFileHeld(const QString& connection, const std::string& file, bool& held, QString& why) {
    QSqlQuery logs(QSqlDatabase::database(connection, false));
    if (!logs.exec(QStringLiteral("SHOW BINARY LOGS")))
        return failed(logs, why);
    held = false;
    while (logs.next())
        held = held || text(logs.value(0)) == file;
    return true;
}

bool readPurgedStretch(const QString& connection, const GradesLayout& layout,
                       const BinlogPosition& lostFrom, BinlogTransaction& out, QString& why) {
    QSqlDatabase db = QSqlDatabase::database(connection, false);
    QSqlQuery query(db);
    // The rows and the binlog position they stand at, as of one moment (MariaDB keeps the
    // position of a consistent snapshot in Binlog_snapshot_file and _position). Only REPEATABLE
    // READ reads every statement from that snapshot: under READ COMMITTED (a server's default
    // may be) each SELECT would see later commits, which the log read from the position
    // captures again.
    if (!query.exec(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")) ||
        !query.exec(QStringLiteral("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")))
        return failed(query, why);
    auto fail = [&](const QSqlQuery& q) {
        failed(q, why);
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return false;
    };
    if (!query.exec(QStringLiteral("SHOW STATUS LIKE 'binlog_snapshot_%'")))
        return fail(query);
    BinlogTransaction t;
    while (query.next()) {
        const QString name = query.value(0).toString().toLower();
        if (name == QLatin1String("binlog_snapshot_file"))
            t.end.file = text(query.value(1));
        else if (name == QLatin1String("binlog_snapshot_position"))
            t.end.offset = query.value(1).toULongLong();
    }
    if (!t.end.valid()) {
        why = QStringLiteral("the server gave no binlog position for a consistent snapshot");
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    // The files are numbered anew after RESET MASTER (or a renamed log_bin): a position that
    // does not come after the lost one would make every later capture look captured already.
    if (!t.end.after(lostFrom)) {
        why =
            QStringLiteral("the binlog is now at %1, not after %2 (RESET MASTER, or log_bin "
                           "renamed?): to capture from the log's end on, delete the rows "
                           "binlog_position and binlog_gtid of syncscope_meta (outside writes "
                           "made since the reset are then not captured), or open the store "
                           "with capture=triggers")
                .arg(QString::fromStdString(t.end.text()), QString::fromStdString(lostFrom.text()));
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    // Rows no write of the oplog accounts for: an outside INSERT left the defaults (ts 0, no
    // origin), an outside UPDATE kept the (origin, seq) of the write it overwrote.
    if (!query.exec(QStringLiteral(
            "SELECT g.student_id, g.course_id, g.grade FROM grades g WHERE NOT EXISTS (SELECT 1 "
            "FROM oplog o WHERE o.student_id = g.student_id AND o.course_id = g.course_id AND "
            "o.origin = g.origin AND o.seq = g.seq AND o.op <> 'GET' AND o.grade <=> g.grade) "
            "ORDER BY g.student_id, g.course_id")))
        return fail(query);
    while (query.next()) {
        GradesChange c;
        c.kind = binlog::RowsKind::Insert;
        c.after = image(layout, cell(query.value(0)), cell(query.value(1)), cell(query.value(2)));
        t.changes.push_back(std::move(c));
    }
    // Keys with no row: gone by an outside DELETE when the oplog's greatest write of the key
    // (by ts, origin, seq) set a grade; an outside DELETE captured before left no row either.
    if (!query.exec(QStringLiteral(
            "SELECT o.student_id, o.course_id, o.grade FROM oplog o WHERE o.op <> 'GET' AND NOT "
            "EXISTS (SELECT 1 FROM grades g WHERE g.student_id = o.student_id AND g.course_id = "
            "o.course_id) ORDER BY o.student_id, o.course_id, o.ts, o.origin, o.seq")))
        return fail(query);
    std::optional<std::pair<QString, QString>> key;
    bool live = false;
    const auto deleteIfLive = [&] {
        if (key && live) {
            GradesChange c;
            c.kind = binlog::RowsKind::Delete;
            c.before = image(layout, key->first.toStdString(), key->second.toStdString(), {});
            t.changes.push_back(std::move(c));
        }
    };
    while (query.next()) {
        std::pair<QString, QString> k{query.value(0).toString(), query.value(1).toString()};
        if (key != k) {
            deleteIfLive();
            key = std::move(k);
        }
        live = !query.value(2).isNull(); // the last of the key's writes decides
    }
    deleteIfLive();
    if (!query.exec(QStringLiteral("COMMIT")))
        return fail(query);
    t.gap = QStringLiteral("the binlog from %1 was purged before this store read it, so the "
                           "outside writes in it are not known one by one: the table was "
                           "compared with the oplog instead, and the %2 rows that differed are "
                           "captured as they stood at %3")
                .arg(QString::fromStdString(lostFrom.text()))
                .arg(t.changes.size())
                .arg(QString::fromStdString(t.end.text()))
                .toStdString();
    out = std::move(t);
    return true;
}

} // namespace syncscope

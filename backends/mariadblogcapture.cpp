#include "mariadblogcapture.h"

#include "binloggap.h"
#include "bulkwritepath.h"
#include "identifiers.h"
#include "logrecord.h"
#include "sqldialect.h"
#include "utf8.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <map>

namespace syncscope {

namespace {

constexpr size_t kRowsPerDrainBatch = 20000; // as many as one append batch of the other engines
constexpr int kRowsPerStatement = 500;
constexpr size_t kRowsForBulkPath = 2000;
// A follower that reads only transactions it does not capture still hands the store a place to
// save after this many bytes of log.
constexpr uint64_t kBytesBetweenMarks = 4u << 20;

QString q(const std::string& s) {
    return toQString(s);
}

// A problem worded for the user, naming where in the binlog it happened.
QString at(const BinlogTransaction& t) {
    return QStringLiteral("binlog %1 (GTID %2)").arg(q(t.end.text()), q(t.end.gtid));
}

// What a capture writes for one outside change: the oplog entry, and what becomes of the row.
struct Captured {
    LogRecord record;
    bool removesRow = false; // an outside DELETE: the row is gone, as the trigger leaves it
    bool leavesRow = false;  // a later write changed the row: it stays as it is
};

struct SetAside {
    const BinlogTransaction* txn = nullptr;
    binlog::Cell student, course, grade;
    QString reason;
};

// An UPDATE's after image with the columns it lacks taken from the before image: under
// binlog_row_image=MINIMAL the after image holds only the columns the statement set, and a
// column it lacks kept its value. Under FULL it holds every column and comes back as it was.
binlog::RowImage completedAfterImage(const GradesChange& change) {
    binlog::RowImage after = change.after;
    for (size_t c = 0; c < after.cells.size() && c < change.before.cells.size(); ++c)
        if (!after.present[c] && change.before.present[c]) {
            after.cells[c] = change.before.cells[c];
            after.present[c] = true;
        }
    return after;
}

QVariant bytes(const binlog::Cell& c) {
    return c ? QVariant(QByteArray(c->data(), qsizetype(c->size()))) : QVariant();
}

// Binds keys[from, from + n) as the (student_id, course_id) pairs of an IN list.
void bindKeys(QSqlQuery& query, const std::vector<std::pair<std::string, std::string>>& keys,
              size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
        query.addBindValue(q(keys[i].first));
        query.addBindValue(q(keys[i].second));
    }
}

// Stands for nothing but a place in the log (past transactions that were not captured):
// apply() saves it as read.
BinlogTransaction positionMark(const BinlogPosition& at) {
    BinlogTransaction t;
    t.end = at;
    t.own = true;
    return t;
}

// Settles the batch against the rows as they are now. A row the batch leaves in another state
// than it holds was changed after these changes (the log is read in commit order, so
// whatever changed it came later): by a later outside write, which a later capture stamps, or
// by a logged write (Syncscope's, or a copy it received). Either way the row is not touched
// (`leavesRow`). When a logged write holds it, the changes are also logged as older than that
// write, their ts just below its: a capture that runs late (the store opened hours after an
// outside write) must not stamp the old value as the newest write and bring it back over what
// Syncscope wrote since.
//
// The rows are read locked (FOR UPDATE): a plain read sees the transaction's snapshot, and an
// outside UPDATE committed since (a key renamed) would be missed, then overwritten.
bool settleAgainstRows(QSqlDatabase& db, std::vector<Captured>& captured, QString& why) {
    // The state each key is left in by the batch: its last change.
    using Key = std::pair<std::string, std::string>;
    std::map<Key, const LogRecord*> last;
    for (const Captured& c : captured)
        last[{c.record.studentId, c.record.courseId}] = &c.record;
    struct Row {
        bool present = false; // with a grade (a tombstone is no grade)
        std::string grade;
        int64_t ts = 0;
        bool logged = false; // a logged write with this very state holds it
    };
    std::map<Key, Row> rows;
    std::vector<Key> keys;
    for (const auto& [key, record] : last)
        keys.push_back(key);
    for (size_t from = 0; from < keys.size(); from += kRowsPerStatement) {
        const size_t n = std::min<size_t>(kRowsPerStatement, keys.size() - from);
        QSqlQuery read(db);
        read.prepare(QStringLiteral("SELECT g.student_id, g.course_id, g.grade, g.ts, EXISTS("
                                    "SELECT 1 FROM oplog o WHERE o.origin = g.origin AND o.seq "
                                    "= g.seq AND o.ts = g.ts AND o.op <> 'GET' AND o.grade <=> "
                                    "g.grade AND o.student_id = g.student_id AND o.course_id = "
                                    "g.course_id) FROM grades g WHERE (g.student_id, "
                                    "g.course_id) IN (%1) FOR UPDATE")
                         .arg(placeholders(static_cast<int>(n), 2)));
        bindKeys(read, keys, from, n);
        if (!read.exec()) {
            why = read.lastError().text();
            return false;
        }
        while (read.next()) {
            Row& row = rows[{read.value(0).toString().toStdString(),
                             read.value(1).toString().toStdString()}];
            row.present = !read.value(2).isNull();
            row.grade = read.value(2).toString().toStdString();
            row.ts = read.value(3).toLongLong();
            row.logged = read.value(4).toInt() != 0;
        }
    }
    for (Captured& c : captured) {
        const Key key{c.record.studentId, c.record.courseId};
        const LogRecord& end = *last[key];
        const Row& row = rows[key]; // absent: no row
        if (row.present == end.hasValue && (!row.present || row.grade == end.value))
            continue;
        c.leavesRow = true;
        if (row.logged)
            c.record.ts = std::min(c.record.ts, row.ts - 1);
    }
    return true;
}

} // namespace

void withoutCaptureTriggers(SqlDialect& d) {
    d.schema.erase(std::remove_if(d.schema.begin(), d.schema.end(),
                                  [](const QString& sql) {
                                      return sql.startsWith(QLatin1String("CREATE TRIGGER"));
                                  }),
                   d.schema.end());
    d.upgrades.erase(std::remove_if(d.upgrades.begin(), d.upgrades.end(),
                                    [](const SqlDialect::Upgrade& u) {
                                        return u.statement.contains(QLatin1String(" TRIGGER "));
                                    }),
                     d.upgrades.end());
}

MariadbLogCapture::MariadbLogCapture(QString connection, QString store, std::string database,
                                     BinlogReader::Login login)
    : connection_(std::move(connection))
    , store_(std::move(store))
    , database_(std::move(database))
    , login_(std::move(login)) {}

bool MariadbLogCapture::exec(const QString& sql, QString& why) {
    QSqlQuery query(QSqlDatabase::database(connection_, false));
    if (query.exec(sql))
        return true;
    why = query.lastError().text();
    return false;
}

bool MariadbLogCapture::checkServer(QString& why) {
    QSqlQuery query(QSqlDatabase::database(connection_, false));
    if (!query.exec(QStringLiteral("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, "
                                   "@@GLOBAL.binlog_row_image")) ||
        !query.next()) {
        why = query.lastError().text();
        return false;
    }
    const QString format = query.value(1).toString(), image = query.value(2).toString();
    if (query.value(0).toInt() != 1) {
        why = QStringLiteral(
            "capture=log reads the server's binary log, which is off (log_bin = 0): add "
            "`log_bin = mariadb-bin`, `server_id = 1`, `binlog_format = ROW` and "
            "`binlog_row_image = FULL` under [mariadbd] in the server's configuration and "
            "restart it (or open the store with capture=triggers)");
        return false;
    }
    if (format.compare(QLatin1String("ROW"), Qt::CaseInsensitive) != 0) {
        why = QStringLiteral("capture=log needs binlog_format ROW, and the server has %1: run "
                             "SET GLOBAL binlog_format = 'ROW'; and put binlog_format = ROW "
                             "under [mariadbd] in its configuration (clients connected before "
                             "keep their format until they reconnect)")
                  .arg(format);
        return false;
    }
    if (image.compare(QLatin1String("FULL"), Qt::CaseInsensitive) != 0) {
        why = QStringLiteral("capture=log needs binlog_row_image FULL (every column of a "
                             "changed row), and the server has %1: run SET GLOBAL "
                             "binlog_row_image = 'FULL'; and put binlog_row_image = FULL under "
                             "[mariadbd] in its configuration")
                  .arg(image);
        return false;
    }
    if (!query.exec(QStringLiteral("SHOW MASTER STATUS")) || !query.next()) {
        why = QStringLiteral("capture=log cannot see the binary log's position (%1): have an "
                             "administrator run GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* "
                             "TO %2;")
                  .arg(query.lastError().text().simplified(), login_.user);
        return false;
    }
    return true;
}

BinlogPosition MariadbLogCapture::saved(QString& why) {
    QSqlQuery query(QSqlDatabase::database(connection_, false));
    if (!query.exec(QStringLiteral("SELECT `key`, value FROM syncscope_meta WHERE `key` IN "
                                   "('binlog_position', 'binlog_gtid')"))) {
        why = query.lastError().text();
        return {};
    }
    std::string position, gtid;
    while (query.next())
        (query.value(0).toString() == QLatin1String("binlog_gtid") ? gtid : position) =
            query.value(1).toString().toStdString();
    BinlogPosition p = BinlogPosition::parse(position, gtid);
    if (!p.valid())
        why = QStringLiteral("syncscope_meta holds no binlog position ('%1')").arg(q(position));
    return p;
}

bool MariadbLogCapture::prepare(QString& why) {
    if (!exec(QStringLiteral(
                  "CREATE TABLE IF NOT EXISTS syncscope_set_aside (id BIGINT NOT NULL "
                  "AUTO_INCREMENT PRIMARY KEY, position VARCHAR(600) NOT NULL, gtid VARCHAR(100) "
                  "NULL, student_id VARBINARY(1024) NULL, course_id VARBINARY(1024) NULL, grade "
                  "BLOB NULL, reason TEXT NOT NULL, wall_ms BIGINT NOT NULL) ENGINE=InnoDB "
                  "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
              why))
        return false;
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    QSqlQuery end(db);
    if (!end.exec(QStringLiteral("SHOW MASTER STATUS")) || !end.next()) {
        why = end.lastError().text();
        return false;
    }
    const QString file = end.value(0).toString();
    const qint64 offset = end.value(1).toLongLong();
    QSqlQuery gtid(db);
    QString gtidText;
    if (gtid.exec(QStringLiteral("SELECT @@GLOBAL.gtid_binlog_pos")) && gtid.next())
        gtidText = gtid.value(0).toString();
    // The first writer to record a position keeps it: a second one racing changes nothing.
    QSqlQuery record(db);
    record.prepare(QStringLiteral("INSERT IGNORE INTO syncscope_meta(`key`, value) VALUES "
                                  "('binlog_position', ?), ('binlog_gtid', ?)"));
    record.addBindValue(QStringLiteral("%1:%2").arg(file).arg(offset));
    record.addBindValue(gtidText);
    if (!record.exec()) {
        why = record.lastError().text();
        return false;
    }
    for (const char* trigger :
         {"grades_capture_insert", "grades_capture_update", "grades_capture_delete"})
        if (!exec(QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(QLatin1String(trigger)), why))
            return false;
    return true;
}

bool MariadbLogCapture::drain(QStringList& problems, QString& why) {
    BinlogPosition from = saved(why);
    if (!from.valid())
        return false;
    // The server purged the saved position's file (expire_logs_days, PURGE BINARY LOGS) before
    // the store read it: the table stands in for what was lost, and reading goes on from there.
    bool held = true;
    if (!binlogFileHeld(connection_, from.file, held, why)) {
        why = QStringLiteral("cannot list the binlog files: ") + why;
        return false;
    }
    if (!held) {
        std::vector<BinlogTransaction> stretch(1);
        if (!readPurged(from, stretch.front(), why)) {
            why = QStringLiteral("the binlog from %1 was purged, and the table could not be "
                                 "compared with the oplog instead: %2")
                      .arg(q(from.text()), why);
            return false;
        }
        const BinlogPosition resume = stretch.front().end;
        if (!apply(stretch, problems, why))
            return false;
        from = resume;
    }
    BinlogReader reader(login_, database_);
    if (!reader.start(from, true, why)) {
        if (why.contains(QLatin1String("REPLICATION SLAVE")))
            why += QStringLiteral("; have an administrator run GRANT REPLICATION SLAVE, BINLOG "
                                  "MONITOR ON *.* TO %1;")
                       .arg(login_.user);
        why = QStringLiteral("cannot read the binlog from %1: %2").arg(q(from.text()), why);
        return false;
    }
    std::vector<BinlogTransaction> batch;
    size_t rows = 0;
    for (;;) {
        BinlogTransaction txn;
        const BinlogReader::Next next = reader.next(txn, why);
        if (next == BinlogReader::Next::Failed) {
            why = QStringLiteral("cannot read the binlog after %1: %2")
                      .arg(q(reader.position().text()), why);
            return false;
        }
        if (next == BinlogReader::Next::Transaction && txn.concernsGrades()) {
            rows += txn.changes.size();
            batch.push_back(std::move(txn));
        }
        // The end of the log is saved even when nothing there was captured (a store only
        // Syncscope writes): the next open starts from it, not from a file the server may have
        // purged meanwhile.
        if (next == BinlogReader::Next::End)
            batch.push_back(positionMark(reader.position()));
        if ((next == BinlogReader::Next::End || rows >= kRowsPerDrainBatch) && !batch.empty()) {
            if (!apply(batch, problems, why))
                return false;
            batch.clear();
            rows = 0;
        }
        if (next == BinlogReader::Next::End)
            break;
    }
    drainedTo_ = reader.position();
    return true;
}

// The columns of grades in table order, as the row images list them (an ALTER may have added
// some: the three a capture reads are found by name).
MariadbLogCapture::Shape MariadbLogCapture::gradeColumns(size_t count, QString& why) {
    if (count == columnCount_)
        return Shape::Known;
    QSqlQuery query(QSqlDatabase::database(connection_, false));
    if (!query.exec(QStringLiteral("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
                                   "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'grades' ORDER BY "
                                   "ORDINAL_POSITION"))) {
        why = QStringLiteral("cannot read the columns of grades: ") + query.lastError().text();
        return Shape::Unreadable;
    }
    std::map<QString, size_t> index;
    size_t n = 0;
    while (query.next())
        index[query.value(0).toString().toLower()] = n++;
    // information_schema does not list a table while a TRUNCATE or ALTER holds it: rows of
    // Syncscope's own layout (with or without the later attributes column) are read as such.
    if (n == 0 && (count == 6 || count == 7)) {
        student_ = 0;
        course_ = 1;
        grade_ = 2;
        return Shape::Known;
    }
    if (n != count || !index.count(QStringLiteral("student_id")) ||
        !index.count(QStringLiteral("course_id")) || !index.count(QStringLiteral("grade"))) {
        why = QStringLiteral("the binlog's rows of grades have %1 columns, and the table now "
                             "has %2 (its shape changed since)")
                  .arg(count)
                  .arg(n);
        return Shape::Changed;
    }
    student_ = index[QStringLiteral("student_id")];
    course_ = index[QStringLiteral("course_id")];
    grade_ = index[QStringLiteral("grade")];
    columnCount_ = count;
    return Shape::Known;
}

bool MariadbLogCapture::readPurged(const BinlogPosition& lost, BinlogTransaction& stretch,
                                   QString& why) {
    QSqlQuery count(QSqlDatabase::database(connection_, false));
    if (!count.exec(QStringLiteral("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                                   "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'grades'")) ||
        !count.next()) {
        why = count.lastError().text();
        return false;
    }
    const size_t columns = count.value(0).toULongLong();
    // None listed: a TRUNCATE or ALTER holds the table right now; the next open tries again.
    if (columns < 3) {
        why = QStringLiteral("the columns of grades are not listed (a TRUNCATE or ALTER holds "
                             "the table?)");
        return false;
    }
    if (gradeColumns(columns, why) != Shape::Known)
        return false;
    return readPurgedStretch(connection_, GradesLayout{columns, student_, course_, grade_}, lost,
                             stretch, why);
}

// The oplog entries and the grade rows by multi-row statements (where the server takes no
// local files for LOAD DATA).
bool MariadbLogCapture::writeByStatements(const std::vector<LogRecord>& entries,
                                          const std::vector<LogRecord>& rows, qint64 wallMs,
                                          QString& why) {
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    const SqlDialect dialect = mariadbDialect();
    const QVariant null;
    for (int pass = 0; pass < 2; ++pass) {
        const bool oplog = pass == 0;
        const std::vector<LogRecord>& records = oplog ? entries : rows;
        for (size_t from = 0; from < records.size(); from += kRowsPerStatement) {
            const int n =
                static_cast<int>(std::min<size_t>(kRowsPerStatement, records.size() - from));
            QSqlQuery insert(db);
            insert.prepare(oplog ? dialect.insertOplog(n) : dialect.upsertGrades(n));
            for (size_t i = from; i < from + static_cast<size_t>(n); ++i) {
                const LogRecord& r = records[i];
                if (oplog)
                    insert.addBindValue(QString::fromLatin1(entryKindName(r.kind)));
                insert.addBindValue(q(r.studentId));
                insert.addBindValue(q(r.courseId));
                insert.addBindValue(r.hasValue ? QVariant(q(r.value)) : null);
                insert.addBindValue(static_cast<qint64>(r.ts));
                insert.addBindValue(q(r.origin));
                insert.addBindValue(static_cast<qint64>(r.seq));
                if (oplog) {
                    insert.addBindValue(wallMs);
                    insert.addBindValue(r.context.empty() ? null : QVariant(q(r.context)));
                } else {
                    insert.addBindValue(null); // attributes: kept as they are
                }
            }
            if (!insert.exec()) {
                why = insert.lastError().text();
                return false;
            }
        }
    }
    return true;
}

bool MariadbLogCapture::apply(std::vector<BinlogTransaction>& transactions, QStringList& problems,
                              QString& why) {
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    if (!db.transaction()) {
        why = db.lastError().text();
        return false;
    }
    auto fail = [&](const QSqlQuery& query) {
        why = query.lastError().text();
        db.rollback();
        return false;
    };
    QSqlQuery lock(db);
    if (!lock.exec(QStringLiteral("SELECT value FROM syncscope_meta WHERE `key` = 'store' FOR "
                                  "UPDATE")))
        return fail(lock);
    // Another process may have captured some of them already: the saved position says.
    const BinlogPosition done = saved(why);
    if (!done.valid()) {
        db.rollback();
        return false;
    }
    std::vector<const BinlogTransaction*> todo;
    for (const BinlogTransaction& t : transactions)
        if (t.end.after(done) && t.concernsGrades())
            todo.push_back(&t);
    // Where the next read starts: past everything read, captured or not (Syncscope's own
    // transactions, and the position marks standing for them).
    const BinlogPosition readTo = transactions.empty() ? done : transactions.back().end;
    const auto savePosition = [&]() {
        QSqlQuery position(db);
        position.prepare(QStringLiteral("REPLACE INTO syncscope_meta(`key`, value) VALUES "
                                        "('binlog_position', ?), ('binlog_gtid', ?)"));
        position.addBindValue(q(readTo.text()));
        position.addBindValue(q(readTo.gtid));
        if (!position.exec())
            return fail(position);
        if (!db.commit()) {
            why = db.lastError().text();
            db.rollback();
            return false;
        }
        return true;
    };
    if (todo.empty()) {
        if (readTo.after(done))
            return savePosition();
        db.rollback();
        return true;
    }

    QSqlQuery greatest(db);
    if (!greatest.exec(QStringLiteral("SELECT COALESCE(MAX(ts), 0) FROM oplog")) ||
        !greatest.next())
        return fail(greatest);
    int64_t ts = greatest.value(0).toLongLong();
    greatest.prepare(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM oplog WHERE origin = ?"));
    greatest.addBindValue(store_);
    if (!greatest.exec() || !greatest.next())
        return fail(greatest);
    uint64_t seq = static_cast<uint64_t>(greatest.value(0).toLongLong());

    const std::string self = store_.toStdString();
    std::vector<Captured> captured;
    std::vector<SetAside> setAside;
    // A row image of grades, or why it cannot be read: a changed shape sets the row aside; a
    // shape that could not be asked for stops the batch (`unreadable`), to be read again.
    bool unreadable = false;
    auto known = [&](const BinlogTransaction& t, size_t columns) {
        QString problem;
        switch (gradeColumns(columns, problem)) {
        case Shape::Known:
            return true;
        case Shape::Changed:
            setAside.push_back({&t, {}, {}, {}, problem});
            return false;
        case Shape::Unreadable:
            if (!unreadable)
                why = problem;
            unreadable = true;
            return false;
        }
        return false;
    };
    auto capture = [&](const BinlogTransaction& t, const binlog::RowImage& image, bool deleted) {
        const binlog::Cell& sid = image.cells[student_];
        const binlog::Cell& cid = image.cells[course_];
        const binlog::Cell grade = deleted ? binlog::Cell() : image.cells[grade_];
        QString reason;
        if (!sid || !isValidIdentifier(*sid))
            reason = QStringLiteral("student_id is not 1 to 64 of A-Z a-z 0-9 _ . -");
        else if (!cid || !isValidIdentifier(*cid))
            reason = QStringLiteral("course_id is not 1 to 64 of A-Z a-z 0-9 _ . -");
        else if (grade && valueProblem(*grade))
            reason = QStringLiteral("the grade must be 1 to 64 bytes with no control character");
        if (!reason.isEmpty()) {
            setAside.push_back(
                {&t, sid, cid, grade, QStringLiteral("Syncscope data rules: ") + reason});
            return;
        }
        Captured c;
        c.record.kind = grade ? EntryKind::Set : EntryKind::Delete;
        c.record.studentId = *sid;
        c.record.courseId = *cid;
        c.record.hasValue = grade.has_value();
        c.record.value = grade.value_or(std::string());
        c.record.ts = ++ts;
        c.record.origin = self;
        c.record.seq = ++seq;
        c.removesRow = deleted;
        captured.push_back(std::move(c));
    };
    for (const BinlogTransaction* t : todo) {
        for (const std::string& statement : t->statements)
            setAside.push_back({t,
                                {},
                                {},
                                {},
                                QStringLiteral("a statement changed grades outside the log's "
                                               "rows, and nothing of it was captured: %1")
                                    .arg(q(statement).simplified().left(300))});
        if (!t->gap.empty())
            setAside.push_back({t, {}, {}, {}, q(t->gap)});
        for (const std::string& problem : t->unreadable)
            setAside.push_back(
                {t,
                 {},
                 {},
                 {},
                 QStringLiteral("a row event of grades could not be read: %1").arg(q(problem))});
        for (const GradesChange& change : t->changes) {
            switch (change.kind) {
            case binlog::RowsKind::Insert:
                if (known(*t, change.after.cells.size()))
                    capture(*t, change.after, false);
                break;
            case binlog::RowsKind::Delete:
                if (known(*t, change.before.cells.size()))
                    capture(*t, change.before, true);
                break;
            case binlog::RowsKind::Update: {
                if (change.before.cells.size() != change.after.cells.size()) {
                    setAside.push_back({t,
                                        {},
                                        {},
                                        {},
                                        QStringLiteral("an UPDATE's row images of grades differ "
                                                       "in their number of columns")});
                    break;
                }
                if (!known(*t, change.after.cells.size()))
                    break;
                // The row after the UPDATE. A session with binlog_row_image=MINIMAL logs only the
                // key before and only the columns it set after: a column the after image lacks
                // kept its value, and the key columns are in the before image.
                const binlog::RowImage after = completedAfterImage(change);
                const bool keyMoved = change.before.cells[student_] != after.cells[student_] ||
                                      change.before.cells[course_] != after.cells[course_];
                // An UPDATE that changes the key is a DELETE of the old key and a SET of the new.
                if (keyMoved)
                    capture(*t, change.before, true);
                if (after.present[grade_])
                    capture(*t, after, false);
                else if (keyMoved)
                    setAside.push_back(
                        {t,
                         after.cells[student_],
                         after.cells[course_],
                         {},
                         QStringLiteral("an UPDATE moved the row to this key, and the binlog's "
                                        "row image left its grade out (binlog_row_image=MINIMAL "
                                        "in the writing session): the old key's DELETE was "
                                        "captured, the new key's grade is not known")});
                // Else neither the key nor the grade changed: nothing the oplog holds did.
                break;
            }
            }
        }
    }

    if (unreadable) {
        db.rollback();
        return false;
    }

    // Contexts: per other origin, the greatest seq the oplog holds for the key, read once per
    // key (the batch's own entries are of this store's origin and change no context).
    std::map<std::pair<std::string, std::string>, std::string> contexts;
    std::vector<std::pair<std::string, std::string>> keys;
    for (const Captured& c : captured)
        if (contexts.emplace(std::make_pair(c.record.studentId, c.record.courseId), std::string())
                .second)
            keys.emplace_back(c.record.studentId, c.record.courseId);
    // A store that holds no write of another origin has no context to read (a third of a
    // large capture's time otherwise).
    QSqlQuery others(db);
    others.prepare(QStringLiteral("SELECT 1 FROM oplog WHERE origin <> ? AND op <> 'GET' LIMIT 1"));
    others.addBindValue(store_);
    if (!others.exec())
        return fail(others);
    if (!others.next())
        keys.clear();
    for (size_t from = 0; from < keys.size(); from += kRowsPerStatement) {
        const size_t n = std::min<size_t>(kRowsPerStatement, keys.size() - from);
        QSqlQuery context(db);
        context.prepare(QStringLiteral("SELECT student_id, course_id, origin, MAX(seq) FROM oplog "
                                       "WHERE (student_id, course_id) IN (%1) AND origin <> ? "
                                       "AND op <> 'GET' GROUP BY student_id, course_id, origin "
                                       "ORDER BY student_id, course_id, origin")
                            .arg(placeholders(static_cast<int>(n), 2)));
        bindKeys(context, keys, from, n);
        context.addBindValue(store_);
        if (!context.exec())
            return fail(context);
        while (context.next()) {
            std::string& text = contexts[{context.value(0).toString().toStdString(),
                                          context.value(1).toString().toStdString()}];
            if (!text.empty())
                text += ',';
            text += context.value(2).toString().toStdString() + ':' +
                    context.value(3).toString().toStdString();
        }
    }
    for (Captured& c : captured)
        c.record.context = contexts[{c.record.studentId, c.record.courseId}];
    if (!settleAgainstRows(db, captured, why)) {
        db.rollback();
        return false;
    }

    // The entries, and the rows in commit order (a delete as a tombstone), by the store's bulk
    // loader when it has one and the batch is large (LOAD DATA: about twice the multi-row
    // statements' rate, after a fixed cost that a follower's small batches would wait for). A
    // captured write beats every write the store holds (its ts is the greatest), so it stamps
    // its row with its (ts, origin, seq), as the trigger does; but not a row a later write
    // changed (settleAgainstRows).
    const qint64 wallMs = QDateTime::currentMSecsSinceEpoch();
    std::vector<LogRecord> records, rowWrites;
    records.reserve(captured.size());
    bool allStampRows = true;
    for (const Captured& c : captured) {
        records.push_back(c.record);
        if (c.leavesRow)
            allStampRows = false;
        else
            rowWrites.push_back(c.record);
    }
    if (allStampRows && bulk_ && records.size() >= kRowsForBulkPath &&
        BulkWritePath::suits(records)) {
        if (!records.empty() && !bulk_->writeBatch(records, wallMs, why)) {
            db.rollback();
            return false;
        }
    } else if (!writeByStatements(records, rowWrites, wallMs, why)) {
        db.rollback();
        return false;
    }
    // An outside DELETE leaves no row, as the trigger leaves it: its tombstone goes, unless a
    // later write of the batch replaced it.
    std::vector<const LogRecord*> removed;
    for (const Captured& c : captured)
        if (c.removesRow && !c.leavesRow)
            removed.push_back(&c.record);
    for (size_t from = 0; from < removed.size(); from += kRowsPerStatement) {
        const size_t n = std::min<size_t>(kRowsPerStatement, removed.size() - from);
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM grades WHERE origin = ? AND grade IS NULL AND "
                                      "(student_id, course_id, seq) IN (%1)")
                           .arg(placeholders(static_cast<int>(n), 3)));
        remove.addBindValue(store_);
        for (size_t i = from; i < from + n; ++i) {
            remove.addBindValue(q(removed[i]->studentId));
            remove.addBindValue(q(removed[i]->courseId));
            remove.addBindValue(static_cast<qint64>(removed[i]->seq));
        }
        if (!remove.exec())
            return fail(remove);
    }
    for (const SetAside& s : setAside) {
        QSqlQuery keep(db);
        keep.prepare(QStringLiteral("INSERT INTO syncscope_set_aside(position, gtid, student_id, "
                                    "course_id, grade, reason, wall_ms) VALUES (?, ?, ?, ?, ?, ?, "
                                    "?)"));
        keep.addBindValue(q(s.txn->end.text()));
        keep.addBindValue(q(s.txn->end.gtid));
        keep.addBindValue(bytes(s.student));
        keep.addBindValue(bytes(s.course));
        keep.addBindValue(bytes(s.grade));
        keep.addBindValue(s.reason);
        keep.addBindValue(wallMs);
        if (!keep.exec())
            return fail(keep);
    }
    if (!savePosition())
        return false;
    for (const SetAside& s : setAside) {
        const QString key =
            s.student || s.course
                ? QStringLiteral(" (%1,%2)")
                      .arg(QString::fromUtf8(s.student.value_or(std::string()).c_str()),
                           QString::fromUtf8(s.course.value_or(std::string()).c_str()))
                : QString();
        problems << QStringLiteral("%1: set aside at %2%3, not logged (kept in "
                                   "syncscope_set_aside): %4")
                        .arg(store_, at(*s.txn), key, s.reason);
    }
    return true;
}

MariadbLogFollower::MariadbLogFollower(BinlogReader::Login login, std::string database,
                                       BinlogPosition from, std::function<void()> wake,
                                       std::function<void(const QString&)> problem)
    : reader_(std::move(login), std::move(database))
    , wake_(std::move(wake))
    , problem_(std::move(problem)) {
    thread_ = std::thread([this, from] { run(from); });
}

MariadbLogFollower::~MariadbLogFollower() {
    {
        std::lock_guard<std::mutex> hold(mutex_);
        stop_ = true;
    }
    stopped_.notify_all();
    reader_.interrupt();
    thread_.join();
}

std::vector<BinlogTransaction> MariadbLogFollower::take() {
    std::lock_guard<std::mutex> hold(mutex_);
    std::vector<BinlogTransaction> out(std::make_move_iterator(queue_.begin()),
                                       std::make_move_iterator(queue_.end()));
    queue_.clear();
    return out;
}

void MariadbLogFollower::giveBack(std::vector<BinlogTransaction> transactions) {
    std::lock_guard<std::mutex> hold(mutex_);
    queue_.insert(queue_.begin(), std::make_move_iterator(transactions.begin()),
                  std::make_move_iterator(transactions.end()));
}

void MariadbLogFollower::run(BinlogPosition from) {
    int pauseMs = 250;
    BinlogPosition position = from;
    BinlogPosition handed = from; // the last place queued for the store to save
    for (;;) {
        QString why;
        if (reader_.start(position, false, why)) {
            pauseMs = 250;
            for (;;) {
                BinlogTransaction txn;
                const BinlogReader::Next next = reader_.next(txn, why);
                if (next != BinlogReader::Next::Transaction)
                    break;
                position = reader_.position();
                // Transactions not captured still move the saved position now and then, so
                // the next open does not read (or miss, once purged) the log since the last
                // outside write.
                const bool farAlong = position.file != handed.file ||
                                      position.offset >= handed.offset + kBytesBetweenMarks;
                if (!txn.concernsGrades() && !farAlong)
                    continue;
                if (!txn.concernsGrades())
                    txn = positionMark(position);
                handed = position;
                bool first = false;
                {
                    std::lock_guard<std::mutex> hold(mutex_);
                    first = queue_.empty();
                    queue_.push_back(std::move(txn));
                }
                if (first)
                    wake_(); // the store takes everything queued by the time it runs
            }
            if (why.isEmpty())
                why = QStringLiteral("the server ended the stream");
        }
        std::unique_lock<std::mutex> hold(mutex_);
        if (stop_)
            return;
        problem_(QStringLiteral("lost the binlog stream (%1); reading it again from %2 in %3 s")
                     .arg(why.simplified(), q(position.text()))
                     .arg(pauseMs / 1000.0));
        if (stopped_.wait_for(hold, std::chrono::milliseconds(pauseMs), [this] { return stop_; }))
            return;
        pauseMs = std::min(pauseMs * 2, 8000);
    }
}

} // namespace syncscope

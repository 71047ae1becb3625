#include "auditlog.h"

#include "sqlitefastpath.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

namespace syncscope {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY, merge_id INTEGER NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,"
    " user TEXT NOT NULL, workspace TEXT NOT NULL, detail TEXT NOT NULL, store TEXT,"
    " student_id TEXT, course_id TEXT, before TEXT, after TEXT, winner TEXT, reason TEXT,"
    " note TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)";
constexpr const char* kColumns =
    "id, merge_id, kind, at, user, workspace, detail, store, student_id, course_id, before, "
    "after, winner, reason, note, prev_hash, hash";

// One connection for one call, removed when the call ends.
class Connection {
public:
    explicit Connection(const QString& path) {
        static QAtomicInteger<quint64> counter;
        name_ = QStringLiteral("syncscope-audit-%1").arg(counter.fetchAndAddRelaxed(1));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name_);
            db.setDatabaseName(path);
            if (!db.open())
                error_ = db.lastError().text();
        }
        if (error_.isEmpty())
            error_ = exec(QString::fromLatin1(kSchema));
    }
    ~Connection() {
        {
            QSqlDatabase db = QSqlDatabase::database(name_, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name_);
    }
    const QString& error() const { return error_; }
    QSqlDatabase db() const { return QSqlDatabase::database(name_, false); }
    QString exec(const QString& sql) const {
        QSqlQuery q(db());
        return q.exec(sql) ? QString() : q.lastError().text();
    }

private:
    QString name_;
    QString error_;
};

StoreError auditError(const QString& path, const QString& what) {
    return StoreError{QStringLiteral("audit log %1").arg(path), what};
}

AuditEntry entryFrom(const QSqlQuery& q) {
    AuditEntry e;
    e.id = q.value(0).toLongLong();
    e.mergeId = q.value(1).toLongLong();
    QString* fields[] = {&e.kind,   &e.at,        &e.user,     &e.workspace, &e.detail,
                         &e.store,  &e.studentId, &e.courseId, &e.before,    &e.after,
                         &e.winner, &e.reason,    &e.note,     &e.prevHash,  &e.hash};
    for (int i = 0; i < 15; ++i)
        *fields[i] = q.value(i + 2).isNull() ? QString() : q.value(i + 2).toString();
    return e;
}

} // namespace

Result<std::vector<AuditEntry>> AuditLog::append(std::vector<AuditEntry> entries) {
    Connection c(path_);
    if (!c.error().isEmpty())
        return auditError(path_, c.error());
    // IMMEDIATE: the tail read and the inserts are one writer's, across processes too.
    if (const QString e = c.exec(QStringLiteral("BEGIN IMMEDIATE")); !e.isEmpty())
        return auditError(path_, e);
    QSqlQuery tail(c.db());
    if (!tail.exec(QStringLiteral("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1"))) {
        c.exec(QStringLiteral("ROLLBACK"));
        return auditError(path_, tail.lastError().text());
    }
    int64_t id = tail.next() ? tail.value(0).toLongLong() : 0;
    QString previous = id == 0 ? kAuditGenesis : tail.value(1).toString();
    tail.finish();

    // The rows go in through SQLite's own API: a million-key merge audits a million rows, and
    // QSqlQuery's QVariant binding cost more than hashing them (see sqlitefastpath.h).
    sqlite3* db = SqliteFastPath::nativeHandle(c.db().driver()->handle());
    sqlite3_stmt* insert = nullptr;
    const QByteArray sql = QStringLiteral("INSERT INTO audit (%1) VALUES "
                                          "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                               .arg(QLatin1String(kColumns))
                               .toUtf8();
    if (db == nullptr ||
        sqlite3_prepare_v2(db, sql.constData(), -1, &insert, nullptr) != SQLITE_OK) {
        const QString why = db != nullptr ? QString::fromUtf8(sqlite3_errmsg(db))
                                          : QStringLiteral("not an SQLite connection");
        c.exec(QStringLiteral("ROLLBACK"));
        return auditError(path_, why);
    }
    int64_t currentMerge = 0;
    QString failure;
    for (AuditEntry& e : entries) {
        e.id = ++id;
        if (e.mergeId == 0)
            e.mergeId = e.kind == QLatin1String("merge") ? e.id : currentMerge;
        if (e.kind == QLatin1String("merge"))
            currentMerge = e.id;
        e.prevHash = previous;
        e.hash = auditHash(e);
        previous = e.hash;
        sqlite3_bind_int64(insert, 1, e.id);
        sqlite3_bind_int64(insert, 2, e.mergeId);
        const QString* fields[] = {&e.kind,   &e.at,        &e.user,     &e.workspace, &e.detail,
                                   &e.store,  &e.studentId, &e.courseId, &e.before,    &e.after,
                                   &e.winner, &e.reason,    &e.note,     &e.prevHash,  &e.hash};
        for (int i = 0; i < 15; ++i) {
            if (fields[i]->isNull()) {
                sqlite3_bind_null(insert, i + 3);
                continue;
            }
            const QByteArray utf8 = fields[i]->toUtf8();
            sqlite3_bind_text(insert, i + 3, utf8.constData(), static_cast<int>(utf8.size()),
                              SQLITE_TRANSIENT);
        }
        if (sqlite3_step(insert) != SQLITE_DONE) {
            failure = QString::fromUtf8(sqlite3_errmsg(db));
            break;
        }
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    if (!failure.isEmpty()) {
        c.exec(QStringLiteral("ROLLBACK"));
        return auditError(path_, failure);
    }
    if (const QString e = c.exec(QStringLiteral("COMMIT")); !e.isEmpty())
        return auditError(path_, e);
    return entries;
}

Result<std::vector<AuditEntry>> AuditLog::read(int64_t after, size_t limit) {
    if (!QFileInfo::exists(path_))
        return std::vector<AuditEntry>(); // nothing audited yet: reading creates no file
    Connection c(path_);
    if (!c.error().isEmpty())
        return auditError(path_, c.error());
    QSqlQuery q(c.db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM audit WHERE id > ? ORDER BY id LIMIT ?")
                  .arg(QLatin1String(kColumns)));
    q.bindValue(0, static_cast<qlonglong>(after));
    q.bindValue(1, limit == 0 ? qlonglong(-1) : static_cast<qlonglong>(limit));
    if (!q.exec())
        return auditError(path_, q.lastError().text());
    std::vector<AuditEntry> out;
    while (q.next())
        out.push_back(entryFrom(q));
    return out;
}

Result<std::vector<AuditEntry>> AuditLog::readNewest(size_t limit) {
    if (!QFileInfo::exists(path_))
        return std::vector<AuditEntry>();
    Connection c(path_);
    if (!c.error().isEmpty())
        return auditError(path_, c.error());
    QSqlQuery q(c.db());
    q.prepare(QStringLiteral("SELECT MAX(id) FROM audit"));
    if (!q.exec())
        return auditError(path_, q.lastError().text());
    const int64_t last = q.next() ? q.value(0).toLongLong() : 0;
    const int64_t after = std::max<int64_t>(0, last - static_cast<int64_t>(limit));
    return read(after, limit);
}

Result<AuditChainCheck> AuditLog::verify() {
    AuditChainCheck check;
    for (;;) {
        Result<std::vector<AuditEntry>> page = read(check.lastId, 50000);
        if (!page)
            return page.error();
        if (page.value().empty())
            return check;
        continueAuditChain(check, page.value());
        if (!check.ok())
            return check;
    }
}

Result<std::optional<AuditEntry>> AuditLog::unfinishedMerge() {
    if (!QFileInfo::exists(path_))
        return std::optional<AuditEntry>();
    Connection c(path_);
    if (!c.error().isEmpty())
        return auditError(path_, c.error());
    QSqlQuery q(c.db());
    if (!q.exec(QStringLiteral("SELECT %1 FROM audit a WHERE kind = 'merge' AND NOT EXISTS "
                               "(SELECT 1 FROM audit e WHERE e.kind = 'end' AND e.merge_id = "
                               "a.id) ORDER BY id DESC LIMIT 1")
                    .arg(QLatin1String(kColumns))))
        return auditError(path_, q.lastError().text());
    if (!q.next())
        return std::optional<AuditEntry>();
    return std::optional<AuditEntry>(entryFrom(q));
}

} // namespace syncscope

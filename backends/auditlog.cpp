#include "auditlog.h"

#include "auditchain.h"
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

// Another process appending meanwhile (BEGIN IMMEDIATE) is waited for, not failed. The journal
// stays SQLite's default: WAL wrote an append-only log twice and took a third longer.
constexpr const char* kPragmas[] = {"PRAGMA busy_timeout=5000"};

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
        for (const char* pragma : kPragmas)
            if (error_.isEmpty())
                error_ = exec(QString::fromLatin1(pragma));
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
    // After id and merge_id, the columns are the text fields in chain order, then the hashes.
    int column = 2;
    const auto text = [&q, &column] {
        const QVariant v = q.value(column++);
        return v.isNull() ? QString() : v.toString();
    };
    for (QString* field : auditTextFields(e))
        *field = text();
    e.prevHash = text();
    e.hash = text();
    return e;
}

} // namespace

namespace {

// One append: an IMMEDIATE transaction (the tail read and the inserts are one writer's, across
// processes too) that reads the chain's tail, then inserts rows chained to it. The rows go in
// through SQLite's own API: a million-key merge audits a million rows, and QSqlQuery's QVariant
// binding cost more than hashing them (see sqlitefastpath.h). Rolled back unless committed.
class Appender {
public:
    explicit Appender(const QString& path)
        : c_(path) {
        failure_ = c_.error();
        if (failure_.isEmpty())
            failure_ = c_.exec(QStringLiteral("BEGIN IMMEDIATE"));
        if (!failure_.isEmpty())
            return;
        began_ = true;
        QSqlQuery tail(c_.db());
        if (!tail.exec(QStringLiteral("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1"))) {
            failure_ = tail.lastError().text();
            return;
        }
        lastId_ = tail.next() ? tail.value(0).toLongLong() : 0;
        previous_ = (lastId_ == 0 ? kAuditGenesis : tail.value(1).toString()).toStdString();
        tail.finish();
        db_ = SqliteFastPath::nativeHandle(c_.db().driver()->handle());
        const QByteArray sql = QStringLiteral("INSERT INTO audit (%1) VALUES "
                                              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                                   .arg(QLatin1String(kColumns))
                                   .toUtf8();
        if (db_ == nullptr)
            failure_ = QStringLiteral("not an SQLite connection");
        else if (sqlite3_prepare_v2(db_, sql.constData(), -1, &insert_, nullptr) != SQLITE_OK)
            failure_ = QString::fromUtf8(sqlite3_errmsg(db_));
        else if (!hasher_.available())
            failure_ = QStringLiteral("OpenSSL offers no SHA-256, so no entry can be chained");
    }
    ~Appender() {
        sqlite3_finalize(insert_);
        if (began_ && !committed_)
            c_.exec(QStringLiteral("ROLLBACK"));
    }
    const QString& failure() const { return failure_; }
    int64_t nextId() const { return lastId_ + 1; }
    // The hash the next row links to.
    std::string_view previousHash() const { return previous_; }

    // Inserts the row `input` holds, encoded with nextId() and previousHash(); one encoding
    // serves the hash and the row, so what is stored is what was hashed.
    bool insert(const AuditHashInput& input, int64_t mergeId) {
        const int64_t id = nextId();
        const std::optional<std::array<char, 64>> hash = hasher_.hexDigest(input);
        if (!hash) {
            failure_ = QStringLiteral("OpenSSL's SHA-256 failed on entry %1").arg(id);
            return false;
        }
        sqlite3_bind_int64(insert_, 1, id);
        sqlite3_bind_int64(insert_, 2, mergeId);
        // SQLITE_STATIC: the bytes stay put until the step below has read them.
        for (int i = 0; i < AuditHashInput::kTextFields; ++i) {
            const QByteArrayView field = input.field(i);
            if (field.isNull())
                sqlite3_bind_null(insert_, i + 3);
            else
                sqlite3_bind_text(insert_, i + 3, field.data(), static_cast<int>(field.size()),
                                  SQLITE_STATIC);
        }
        sqlite3_bind_text(insert_, 16, previous_.data(), static_cast<int>(previous_.size()),
                          SQLITE_STATIC);
        sqlite3_bind_text(insert_, 17, hash->data(), static_cast<int>(hash->size()), SQLITE_STATIC);
        const bool done = sqlite3_step(insert_) == SQLITE_DONE;
        if (!done)
            failure_ = QString::fromUtf8(sqlite3_errmsg(db_));
        sqlite3_reset(insert_);
        if (done) {
            lastId_ = id;
            previous_.assign(hash->data(), hash->size());
        }
        return done;
    }
    bool commit() {
        failure_ = c_.exec(QStringLiteral("COMMIT"));
        committed_ = failure_.isEmpty();
        return committed_;
    }

private:
    Connection c_;
    QString failure_;
    bool began_ = false, committed_ = false;
    int64_t lastId_ = 0;
    std::string previous_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    AuditHasher hasher_;
};

} // namespace

Result<std::vector<AuditEntry>> AuditLog::append(std::vector<AuditEntry> entries) {
    Appender appender(path_);
    if (!appender.failure().isEmpty())
        return auditError(path_, appender.failure());
    int64_t currentMerge = 0;
    AuditHashInput input;
    for (AuditEntry& e : entries) {
        e.id = appender.nextId();
        if (e.mergeId == 0)
            e.mergeId = e.kind == QLatin1String("merge") ? e.id : currentMerge;
        if (e.kind == QLatin1String("merge"))
            currentMerge = e.id;
        e.prevHash = QString::fromLatin1(appender.previousHash());
        input.encode(e);
        if (!appender.insert(input, e.mergeId))
            return auditError(path_, appender.failure());
        e.hash = QString::fromLatin1(appender.previousHash());
    }
    if (!appender.commit())
        return auditError(path_, appender.failure());
    return entries;
}

Result<size_t> AuditLog::appendKeyRows(const AuditKeyRows& rows) {
    Appender appender(path_);
    if (!appender.failure().isEmpty())
        return auditError(path_, appender.failure());
    const AuditEntry& shared = rows.shared();
    // The fields every row shares, encoded once.
    const std::string kind = shared.kind.toStdString(), at = shared.at.toStdString(),
                      user = shared.user.toStdString(), workspace = shared.workspace.toStdString();
    AuditHashInput input;
    for (size_t row = 0; row < rows.size(); ++row) {
        input.begin(appender.previousHash(), appender.nextId(), shared.mergeId);
        for (const std::string* f : {&kind, &at, &user, &workspace})
            input.addField(std::string_view(*f));
        for (int f = 0; f < AuditKeyRows::kOwnFields; ++f)
            input.addField(rows.field(row, f));
        if (!appender.insert(input, shared.mergeId))
            return auditError(path_, appender.failure());
    }
    if (!appender.commit())
        return auditError(path_, appender.failure());
    return rows.size();
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

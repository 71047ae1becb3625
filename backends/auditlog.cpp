#include "auditlog.h"

#include "auditchain.h"
#include "sqldialect.h"
#include "sqlitefastpath.h"
#include "sqlitemultirow.h"

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
// binding cost more than hashing them (see sqlitefastpath.h). Rows are hashed as they are
// added and inserted kRowsPerInsert to a statement, which shares a statement's own cost among
// them. Rolled back unless committed.
class Appender {
public:
    static constexpr size_t kRowsPerInsert = 16;
    static constexpr int kColumnCount = 17;

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
        if (db_ == nullptr)
            failure_ = QStringLiteral("not an SQLite connection");
        else if (!prepare(1, inserts_[0]) || !prepare(int(kRowsPerInsert), inserts_[1]))
            failure_ = QString::fromUtf8(sqlite3_errmsg(db_));
        else if (!hasher_.available())
            failure_ = QStringLiteral("OpenSSL offers no SHA-256, so no entry can be chained");
    }
    ~Appender() {
        for (sqlite3_stmt* s : inserts_)
            sqlite3_finalize(s);
        if (began_ && !committed_)
            c_.exec(QStringLiteral("ROLLBACK"));
    }
    const QString& failure() const { return failure_; }
    int64_t nextId() const { return lastId_ + 1; }
    // The hash the next row links to.
    std::string_view previousHash() const { return previous_; }

    // Where the next row is encoded, with nextId() and previousHash(); one encoding serves the
    // hash and the row, so what is stored is what was hashed.
    AuditHashInput& next() { return queued_[count_].input; }
    // Hashes the row next() holds and queues it; a full queue is inserted.
    bool add(int64_t mergeId) {
        Queued& row = queued_[count_];
        const std::optional<std::array<char, 64>> hash = hasher_.hexDigest(row.input);
        if (!hash) {
            failure_ = QStringLiteral("OpenSSL's SHA-256 failed on entry %1").arg(nextId());
            return false;
        }
        row.id = nextId();
        row.mergeId = mergeId;
        row.hash = *hash;
        lastId_ = row.id;
        previous_.assign(hash->data(), hash->size());
        return ++count_ < kRowsPerInsert || flush();
    }
    bool commit() {
        if (!flush())
            return false;
        failure_ = c_.exec(QStringLiteral("COMMIT"));
        committed_ = failure_.isEmpty();
        return committed_;
    }

private:
    struct Queued {
        AuditHashInput input;
        int64_t id = 0, mergeId = 0;
        std::array<char, 64> hash{};
    };

    bool prepare(int rows, sqlite3_stmt*& out) {
        const QByteArray sql =
            (QStringLiteral("INSERT INTO audit (%1) VALUES ").arg(QLatin1String(kColumns)) +
             placeholders(rows, kColumnCount))
                .toUtf8();
        return sqlite3_prepare_v2(db_, sql.constData(), -1, &out, nullptr) == SQLITE_OK;
    }
    // SQLITE_STATIC: the queued rows' bytes stay put until the step has read them.
    static void bind(sqlite3_stmt* s, int first, const Queued& row) {
        sqlite3_bind_int64(s, first, row.id);
        sqlite3_bind_int64(s, first + 1, row.mergeId);
        const auto text = [s](int at, QByteArrayView bytes) {
            if (bytes.isNull())
                sqlite3_bind_null(s, at);
            else
                sqlite3_bind_text(s, at, bytes.data(), static_cast<int>(bytes.size()),
                                  SQLITE_STATIC);
        };
        for (int i = 0; i < AuditHashInput::kTextFields; ++i)
            text(first + 2 + i, row.input.field(i));
        text(first + 15, row.input.link());
        text(first + 16, QByteArrayView(row.hash.data(), qsizetype(row.hash.size())));
    }
    // Inserts the queued rows: a full queue by one statement, a partial one row by row.
    bool flush() {
        const bool ok = stepRows(
            inserts_, kRowsPerInsert, kColumnCount, count_,
            [this](sqlite3_stmt* s, int first, size_t row) { bind(s, first, queued_[row]); });
        if (!ok)
            failure_ = QString::fromUtf8(sqlite3_errmsg(db_));
        count_ = 0;
        return ok;
    }

    Connection c_;
    QString failure_;
    bool began_ = false, committed_ = false;
    int64_t lastId_ = 0;
    std::string previous_;
    sqlite3* db_ = nullptr;
    std::array<sqlite3_stmt*, 2> inserts_{}; // one row, kRowsPerInsert rows
    AuditHasher hasher_;
    std::array<Queued, kRowsPerInsert> queued_;
    size_t count_ = 0;
};

} // namespace

Result<std::vector<AuditEntry>> AuditLog::append(std::vector<AuditEntry> entries) {
    Appender appender(path_);
    if (!appender.failure().isEmpty())
        return auditError(path_, appender.failure());
    int64_t currentMerge = 0;
    for (AuditEntry& e : entries) {
        e.id = appender.nextId();
        if (e.mergeId == 0)
            e.mergeId = e.kind == QLatin1String("merge") ? e.id : currentMerge;
        if (e.kind == QLatin1String("merge"))
            currentMerge = e.id;
        e.prevHash = QString::fromLatin1(appender.previousHash());
        appender.next().encode(e);
        if (!appender.add(e.mergeId))
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
    for (size_t row = 0; row < rows.size(); ++row) {
        AuditHashInput& input = appender.next();
        input.begin(appender.previousHash(), appender.nextId(), shared.mergeId);
        for (const std::string* f : {&kind, &at, &user, &workspace})
            input.addField(std::string_view(*f));
        for (int f = 0; f < AuditKeyRows::kOwnFields; ++f)
            input.addField(rows.field(row, f));
        if (!appender.add(shared.mergeId))
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

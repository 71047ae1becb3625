#include "sqlstore.h"

#include "batchedappend.h"
#include "lostconnection.h"
#include "mariadbloadpath.h"
#include "mariadblogcapture.h"
#include "ownseqs.h"
#include "postgrescopypath.h"
#include "postgreslogcapture.h"
#include "socketdeadline.h"
#include "sqlrefusal.h"
#include "sqlstoreshared.h"
#include "utf8.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVariant>

#include <algorithm>
#include <atomic>

namespace syncscope {

namespace {
std::atomic<int> connectionCounter{0};

// Bound values are reused across rows: QVariants of QStrings built once per distinct text
// would save little, since identifiers differ row to row; what matters is one statement per
// 64 rows instead of one per row.
const QVariant& opName(EntryKind kind) {
    static const QVariant names[] = {
        QVariant(QStringLiteral("SET")), QVariant(QStringLiteral("DELETE")),
        QVariant(QStringLiteral("GET")), QVariant(QStringLiteral("SEED"))};
    return names[static_cast<int>(kind)];
}
} // namespace

namespace {
SqlDialect dialectFor(const SqlStore::Options& o) {
    switch (o.engine) {
    case SqlEngine::MariaDb:
        if (o.capture == SqlCapture::Log) {
            SqlDialect d = mariadbDialect();
            withoutCaptureTriggers(d);
            return d;
        }
        return mariadbDialect();
    case SqlEngine::Postgres:
        return postgresDialect();
    case SqlEngine::Sqlite:
        break;
    }
    return sqliteDialect(o.inMemory);
}

QString kindName(SqlEngine engine) {
    switch (engine) {
    case SqlEngine::MariaDb:
        return QStringLiteral("MariaDB");
    case SqlEngine::Postgres:
        return QStringLiteral("PostgreSQL");
    case SqlEngine::Sqlite:
        break;
    }
    return QStringLiteral("SQLite");
}
} // namespace

SqlStore::SqlStore(Options options)
    : options_(std::move(options))
    , dialect_(dialectFor(options_))
    , connection_(QStringLiteral("syncscope-%1-%2").arg(options_.name).arg(++connectionCounter)) {
    // Read from the log, outside writes must not be captured by triggers too.
    if (options_.capture == SqlCapture::Log && options_.engine == SqlEngine::Postgres) {
        dialect_.schema.removeIf(
            [](const QString& sql) { return sql.contains(QLatin1String(" TRIGGER ")); });
        // The capture knows Syncscope's own transactions by the mark this lock leaves.
        dialect_.lockForAppend = QString::fromLatin1(PostgresLogCapture::ownWriteLock());
    }
}

SqlStore::~SqlStore() {
    close();
}

StoreDescription SqlStore::description() const {
    StoreDescription d{options_.name, kindName(options_.engine), options_.location,
                       options_.engine == SqlEngine::Sqlite};
    if (options_.engine != SqlEngine::Sqlite)
        d.capture = options_.capture == SqlCapture::Triggers ? QStringLiteral("triggers")
                    : options_.engine == SqlEngine::Postgres
                        ? PostgresLogCapture::describe(options_.databaseName)
                        : QStringLiteral("log");
    return d;
}

StoreError SqlStore::error(const QString& what, const QString& detail) const {
    return {options_.name, what + QStringLiteral(": ") + detail, false};
}

StoreError SqlStore::error(const QString& what, const QSqlError& e) const {
    return refusal(what, e.databaseText(), e.nativeErrorCode(), e.text());
}

// A refusal carries the server's own words (what a DBA's CHECK or trigger says), without the
// driver's "Unable to execute statement" beside them; another error keeps the whole text.
StoreError SqlStore::refusal(const QString& what, const QString& serverText, const QString& code,
                             const QString& fullText) const {
    StoreError e = error(what, fullText);
    if (refusedByServer(options_.engine, code)) {
        e = error(what, serverText.simplified());
        e.refused = true;
    }
    return e;
}

Status SqlStore::exec(const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    if (!q.exec(sql))
        return error(QStringLiteral("SQL statement failed"), q.lastError().text());
    return success();
}

void SqlStore::logInTo(QSqlDatabase& db) const {
    const Server& server = options_.server;
    db.setHostName(server.host);
    if (server.port > 0)
        db.setPort(server.port);
    db.setUserName(server.user);
    db.setPassword(server.password);
    db.setConnectOptions(server.connectOptions);
}

Status SqlStore::open() {
    if (open_)
        return success();
    if (dialect_.driver == QLatin1String("QSQLITE"))
        SqliteFastPath::configureProcess();
    const bool file = options_.engine == SqlEngine::Sqlite && !options_.inMemory;
    // Read-only, SQLite would fail to open a missing file only as "out of memory".
    if (readOnly_ && file && !QFileInfo::exists(options_.databaseName))
        return error(QStringLiteral("cannot open ") + options_.location,
                     QStringLiteral("there is no such file, and a store only read is not made"));
    QSqlDatabase db = QSqlDatabase::addDatabase(dialect_.driver, connection_);
    db.setDatabaseName(options_.databaseName);
    if (readOnly_ && file)
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (options_.engine != SqlEngine::Sqlite)
        logInTo(db);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(connection_);
        return error(QStringLiteral("cannot open ") + options_.location,
                     QStringLiteral("the Qt Sql driver %1 is not installed").arg(dialect_.driver));
    }
    if (!db.open() && !readOnly_ && canCreateDatabase(db.lastError())) {
        if (Status made = createDatabase(); !made) {
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(connection_);
            return made;
        }
        db.open();
    }
    if (!db.isOpen()) {
        const QString why = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connection_);
        return error(QStringLiteral("cannot open ") + options_.location, why);
    }
    open_ = true;
    for (const QString& sql : readOnly_ ? dialect_.readPragmas : dialect_.openPragmas)
        if (Status s = exec(sql); !s)
            return s;
    if (Status s = readOnly_ ? checkSchemaToRead() : createSchema(); !s)
        return s;
    if (options_.engine == SqlEngine::Sqlite) {
        sqlite3* handle = SqliteFastPath::nativeHandle(db.driver()->handle());
        if (!handle || !SqliteFastPath::registerChecksumFunctions(handle))
            return error(QStringLiteral("cannot add the range checksum functions"),
                         db.driver()->lastError().text());
    }
    sqlite3* native = options_.nativeFastPath && options_.engine == SqlEngine::Sqlite
                          ? SqliteFastPath::nativeHandle(db.driver()->handle())
                          : nullptr;
    if (changed_ && options_.engine == SqlEngine::Postgres && !subscribe())
        return error(QStringLiteral("cannot listen for changes"), db.driver()->lastError().text());
    if (options_.nativeFastPath && options_.engine == SqlEngine::Postgres) {
        pg_conn* conn = PostgresCopyPath::nativeHandle(db.driver()->handle());
        if (!conn)
            return error(QStringLiteral("cannot write by COPY"),
                         QStringLiteral("the PostgreSQL driver gave no libpq connection"));
        bulk_ = std::make_unique<PostgresCopyPath>(conn);
    }
    if (options_.nativeFastPath && options_.engine == SqlEngine::MariaDb && !readOnly_) {
        // Where the server takes no local files, batches go by multi-row upserts, as before.
        QString why;
        bulk_ = MariadbLoadPath::create(connection_, why);
    }
    if (options_.capture == SqlCapture::Log && options_.engine == SqlEngine::Postgres && !readOnly_)
        if (Status s = startLogCapture(); !s)
            return s;
    if (native) {
        sqliteFast_ = std::make_unique<SqliteFastPath>(native, options_.name.toStdString());
        QString why;
        if (!sqliteFast_->prepare(
                dialect_.readOplog(), [this](int rows) { return dialect_.insertOplog(rows); },
                [this](int rows) { return dialect_.upsertGrades(rows); }, why))
            return error(QStringLiteral("cannot prepare the write statements"), why);
    }
    if (options_.engine == SqlEngine::MariaDb && options_.capture == SqlCapture::Log && !readOnly_)
        return startMariadbLogCapture(); // last: it writes by the bulk path made above
    return success();
}

void SqlStore::close() {
    if (!reconnecting_)
        stopWatching();
    if (!open_)
        return;
    logCapture_.reset();
    sqliteFast_.reset();
    binlogCapture_.reset(); // it writes through bulk_ and this connection
    bulk_.reset();
    oplogInserts_.clear();
    gradeUpserts_.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(connection_, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(connection_);
    open_ = false;
}

QSqlQuery& SqlStore::prepared(std::map<int, QSqlQuery>& cache, int rows, bool oplog) {
    auto it = cache.find(rows);
    if (it == cache.end()) {
        QSqlQuery q(QSqlDatabase::database(connection_, false));
        q.prepare(oplog ? dialect_.insertOplog(rows) : dialect_.upsertGrades(rows));
        it = cache.emplace(rows, std::move(q)).first;
    }
    return it->second;
}

// How many of the writes from `at` on go into one upsert statement. PostgreSQL refuses a
// statement that upserts one key twice, so there a statement ends before a key repeats, and the
// writes apply in order, one statement after another, as they would row by row.
int SqlStore::upsertRows(const std::vector<const LogRecord*>& writes, size_t at) {
    const size_t most =
        std::min<size_t>(static_cast<size_t>(dialect_.rowsPerStatement), writes.size() - at);
    if (!dialect_.distinctKeysPerUpsert)
        return static_cast<int>(most);
    statementKeys_.clear();
    size_t n = 0;
    for (; n < most; ++n) {
        const LogRecord& r = *writes[at + n];
        if (!statementKeys_.emplace(r.studentId, r.courseId).second)
            break;
    }
    return static_cast<int>(n);
}

Status SqlStore::appendBatch(std::span<const LogRecord> batch) {
    const qint64 wallMs = QDateTime::currentMSecsSinceEpoch();
    const int perStatement = dialect_.rowsPerStatement;
    const QVariant null;

    for (size_t at = 0; at < batch.size();) {
        const int rows = static_cast<int>(std::min<size_t>(perStatement, batch.size() - at));
        QSqlQuery& q = prepared(oplogInserts_, rows, true);
        int p = 0;
        for (int r = 0; r < rows; ++r) {
            const LogRecord& rec = batch[at + r];
            q.bindValue(p++, opName(rec.kind));
            q.bindValue(p++, toQString(rec.studentId));
            q.bindValue(p++, toQString(rec.courseId));
            q.bindValue(p++, rec.hasValue ? QVariant(toQString(rec.value)) : null);
            q.bindValue(p++, static_cast<qint64>(rec.ts));
            q.bindValue(p++, toQString(rec.origin));
            q.bindValue(p++, static_cast<qint64>(rec.seq));
            q.bindValue(p++, wallMs);
            q.bindValue(p++, rec.context.empty() ? null : QVariant(toQString(rec.context)));
        }
        if (!q.exec()) {
            const StoreError failed =
                error(QStringLiteral("cannot append to the oplog"), q.lastError());
            oplogInserts_.erase(rows); // prepared again next time, as below
            return failed;
        }
        at += static_cast<size_t>(rows);
    }

    // Grade rows for the writes only; GETs are logged but change nothing.
    std::vector<const LogRecord*> writes;
    writes.reserve(batch.size());
    for (const LogRecord& rec : batch)
        if (rec.isWrite())
            writes.push_back(&rec);
    for (size_t at = 0; at < writes.size();) {
        const int rows = upsertRows(writes, at);
        QSqlQuery& q = prepared(gradeUpserts_, rows, false);
        int p = 0;
        for (int r = 0; r < rows; ++r) {
            const LogRecord& rec = *writes[at + r];
            q.bindValue(p++, toQString(rec.studentId));
            q.bindValue(p++, toQString(rec.courseId));
            q.bindValue(p++, rec.hasValue ? QVariant(toQString(rec.value)) : null);
            q.bindValue(p++, static_cast<qint64>(rec.ts));
            q.bindValue(p++, toQString(rec.origin));
            q.bindValue(p++, static_cast<qint64>(rec.seq));
            q.bindValue(p++, rec.attributes.empty() ? null : QVariant(toQString(rec.attributes)));
        }
        if (!q.exec()) {
            const StoreError failed = error(QStringLiteral("cannot write grades"), q.lastError());
            // A statement whose PREPARE failed is never usable: PostgreSQL locks a table to
            // prepare a statement on it, so a DBA's lock under a lock_timeout failed the PREPARE,
            // and every later batch failed with a syntax error, for ever. Prepared again next time.
            gradeUpserts_.erase(rows);
            return failed;
        }
        at += static_cast<size_t>(rows);
    }
    return success();
}

Status SqlStore::append(std::span<const LogRecord> records, const BatchControl& control) {
    if (!open_)
        return error(QStringLiteral("append"), QStringLiteral("the store is not open"));
    return appendInBatches(
        options_.name, records, batchSize(), control, [&](std::span<const LogRecord> batch) {
            Status s = appendInTransaction(batch);
            if (!s && deadline_ && deadline_->fired())
                s = unanswered(s.error());
            if (!s && !s.error().conflict && !s.error().refused && connectionLost())
                s = retryAfterReconnecting(batch, s.error(), control);
            return s;
        });
}

// One batch, data and oplog rows together, in one transaction, under the server deadline.
Status SqlStore::appendInTransaction(std::span<const LogRecord> batch) {
    const SocketDeadline::Armed watched = watchServer();
    if (sqliteFast_) {
        QString why;
        if (!sqliteFast_->writeBatch(batch, QDateTime::currentMSecsSinceEpoch(), why)) {
            // A refused seq claim says what happened itself (ownseqs.h's wording).
            if (sqliteFast_->refusedAsConflict()) {
                StoreError e{options_.name, why, false};
                e.conflict = true;
                return e;
            }
            return refusal(QStringLiteral("cannot write a batch"), why,
                           QString::number(sqliteFast_->failureCode()), why);
        }
        return success();
    }
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    if (!db.transaction())
        return error(QStringLiteral("cannot begin a transaction"), db.lastError().text());
    if (!dialect_.lockForAppend.isEmpty()) {
        QSqlQuery lock(db);
        if (!lock.exec(dialect_.lockForAppend)) {
            const QString why = lock.lastError().text();
            db.rollback();
            return error(QStringLiteral("cannot lock the oplog"), why);
        }
    }
    Status s = checkOwnSeqsFree(batch);
    if (s && bulk_ && BulkWritePath::suits(batch)) {
        QString why;
        if (!bulk_->writeBatch(batch, QDateTime::currentMSecsSinceEpoch(), why))
            s = refusal(QStringLiteral("cannot write a batch"), why, bulk_->errorCode(), why);
    } else if (s) {
        s = appendBatch(batch);
    }
    if (!s) {
        db.rollback();
        return s;
    }
    if (!db.commit()) {
        // A deferred constraint speaks at the commit.
        const StoreError why = error(QStringLiteral("cannot commit"), db.lastError());
        db.rollback();
        return why;
    }
    return success();
}

bool SqlStore::connectionLost() {
    if (options_.engine == SqlEngine::Sqlite)
        return false; // a file has no connection to lose
    const SocketDeadline::Armed watched = watchServer();
    QSqlQuery probe(QSqlDatabase::database(connection_, false));
    return !probe.exec(QStringLiteral("SELECT 1"));
}

// PostgreSQL's calls run under the deadline (read_timeout + 2 s, so that the server's own
// statement_timeout speaks first when it is alive; 120 s when the URI sets none).
SocketDeadline::Armed SqlStore::watchServer() {
    if (options_.engine != SqlEngine::Postgres || !open_)
        return SocketDeadline::Armed(nullptr);
    if (!deadline_) {
        const int limit =
            options_.server.readTimeoutMs > 0 ? options_.server.readTimeoutMs + 2000 : 120000;
        deadline_ = std::make_unique<SocketDeadline>(std::chrono::milliseconds(limit));
    }
    return deadline_->arm(
        PostgresCopyPath::socketOf(QSqlDatabase::database(connection_, false).driver()->handle()));
}

// A call that waited out its limit: the driver only says its connection went away (MariaDB's
// read timeout, the deadline closing libpq's socket); the user should hear why.
StoreError SqlStore::unanswered(StoreError e) const {
    const qint64 limitMs =
        deadline_ ? deadline_->limit().count() : qint64(options_.server.readTimeoutMs);
    e.message += QStringLiteral(" (the server gave no answer within %1 s)")
                     .arg(static_cast<double>(limitMs) / 1000.0);
    return e;
}

Status SqlStore::reconnect() {
    reconnecting_ = true;
    close();
    reconnecting_ = false;
    return open();
}

// The server went away in the middle of a batch (a restart, a network cut): its transaction
// was rolled back, or it committed just before the connection broke. Either way writing the
// batch again is safe, since applying is idempotent and the seq check accepts the same write
// again. So the batch waits for the server, with back-off, telling the user, and nothing the
// caller was told is written is ever lost: the call returns only once the batch committed, or
// with the error.
Status SqlStore::retryAfterReconnecting(std::span<const LogRecord> batch, const StoreError& lost,
                                        const BatchControl& control) {
    LostConnectionWait wait(options_.name, options_.location);
    QString why = lost.message;
    for (;;) {
        if (Status s = wait.next(why, control, kBatchNotWritten); !s)
            return s;
        Status opened = reconnect();
        if (!opened) {
            why = opened.error().message;
            continue;
        }
        const Result<bool> landed = landedBeforeTheBreak(batch);
        if (landed && landed.value()) {
            control.notice(QStringLiteral("%1: connected again; the batch had been written "
                                          "before the connection broke")
                               .arg(options_.name));
            return success();
        }
        Status s = landed ? appendInTransaction(batch) : Status(landed.error());
        if (s) {
            control.notice(
                QStringLiteral("%1: connected again; the batch was written").arg(options_.name));
            return s;
        }
        if (s.error().conflict || !connectionLost())
            return s; // not the connection: the caller sees why
        why = s.error().message;
    }
}

// A write of this store's own origin is identified by its seq (docs/script-language.md: ++seq_S),
// and a server store has other writers: the capture triggers number an outside write max(seq) + 1,
// and a second Syncscope process numbers its own. Under the append lock, a batch whose own writes
// reuse a seq the log already holds for a different write would give two writes one identity,
// and a later merge would keep only one of them. Such a batch is refused whole, as a conflict;
// the same write again (a replayed batch) is fine.
Status SqlStore::checkOwnSeqsFree(std::span<const LogRecord> batch) {
    const std::string self = options_.name.toStdString();
    if (greatestOwnSeq(batch, self) == 0)
        return success();
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    QSqlQuery greatest(db);
    greatest.prepare(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM oplog WHERE origin = ?"));
    greatest.addBindValue(options_.name);
    if (!greatest.exec() || !greatest.next())
        return error(QStringLiteral("cannot read the oplog"), greatest.lastError().text());
    const uint64_t taken = static_cast<uint64_t>(greatest.value(0).toLongLong());
    QSqlQuery holder(db);
    holder.prepare(QStringLiteral("SELECT student_id, course_id, grade, ts FROM oplog WHERE "
                                  "origin = ? AND seq = ? AND op IN ('SET', 'DELETE') "
                                  "ORDER BY id LIMIT 1"));
    return checkOwnSeqs(
        batch, options_.name, taken, [&](uint64_t seq) -> Result<std::optional<LogRecord>> {
            holder.addBindValue(options_.name);
            holder.addBindValue(static_cast<qint64>(seq));
            if (!holder.exec())
                return error(QStringLiteral("cannot read the oplog"), holder.lastError().text());
            if (!holder.next())
                return std::optional<LogRecord>();
            LogRecord held;
            held.studentId = stdString(holder.value(0));
            held.courseId = stdString(holder.value(1));
            held.hasValue = !holder.value(2).isNull();
            held.value = held.hasValue ? stdString(holder.value(2)) : std::string();
            held.ts = holder.value(3).toLongLong();
            return std::optional<LogRecord>(std::move(held));
        });
}

Result<bool> SqlStore::landedBeforeTheBreak(std::span<const LogRecord> batch) {
    const auto last =
        std::find_if(batch.rbegin(), batch.rend(), [](const LogRecord& r) { return r.isWrite(); });
    if (last == batch.rend())
        return false; // GETs only: logging them again is harmless
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("SELECT student_id, course_id, grade, ts, op FROM oplog WHERE "
                             "origin = ? AND seq = ? AND op IN ('SET', 'DELETE', 'SEED') "
                             "ORDER BY id DESC"));
    q.addBindValue(toQString(last->origin));
    q.addBindValue(static_cast<qint64>(last->seq));
    if (!q.exec())
        return error(QStringLiteral("cannot read the oplog"), q.lastError().text());
    while (q.next())
        if (stdString(q.value(0)) == last->studentId && stdString(q.value(1)) == last->courseId &&
            q.value(2).isNull() == !last->hasValue &&
            (!last->hasValue || stdString(q.value(2)) == last->value) &&
            q.value(3).toLongLong() == last->ts &&
            stdString(q.value(4)) == entryKindName(last->kind))
            return true;
    return false;
}

Result<bool> SqlStore::watchChanges(std::function<void()> changed,
                                    std::function<void(const QString&)> problem) {
    if (options_.engine == SqlEngine::MariaDb && options_.capture == SqlCapture::Log) {
        changed_ = std::move(changed);
        problem_ = std::move(problem);
        return watchMariadbLog();
    }
    if (!open_ || options_.engine != SqlEngine::Postgres)
        return false; // MariaDB has no notifications; callers poll the oplog's tail
    changed_ = std::move(changed);
    problem_ = std::move(problem); // else a lost connection is reported by the calls meeting it
    if (logCapture_)
        startLogStreaming();
    // In log mode too: another process's capture notifies as the triggers do.
    return subscribe();
}

Result<std::vector<UnaccountedRow>> SqlStore::unaccountedRows(const BatchControl& control) {
    if (options_.engine != SqlEngine::Postgres || options_.capture != SqlCapture::Log || !open_)
        return Store::unaccountedRows(control);
    pg_conn* conn = PostgresCopyPath::nativeHandle(
        QSqlDatabase::database(connection_, false).driver()->handle());
    if (!conn)
        return error(QStringLiteral("cannot read syncscope_set_aside"),
                     QStringLiteral("the PostgreSQL driver gave no libpq connection"));
    return PostgresLogCapture::setAsideRows(conn, options_.name);
}

std::optional<CaptureProgress> SqlStore::captureProgress() const {
    if (logCapture_)
        return logCapture_->progress();
    if (binlogCapture_)
        return mariadbCaptureProgress();
    return std::nullopt;
}

Status SqlStore::startLogCapture() {
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    pg_conn* conn = PostgresCopyPath::nativeHandle(db.driver()->handle());
    if (!conn)
        return error(QStringLiteral("cannot capture from the log"),
                     QStringLiteral("the PostgreSQL driver gave no libpq connection"));
    const Server& server = options_.server;
    logCapture_ = std::make_unique<PostgresLogCapture>(
        options_.name,
        PostgresLogCapture::Server{server.host, server.port, server.user, server.password,
                                   options_.databaseName, server.connectOptions},
        conn, [this](std::span<const LogRecord> entries) -> Status {
            if (bulk_ && BulkWritePath::suits(entries)) {
                QString why;
                if (!bulk_->writeBatch(entries, QDateTime::currentMSecsSinceEpoch(), why))
                    return refusal(QStringLiteral("cannot log captured writes"), why,
                                   bulk_->errorCode(), why);
                return success();
            }
            return appendBatch(entries);
        });
    if (Status s = logCapture_->prepare(); !s)
        return s;
    if (Status s = logCapture_->drain(); !s)
        return s;
    if (changed_)
        startLogStreaming();
    return success();
}

// Streams while watched. When the server went away the store connects again, each second until
// it can, which reads the log to its end and streams again.
void SqlStore::startLogStreaming() {
    logCapture_->startStreaming(changed_, problem_, [this] {
        if (!reconnectTimer_) {
            reconnectTimer_ = std::make_unique<QTimer>();
            reconnectTimer_->setInterval(1000);
            QObject::connect(reconnectTimer_.get(), &QTimer::timeout, [this] {
                if (open_ && logCapture_ && !connectionLost()) {
                    reconnectTimer_->stop(); // connected again meanwhile
                    return;
                }
                if (Status s = reconnect(); s)
                    reconnectTimer_->stop();
                else if (problem_)
                    problem_(s.error().toString());
            });
        }
        reconnectTimer_->start();
    });
}

// Again after every reconnect: a subscription lives as long as its connection.
bool SqlStore::subscribe() {
    QSqlDriver* driver = QSqlDatabase::database(connection_, false).driver();
    // The capture trigger notifies this channel (sqldialect_servers.cpp); the driver reads the
    // notifications off the connection's socket in this thread's event loop.
    if (!driver->subscribeToNotification(QStringLiteral("syncscope_oplog")))
        return false;
    QObject::connect(driver, &QSqlDriver::notification, driver, [this] { changed_(); });
    return true;
}

// The statements, and why they are shaped so, are the dialect's (sqldialect.cpp).
Status SqlStore::rollbackTo(int64_t position) {
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    if (!db.transaction())
        return error(QStringLiteral("cannot begin a transaction"), db.lastError().text());
    auto fail = [&](const QSqlQuery& q) {
        const QString why = q.lastError().text();
        db.rollback();
        return error(QStringLiteral("cannot roll back"), why);
    };
    // Under the append lock as any write of the oplog (and, captured from the log, marked as
    // Syncscope's own: the grades it rewrites are no outside write).
    if (!dialect_.lockForAppend.isEmpty()) {
        QSqlQuery lock(db);
        if (!lock.exec(dialect_.lockForAppend))
            return fail(lock);
    }
    for (const QString& sql : dialect_.rollbackStatements) {
        QSqlQuery q(db);
        // Only statements with a parameter are prepared: QPSQL cannot prepare DDL.
        const bool bound = sql.contains(QLatin1String(":position"));
        if (bound) {
            q.prepare(sql);
            q.bindValue(QStringLiteral(":position"), static_cast<qint64>(position));
        }
        if (!(bound ? q.exec() : q.exec(sql)))
            return fail(q);
    }
    if (!db.commit()) {
        const QString why = db.lastError().text();
        db.rollback();
        return error(QStringLiteral("cannot commit the rollback"), why);
    }
    return success();
}

} // namespace syncscope

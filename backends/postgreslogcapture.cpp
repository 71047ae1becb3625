#include "postgreslogcapture.h"

#include "identifiers.h"
#include "utf8.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

namespace syncscope {

namespace {

// What a capture transaction may hold before it is written, so a huge outside transaction's
// entries and a long drain do not wait in memory: about what one append batch holds.
constexpr size_t kChangesPerCapture = 20000;
// How long a watched capture reads on while changes keep coming, before it writes what committed.
constexpr qint64 kReadBurstMs = 20;
// How long a drain waits for a slot that sends nothing, or for another process's capture.
constexpr qint64 kDrainPatienceMs = 60000;

const std::set<std::string>& syncscopeColumns() {
    static const std::set<std::string> columns = {"student_id", "course_id", "grade",     "ts",
                                                  "origin",     "seq",       "attributes"};
    return columns;
}

// The keys of a batch of captured changes, as rows for an IN: $1 and $2 are their student and
// course ids, each list joined by the unit separator (ids are validated: it cannot be in one).
constexpr const char* kBatchKeys =
    "(SELECT s COLLATE \"C\", c COLLATE \"C\" FROM unnest(string_to_array($1, chr(31)), "
    "string_to_array($2, chr(31))) AS k(s, c))";

// A parameter as libpq takes it: UTF-8 text, or NULL.
struct Params {
    std::vector<QByteArray> text;
    std::vector<const char*> values;
    explicit Params(const std::vector<QString>& params) {
        text.reserve(params.size());
        for (const QString& p : params)
            text.push_back(p.toUtf8());
        for (size_t i = 0; i < params.size(); ++i)
            values.push_back(params[i].isNull() ? nullptr : text[i].constData());
    }
};

QString resultError(const PGresult* r, pg_conn* conn) {
    const char* message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    return QString::fromUtf8(message && *message ? message : PQerrorMessage(conn)).trimmed();
}

QString sqlState(const PGresult* r) {
    const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return code ? QString::fromLatin1(code) : QString();
}

// Microseconds since 2000-01-01 UTC, the replication protocol's clock.
int64_t protocolNow() {
    constexpr int64_t kEpochOffsetMs = 946684800000LL;
    return (QDateTime::currentMSecsSinceEpoch() - kEpochOffsetMs) * 1000;
}

std::optional<std::string> gradeOf(const PgValue& v) {
    if (v.kind == PgValue::Text)
        return v.text;
    return std::nullopt;
}

// Why a captured row breaks docs/script-language.md's rules, or an empty string.
QString ruleBroken(const std::string& student, const std::string& course,
                   const std::optional<std::string>& grade) {
    if (!isValidIdentifier(student))
        return QStringLiteral("student_id is not 1 to 64 of A-Z a-z 0-9 _ . -");
    if (!isValidIdentifier(course))
        return QStringLiteral("course_id is not 1 to 64 of A-Z a-z 0-9 _ . -");
    if (grade && !isValidValue(*grade))
        return QStringLiteral("the grade must be 1 to 64 bytes with no control character");
    return {};
}

} // namespace

PostgresLogCapture::PostgresLogCapture(QString store, Server server, pg_conn* storeConnection,
                                       WriteEntries write)
    : store_(std::move(store))
    , server_(std::move(server))
    , storeConn_(storeConnection)
    , write_(std::move(write))
    , slot_(slotName(server_.database)) {}

PostgresLogCapture::~PostgresLogCapture() {
    notifier_.reset();
    timer_.reset();
    disconnectReplication();
}

QString PostgresLogCapture::slotName(const QString& database) {
    QString name;
    for (const QChar c : database.toLower())
        name += (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                        (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_')
                    ? c
                    : QLatin1Char('_');
    if (name != database || name.size() > 40)
        name = name.left(40) + QLatin1Char('_') +
               QString::fromLatin1(
                   QCryptographicHash::hash(database.toUtf8(), QCryptographicHash::Sha256)
                       .toHex()
                       .left(8));
    return QStringLiteral("syncscope_") + name;
}

QString PostgresLogCapture::describe(const QString& database) {
    return QStringLiteral("log (slot %1)").arg(slotName(database));
}

std::vector<QString> PostgresLogCapture::takeProblems() {
    return std::exchange(problems_, {});
}

StoreError PostgresLogCapture::error(const QString& what, const QString& detail) const {
    return {store_, what + QStringLiteral(": ") + detail, false};
}

Result<QString> PostgresLogCapture::queryValue(const char* sql,
                                               const std::vector<QString>& params) {
    Params p(params);
    PGresult* r = PQexecParams(storeConn_, sql, static_cast<int>(params.size()), nullptr,
                               p.values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const QString why = resultError(r, storeConn_);
        PQclear(r);
        return error(QStringLiteral("log capture"), why);
    }
    QString value;
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        value = QString::fromUtf8(PQgetvalue(r, 0, 0));
    PQclear(r);
    return value;
}

Status PostgresLogCapture::exec(const char* sql, const std::vector<QString>& params) {
    Params p(params);
    PGresult* r = PQexecParams(storeConn_, sql, static_cast<int>(params.size()), nullptr,
                               p.values.data(), nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const QString why = resultError(r, storeConn_);
        PQclear(r);
        return error(QStringLiteral("log capture"), why);
    }
    PQclear(r);
    return success();
}

const char* PostgresLogCapture::ownWriteLock() {
    // The lock every Syncscope transaction of the store takes first (sqldialect_servers.cpp's
    // lockForAppend), with the mark the capture reads: a transactional message belongs to the
    // transaction and is decoded only if it commits.
    return "SELECT value, pg_logical_emit_message(true, 'syncscope', value) FROM syncscope_meta "
           "WHERE key = 'store' FOR UPDATE";
}

Status PostgresLogCapture::prepare() {
    // pgoutput sends logical messages from PostgreSQL 14 on; before it, the oplog is published
    // too, and a transaction that writes it is Syncscope's.
    marksOwn_ = PQserverVersion(storeConn_) >= 140000;
    const Result<QString> level = queryValue("SELECT current_setting('wal_level')");
    if (!level)
        return level.error();
    if (level.value() != QLatin1String("logical"))
        return error(QStringLiteral("capture=log needs logical decoding"),
                     QStringLiteral("the server runs with wal_level = %1; as a superuser run "
                                    "ALTER SYSTEM SET wal_level = logical; and restart "
                                    "PostgreSQL (or set wal_level = logical in postgresql.conf), "
                                    "or open the store with capture=triggers")
                         .arg(level.value()));
    const Result<QString> role = queryValue(
        "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
    if (!role)
        return role.error();
    if (role.value() != QLatin1String("true"))
        return error(QStringLiteral("capture=log needs the REPLICATION attribute"),
                     QStringLiteral("the account %1 lacks it; as a superuser run ALTER ROLE %1 "
                                    "WITH REPLICATION;, or open the store with capture=triggers")
                         .arg(server_.user));
    if (Status s = exec("CREATE TABLE IF NOT EXISTS syncscope_set_aside (id BIGINT GENERATED "
                        "ALWAYS AS IDENTITY PRIMARY KEY, position TEXT NOT NULL, student_id "
                        "TEXT, course_id TEXT, grade TEXT, reason TEXT NOT NULL, at TIMESTAMPTZ "
                        "NOT NULL DEFAULT now())");
        !s)
        return s;
    const Result<QString> published =
        queryValue("SELECT count(*)::text FROM pg_publication WHERE pubname = $1", {slot_});
    if (!published)
        return published.error();
    // Names cannot be parameters; slotName() only makes [a-z0-9_].
    if (published.value() == QLatin1String("0")) {
        const QByteArray create =
            QStringLiteral("CREATE PUBLICATION %1 FOR TABLE %2")
                .arg(slot_, marksOwn_ ? QStringLiteral("grades") : QStringLiteral("grades, oplog"))
                .toUtf8();
        PGresult* r = PQexec(storeConn_, create.constData());
        const bool made = PQresultStatus(r) == PGRES_COMMAND_OK ||
                          sqlState(r) == QLatin1String("42710"); // made by another client
        const QString why = resultError(r, storeConn_);
        PQclear(r);
        if (!made)
            return error(QStringLiteral("cannot create the publication ") + slot_, why);
    } else if (marksOwn_) {
        // A publication made by an earlier version holds the oplog too: every entry Syncscope
        // writes would come back through the slot only to be dropped.
        const Result<QString> withOplog =
            queryValue("SELECT count(*)::text FROM pg_publication_tables WHERE pubname = $1 AND "
                       "tablename = 'oplog' AND schemaname = current_schema()",
                       {slot_});
        if (!withOplog)
            return withOplog.error();
        if (withOplog.value() != QLatin1String("0")) {
            const QByteArray drop =
                QStringLiteral("ALTER PUBLICATION %1 DROP TABLE oplog").arg(slot_).toUtf8();
            if (Status s = exec(drop.constData()); !s)
                return s;
        }
    }
    const Result<QString> slots =
        queryValue("SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = $1", {slot_});
    if (!slots)
        return slots.error();
    if (slots.value() == QLatin1String("0")) {
        Params p({slot_});
        PGresult* r = PQexecParams(storeConn_,
                                   "SELECT lsn FROM pg_create_logical_replication_slot($1, "
                                   "'pgoutput')",
                                   1, nullptr, p.values.data(), nullptr, nullptr, 0);
        const QString code = sqlState(r);
        const bool created = PQresultStatus(r) == PGRES_TUPLES_OK;
        const bool made = created || code == QLatin1String("42710");
        QString why = resultError(r, storeConn_);
        PQclear(r);
        if (code == QLatin1String("53400"))
            why += QStringLiteral(" (every slot of max_replication_slots is taken: drop one no "
                                  "longer used, listed by SELECT slot_name, active FROM "
                                  "pg_replication_slots, with SELECT "
                                  "pg_drop_replication_slot('NAME'), or raise "
                                  "max_replication_slots in postgresql.conf and restart)");
        if (!made)
            return error(QStringLiteral("cannot create the replication slot ") + slot_, why);
        // A new slot sends only what commits after it: an LSN saved from an earlier slot (one
        // dropped, or a database restored on another server, whose LSNs differ) means nothing.
        if (created)
            if (Status s = exec("DELETE FROM syncscope_meta WHERE key = 'capture_lsn'"); !s)
                return s;
    }
    // Triggers would capture every write a second time. They go only now that the slot exists.
    for (const char* drop : {"DROP TRIGGER IF EXISTS grades_capture ON grades",
                             "DROP TRIGGER IF EXISTS grades_capture_delete ON grades"})
        if (Status s = exec(drop); !s)
            return s;
    return success();
}

Status PostgresLogCapture::connectReplication() {
    if (repl_)
        return success();
    std::vector<QByteArray> keys = {
        "host", "port", "user", "password", "dbname", "replication", "application_name"};
    std::vector<QByteArray> values = {
        server_.host.toUtf8(),     QByteArray::number(server_.port > 0 ? server_.port : 5432),
        server_.user.toUtf8(),     server_.password.toUtf8(),
        server_.database.toUtf8(), "database",
        "syncscope log capture"};
    for (const QString& option :
         server_.connectOptions.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString key = option.section(QLatin1Char('='), 0, 0).trimmed();
        // statement_timeout (options=…) means nothing to a replication connection.
        if (key == QLatin1String("sslmode") || key == QLatin1String("sslrootcert") ||
            key == QLatin1String("connect_timeout")) {
            keys.push_back(key.toUtf8());
            values.push_back(option.section(QLatin1Char('='), 1).trimmed().toUtf8());
        }
    }
    std::vector<const char*> k;
    std::vector<const char*> v;
    for (size_t i = 0; i < keys.size(); ++i) {
        k.push_back(keys[i].constData());
        v.push_back(values[i].constData());
    }
    k.push_back(nullptr);
    v.push_back(nullptr);
    repl_ = PQconnectdbParams(k.data(), v.data(), 0);
    if (PQstatus(repl_) != CONNECTION_OK) {
        QString why = QString::fromUtf8(PQerrorMessage(repl_)).trimmed();
        if (why.contains(QLatin1String("pg_hba.conf")))
            why += QStringLiteral(" (add a line \"host replication %1 CLIENT-ADDRESS/32 "
                                  "scram-sha-256\" to pg_hba.conf and reload)")
                       .arg(server_.user);
        disconnectReplication();
        return error(QStringLiteral("cannot open a replication connection"), why);
    }
    return success();
}

void PostgresLogCapture::disconnectReplication() {
    notifier_.reset();
    if (repl_)
        PQfinish(repl_);
    repl_ = nullptr;
    open_.reset();
    committed_.clear();
    committedChanges_ = 0;
    relations_.clear();
}

Status PostgresLogCapture::startReplication(bool& slotBusy) {
    slotBusy = false;
    if (Status s = connectReplication(); !s)
        return s;
    const QByteArray start =
        QStringLiteral("START_REPLICATION SLOT %1 LOGICAL 0/0 (proto_version '1', "
                       "publication_names '%1'%2)")
            .arg(slot_, marksOwn_ ? QStringLiteral(", messages 'true'") : QString())
            .toUtf8();
    PGresult* r = PQexec(repl_, start.constData());
    if (PQresultStatus(r) == PGRES_COPY_BOTH) {
        PQclear(r);
        return success();
    }
    const QString code = sqlState(r);
    QString why = resultError(r, repl_);
    PQclear(r);
    disconnectReplication();
    slotBusy = code == QLatin1String("55006"); // another process reads the slot
    if (code == QLatin1String("53300") || why.contains(QLatin1String("max_wal_senders")))
        why += QStringLiteral(" (raise max_wal_senders in postgresql.conf and restart)");
    return error(QStringLiteral("cannot read the replication slot ") + slot_, why);
}

Status PostgresLogCapture::confirm(uint64_t lsn, bool replyRequested) {
    if (!repl_)
        return success();
    confirmed_ = std::max(confirmed_, lsn);
    const std::string update = standbyStatusUpdate(confirmed_, protocolNow(), replyRequested);
    if (PQputCopyData(repl_, update.data(), static_cast<int>(update.size())) != 1 ||
        PQflush(repl_) != 0)
        return error(QStringLiteral("lost the replication connection"),
                     QString::fromUtf8(PQerrorMessage(repl_)).trimmed());
    return success();
}

Status PostgresLogCapture::readAvailable(int waitMs) {
    if (waitMs > 0) {
        pollfd fd{PQsocket(repl_), POLLIN, 0};
        ::poll(&fd, 1, waitMs);
    }
    if (PQconsumeInput(repl_) != 1)
        return error(QStringLiteral("lost the replication connection"),
                     QString::fromUtf8(PQerrorMessage(repl_)).trimmed());
    for (;;) {
        char* buffer = nullptr;
        const int n = PQgetCopyData(repl_, &buffer, 1);
        if (n == 0)
            return success();
        if (n < 0) {
            QString why = QString::fromUtf8(PQerrorMessage(repl_)).trimmed();
            if (n == -1) { // the server ended the stream: its result says why
                PGresult* r = PQgetResult(repl_);
                why = resultError(r, repl_);
                PQclear(r);
            }
            return error(QStringLiteral("lost the replication connection"),
                         why.isEmpty() ? QStringLiteral("the server ended the stream") : why);
        }
        const Status s = handleFrame(std::string_view(buffer, static_cast<size_t>(n)));
        PQfreemem(buffer);
        if (!s)
            return s;
    }
}

Status PostgresLogCapture::handleFrame(std::string_view frame) {
    PgReplicationFrame f;
    QString why;
    ++frames_;
    if (!decodeReplicationFrame(frame, f, why))
        return error(QStringLiteral("cannot read the replication stream"), why);
    if (f.kind == PgReplicationFrame::Keepalive) {
        serverEnd_ = std::max(serverEnd_, f.walEnd);
        // Everything before a keepalive was sent before it: with nothing pending, the slot may
        // move on to it (so it retains no WAL the store does not need).
        if (!open_ && committed_.empty())
            return confirm(f.walEnd, false);
        return f.replyRequested ? confirm(confirmed_, false) : success();
    }
    if (f.kind != PgReplicationFrame::XLogData)
        return success();
    PgMessage m;
    if (!decodePgoutput(f.payload, m, why))
        return error(QStringLiteral("cannot read the replication stream"), why);
    return handleMessage(m);
}

Status PostgresLogCapture::handleMessage(const PgMessage& m) {
    switch (m.kind) {
    case PgMessage::Begin:
        open_ = std::make_unique<Transaction>();
        return success();
    case PgMessage::Relation: {
        Relation rel;
        rel.name = m.name;
        rel.columns = m.columns;
        for (size_t i = 0; i < m.columns.size(); ++i) {
            const int at = static_cast<int>(i);
            if (m.columns[i] == "student_id")
                rel.student = at;
            else if (m.columns[i] == "course_id")
                rel.course = at;
            else if (m.columns[i] == "grade")
                rel.grade = at;
        }
        if (rel.name == "grades" && open_) {
            const std::set<std::string> now(m.columns.begin(), m.columns.end());
            if (now != syncscopeColumns()) {
                QStringList names;
                for (const std::string& c : m.columns)
                    names << QString::fromStdString(c);
                open_->events.push_back(QStringLiteral("the columns of grades changed to (%1); "
                                                       "rows whose key or grade is missing are "
                                                       "set aside")
                                            .arg(names.join(QStringLiteral(", "))));
            }
        }
        relations_[m.relation] = std::move(rel);
        return success();
    }
    case PgMessage::Insert:
    case PgMessage::Update:
    case PgMessage::Delete: {
        if (!open_)
            return error(QStringLiteral("cannot read the replication stream"),
                         QStringLiteral("a row change outside a transaction"));
        const auto it = relations_.find(m.relation);
        if (it == relations_.end())
            return error(QStringLiteral("cannot read the replication stream"),
                         QStringLiteral("a row change of an unannounced relation"));
        const Relation& rel = it->second;
        if (rel.name == "oplog") { // published by an earlier version, or before PostgreSQL 14
            markOwn();
            return success();
        }
        if (rel.name != "grades" || open_->own)
            return success();
        if (m.kind == PgMessage::Delete) {
            addChange(rel, *m.oldRow, Change::Delete);
        } else {
            // An UPDATE that renamed the key sends the old key: a DELETE of it, then a SET.
            if (m.kind == PgMessage::Update && m.oldRow)
                addChange(rel, *m.oldRow, Change::Delete);
            addChange(rel, m.newRow, Change::Set);
        }
        return success();
    }
    case PgMessage::Truncate: {
        if (!open_)
            return success();
        for (const uint32_t id : m.truncated) {
            const auto it = relations_.find(id);
            if (it != relations_.end() && it->second.name == "grades")
                open_->events.push_back(
                    QStringLiteral("grades was emptied by TRUNCATE, which logs no row: the oplog "
                                   "still holds every write, so the store's rows no longer "
                                   "match it until they are written again"));
        }
        return success();
    }
    case PgMessage::Commit:
        if (open_) {
            open_->endLsn = m.endLsn;
            open_->commitTime = m.commitTime;
            if (open_->own) {
                open_->events.clear();
                open_->changes.clear();
            }
            committedChanges_ += open_->changes.size();
            committed_.push_back(std::move(*open_));
            open_.reset();
        }
        return success();
    case PgMessage::Message:
        if (open_ && m.transactional && m.prefix == "syncscope")
            markOwn();
        return success();
    case PgMessage::Ignored:
        break;
    }
    return success();
}

// Syncscope's own transaction: its entries are logged already.
void PostgresLogCapture::markOwn() {
    open_->own = true;
    open_->changes.clear();
}

void PostgresLogCapture::addChange(const Relation& rel, const PgTuple& row, Change::Kind kind) {
    Change c;
    c.kind = kind;
    auto text = [&row](int at) -> std::optional<std::string> {
        if (at < 0 || static_cast<size_t>(at) >= row.size())
            return std::nullopt;
        return gradeOf(row[static_cast<size_t>(at)]);
    };
    c.student = text(rel.student).value_or(std::string());
    c.course = text(rel.course).value_or(std::string());
    if (kind == Change::Set) {
        c.grade = text(rel.grade);
        c.gradeUnchanged = rel.grade >= 0 && static_cast<size_t>(rel.grade) < row.size() &&
                           row[static_cast<size_t>(rel.grade)].kind == PgValue::Unchanged;
        // An outside UPDATE of a row to a NULL grade deletes it, as the triggers read it.
        if (!c.grade && !c.gradeUnchanged)
            c.kind = Change::Delete;
    }
    open_->changes.push_back(std::move(c));
}

Result<bool> PostgresLogCapture::captureCommitted() {
    if (committed_.empty())
        return false;
    std::vector<Transaction> batch = std::exchange(committed_, {});
    committedChanges_ = 0;
    const uint64_t last = batch.back().endLsn;
    const bool anything = std::any_of(batch.begin(), batch.end(), [](const Transaction& t) {
        return !t.changes.empty() || !t.events.empty();
    });
    if (anything) {
        if (Status s = writeTransactions(batch); !s)
            return s.error();
    }
    if (Status s = confirm(last, false); !s)
        return s.error();
    // The lag of the last transaction, from its commit to its entries' (and the slot's) being
    // told: the protocol's clock is the server's, so a skewed client clock skews it.
    progress_.position = QStringLiteral("LSN ") + lsnText(last);
    progress_.lagMs = std::max<qint64>(0, (protocolNow() - batch.back().commitTime) / 1000);
    return anything;
}

CaptureProgress PostgresLogCapture::progress() const {
    CaptureProgress p = progress_;
    p.waiting = lastFailure_;
    if (p.position.isEmpty() && confirmed_ > 0)
        p.position = QStringLiteral("LSN ") + lsnText(confirmed_);
    return p;
}

// One transaction under the append lock: the entries, the set-aside rows, the saved LSN.
Status PostgresLogCapture::writeTransactions(std::vector<Transaction>& batch) {
    auto fail = [this](const StoreError& e) {
        PQclear(PQexec(storeConn_, "ROLLBACK"));
        return Status(e);
    };
    if (Status s = exec("BEGIN"); !s)
        return s;
    if (Status s = exec(ownWriteLock()); !s)
        return fail(s.error());
    const Result<QString> savedText =
        queryValue("SELECT value FROM syncscope_meta WHERE key = 'capture_lsn'");
    if (!savedText)
        return fail(savedText.error());
    const uint64_t saved = parseLsn(savedText.value()).value_or(0);

    // What is new: a transaction at or below the saved LSN was captured before (by this
    // process before a crash, or by another).
    std::vector<SetAside> setAside;
    std::vector<LogRecord> records;
    std::vector<QString> events;
    uint64_t last = saved;
    for (Transaction& t : batch) {
        if (t.endLsn <= saved)
            continue;
        last = t.endLsn;
        const QString position = lsnText(t.endLsn);
        for (const QString& e : t.events) {
            events.push_back(QStringLiteral("%1 (at LSN %2)").arg(e, position));
            setAside.push_back({position, {}, {}, std::nullopt, e});
        }
        for (Change& c : t.changes) {
            QString why = ruleBroken(c.student, c.course, c.grade);
            if (why.isEmpty() && c.gradeUnchanged)
                why = QStringLiteral("the UPDATE left a stored (TOASTed) grade out of the log");
            if (!why.isEmpty()) {
                setAside.push_back({position, c.student, c.course, c.grade, why});
                continue;
            }
            LogRecord r;
            r.kind = c.kind == Change::Set ? EntryKind::Set : EntryKind::Delete;
            r.studentId = std::move(c.student);
            r.courseId = std::move(c.course);
            r.hasValue = c.kind == Change::Set;
            r.value = c.grade.value_or(std::string());
            r.origin = store_.toStdString();
            records.push_back(std::move(r));
        }
    }
    if (last == saved) { // all captured before
        PQclear(PQexec(storeConn_, "ROLLBACK"));
        return success();
    }

    if (!records.empty()) {
        // The identities and ts the capture trigger gives, one after another.
        const Result<QString> ts = queryValue("SELECT COALESCE(MAX(ts), 0)::text FROM oplog");
        const Result<QString> seq =
            queryValue("SELECT COALESCE(MAX(seq), 0)::text FROM oplog WHERE origin = $1", {store_});
        if (!ts)
            return fail(ts.error());
        if (!seq)
            return fail(seq.error());
        int64_t nextTs = ts.value().toLongLong();
        uint64_t nextSeq = seq.value().toULongLong();
        // Each key's context: per other origin, the greatest seq the oplog holds for it. Ids are
        // validated above, so the unit separator cannot be in one.
        std::string students;
        std::string courses;
        for (const LogRecord& r : records) {
            students += r.studentId + '\x1f';
            courses += r.courseId + '\x1f';
        }
        const QString studentList = toQString(students), courseList = toQString(courses);
        Params p({studentList, courseList, store_});
        PGresult* ctx = PQexecParams(
            storeConn_,
            (std::string("SELECT o.student_id, o.course_id, string_agg(o.origin || ':' || o.m, "
                         "',' ORDER BY o.origin) FROM (SELECT student_id, course_id, origin, "
                         "MAX(seq) AS m FROM oplog WHERE (student_id, course_id) IN ") +
             kBatchKeys +
             " AND origin <> $3 AND op <> 'GET' GROUP BY student_id, course_id, origin) AS o "
             "GROUP BY o.student_id, o.course_id")
                .c_str(),
            3, nullptr, p.values.data(), nullptr, nullptr, 0);
        if (PQresultStatus(ctx) != PGRES_TUPLES_OK) {
            const QString why = resultError(ctx, storeConn_);
            PQclear(ctx);
            return fail(error(QStringLiteral("cannot read the causal contexts"), why));
        }
        std::map<std::pair<std::string, std::string>, std::string> contexts;
        for (int i = 0; i < PQntuples(ctx); ++i)
            contexts[{PQgetvalue(ctx, i, 0), PQgetvalue(ctx, i, 1)}] = PQgetvalue(ctx, i, 2);
        PQclear(ctx);
        for (LogRecord& r : records) {
            r.ts = ++nextTs;
            r.seq = ++nextSeq;
            const auto it = contexts.find({r.studentId, r.courseId});
            if (it != contexts.end())
                r.context = it->second;
        }
        if (Status s = yieldToLaterWrites(records, studentList, courseList); !s)
            return fail(s.error());
        if (Status s = write_(records); !s)
            return fail(s.error());
        // The row an outside DELETE removed stays removed: the upsert above wrote a tombstone.
        for (const LogRecord& r : records) {
            if (r.hasValue)
                continue;
            if (Status s = exec("DELETE FROM grades WHERE student_id = $1 AND course_id = $2 AND "
                                "grade IS NULL AND origin = $3 AND seq = $4",
                                {toQString(r.studentId), toQString(r.courseId), store_,
                                 QString::number(r.seq)});
                !s)
                return fail(s.error());
        }
    }
    for (const SetAside& a : setAside) {
        const QString grade = a.grade ? toQString(*a.grade) : QString();
        if (Status s =
                exec("INSERT INTO syncscope_set_aside(position, student_id, course_id, "
                     "grade, reason) VALUES ($1, $2, $3, $4, $5)",
                     {a.position, toQString(a.student), toQString(a.course), grade, a.reason});
            !s)
            return fail(s.error());
    }
    if (Status s = exec("INSERT INTO syncscope_meta(key, value) VALUES ('capture_lsn', $1) ON "
                        "CONFLICT (key) DO UPDATE SET value = excluded.value",
                        {lsnText(last)});
        !s)
        return fail(s.error());
    if (!records.empty())
        if (Status s = exec("SELECT pg_notify('syncscope_oplog', $1)", {store_}); !s)
            return fail(s.error());
    if (Status s = exec("COMMIT"); !s)
        return fail(s.error());
    for (const SetAside& a : setAside)
        if (!a.student.empty() || !a.course.empty())
            report(
                QStringLiteral("%1: an outside write of (%2,%3) at LSN %4 was set aside, not "
                               "logged: %5 (kept in the table syncscope_set_aside)")
                    .arg(store_, toQString(a.student), toQString(a.course), a.position, a.reason));
    for (const QString& e : events)
        report(QStringLiteral("%1: %2").arg(store_, e));
    return success();
}

// A row the batch leaves in another state than it holds was changed after these changes (the
// slot sends transactions in commit order, so whatever changed it came later). When a logged
// write holds it (Syncscope's, or a copy it received), the changes are logged as older than that
// write, their ts just below its, and the upsert, which keeps the greater write, leaves the row
// alone: a capture that runs late (the store opened hours after an outside write) must not
// stamp the old value as the newest write and bring it back over what Syncscope wrote since.
// A row a later outside write changed is stamped by that write's own capture, which follows.
// The rows are read locked: a concurrent writer's change must not slip in between.
Status PostgresLogCapture::yieldToLaterWrites(std::vector<LogRecord>& records,
                                              const QString& students, const QString& courses) {
    using Key = std::pair<std::string, std::string>;
    std::map<Key, const LogRecord*> last; // the state the batch leaves each key in
    for (const LogRecord& r : records)
        last[{r.studentId, r.courseId}] = &r;
    Params p({students, courses});
    PGresult* rows = PQexecParams(
        storeConn_,
        (std::string("SELECT g.student_id, g.course_id, g.grade, g.ts FROM grades g WHERE "
                     "(g.student_id, g.course_id) IN ") +
         kBatchKeys +
         " AND EXISTS (SELECT 1 FROM oplog o WHERE o.student_id = g.student_id AND o.course_id "
         "= g.course_id AND o.origin = g.origin AND o.seq = g.seq AND o.ts = g.ts AND o.op <> "
         "'GET' AND o.grade IS NOT DISTINCT FROM g.grade) FOR UPDATE OF g")
            .c_str(),
        2, nullptr, p.values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(rows) != PGRES_TUPLES_OK) {
        const QString why = resultError(rows, storeConn_);
        PQclear(rows);
        return error(QStringLiteral("cannot read the captured rows"), why);
    }
    std::map<Key, int64_t> heldBelow; // keys a logged write holds in another state: its ts
    for (int i = 0; i < PQntuples(rows); ++i) {
        const Key key{PQgetvalue(rows, i, 0), PQgetvalue(rows, i, 1)};
        const auto end = last.find(key);
        if (end == last.end())
            continue;
        const bool present = !PQgetisnull(rows, i, 2);
        if (present == end->second->hasValue &&
            (!present || end->second->value == PQgetvalue(rows, i, 2)))
            continue; // the row is as the batch leaves it
        heldBelow[key] = std::strtoll(PQgetvalue(rows, i, 3), nullptr, 10);
    }
    PQclear(rows);
    for (LogRecord& r : records)
        if (const auto held = heldBelow.find({r.studentId, r.courseId}); held != heldBelow.end())
            r.ts = std::min(r.ts, held->second - 1);
    return success();
}

Result<std::vector<UnaccountedRow>> PostgresLogCapture::setAsideRows(pg_conn* conn,
                                                                     const QString& store) {
    PGresult* r = PQexec(conn, "SELECT student_id, course_id, grade, position, reason FROM "
                               "syncscope_set_aside WHERE student_id IS NOT NULL ORDER BY id");
    std::vector<UnaccountedRow> rows;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const bool missing = sqlState(r) == QLatin1String("42P01"); // no such table
        const QString why = resultError(r, conn);
        PQclear(r);
        if (missing)
            return rows;
        return StoreError{store, QStringLiteral("cannot read syncscope_set_aside: ") + why, false};
    }
    for (int i = 0; i < PQntuples(r); ++i) {
        std::string detail = "an outside write set aside at LSN " +
                             std::string(PQgetvalue(r, i, 3)) +
                             ", not logged: " + PQgetvalue(r, i, 4);
        if (!PQgetisnull(r, i, 2))
            detail += std::string(" (grade '") + PQgetvalue(r, i, 2) + "')";
        rows.push_back({PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), std::move(detail)});
    }
    PQclear(r);
    return rows;
}

void PostgresLogCapture::report(const QString& problem) {
    if (problem_)
        problem_(problem);
    else
        problems_.push_back(problem);
}

Status PostgresLogCapture::drain() {
    const Result<QString> targetText = queryValue("SELECT pg_current_wal_lsn()::text");
    if (!targetText)
        return targetText.error();
    const uint64_t target = parseLsn(targetText.value()).value_or(0);
    QElapsedTimer patience;
    patience.start();
    bool busy = false;
    for (;;) {
        Status started = startReplication(busy);
        if (started)
            break;
        if (!busy)
            return started;
        // Another process reads the slot and captures: done once it has confirmed past the end.
        const Result<QString> confirmed = queryValue(
            "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1",
            {slot_});
        if (confirmed && parseLsn(confirmed.value()).value_or(0) >= target)
            return success();
        if (patience.elapsed() > kDrainPatienceMs)
            return started;
        QThread::msleep(50);
    }
    uint64_t lastEnd = 0;
    patience.restart();
    if (Status s = confirm(confirmed_, true); !s) { // where does the server stand?
        disconnectReplication();
        return s;
    }
    for (;;) {
        const uint64_t framesBefore = frames_;
        const size_t before = committed_.size();
        if (Status s = readAvailable(100); !s) {
            disconnectReplication();
            return s;
        }
        if (committed_.size() != before) {
            lastEnd = committed_.back().endLsn;
            patience.restart();
        }
        if (open_)
            patience.restart(); // a long transaction is still coming
        const bool reached = !open_ && (lastEnd >= target || serverEnd_ >= target);
        if (reached || committedChanges_ >= kChangesPerCapture) {
            const Result<bool> captured = captureCommitted();
            if (!captured) {
                disconnectReplication();
                return captured.error();
            }
        }
        if (reached)
            break;
        if (patience.elapsed() > kDrainPatienceMs) {
            disconnectReplication();
            return error(QStringLiteral("cannot read the replication slot ") + slot_,
                         QStringLiteral("it sent nothing for %1 s").arg(kDrainPatienceMs / 1000));
        }
        // Nothing came for a moment: ask again where the server stands.
        if (frames_ == framesBefore)
            if (Status s = confirm(confirmed_, true); !s) {
                disconnectReplication();
                return s;
            }
    }
    // Tell the server where the slot stands, end the stream and wait a moment for the server
    // to end it too, so that it has heard.
    if (confirm(std::max(confirmed_, serverEnd_), false) && PQputCopyEnd(repl_, nullptr) == 1 &&
        PQflush(repl_) == 0) {
        QElapsedTimer ending;
        ending.start();
        while (ending.elapsed() < 2000 && PQconsumeInput(repl_) == 1) {
            char* buffer = nullptr;
            const int n = PQgetCopyData(repl_, &buffer, 1);
            if (buffer)
                PQfreemem(buffer);
            if (n == 0) {
                pollfd fd{PQsocket(repl_), POLLIN, 0};
                ::poll(&fd, 1, 50);
            } else if (n < 0) {
                while (PGresult* r = PQgetResult(repl_))
                    PQclear(r);
                break;
            }
        }
    }
    disconnectReplication();
    return success();
}

void PostgresLogCapture::startStreaming(std::function<void()> captured,
                                        std::function<void(const QString&)> problem,
                                        std::function<void()> storeLost) {
    captured_ = std::move(captured);
    problem_ = std::move(problem);
    storeLost_ = std::move(storeLost);
    for (const QString& p : takeProblems())
        problem_(p);
    timer_ = std::make_unique<QTimer>();
    timer_->setInterval(100);
    QObject::connect(timer_.get(), &QTimer::timeout, [this] { tick(); });
    timer_->start();
    tick();
}

// Every 100 ms: (re)start reading the slot when not reading it, and otherwise tell the server
// where the capture stands and ask where it stands, so an idle slot keeps moving.
void PostgresLogCapture::tick() {
    if (!repl_) {
        bool busy = false;
        const Status started = startReplication(busy);
        if (!started) {
            // Another process reads the slot (its capture notifies this one's LISTEN), or the
            // server is away: tried again a second later.
            // Said once, not each second.
            if (started.error().message != lastFailure_)
                report(started.error().toString());
            lastFailure_ = started.error().message;
            timer_->setInterval(1000);
            return;
        }
        lastFailure_.clear();
        timer_->setInterval(100);
        notifier_ = std::make_unique<QSocketNotifier>(PQsocket(repl_), QSocketNotifier::Read);
        QObject::connect(notifier_.get(), &QSocketNotifier::activated, [this] { pump(); });
    }
    if (Status s = confirm(confirmed_, true); !s) {
        report(s.error().toString());
        disconnectReplication();
    }
}

// The replication socket has something: read it all, and capture what committed.
void PostgresLogCapture::pump() {
    if (!repl_)
        return;
    QElapsedTimer burst;
    burst.start();
    const uint64_t first = frames_;
    Status s = readAvailable(0);
    // The server sends each change in a message of its own, and a busy stream wakes this
    // thread for nearly every one: read on while more comes within a millisecond (for up to
    // kReadBurstMs), so one wake-up and one capture transaction take a burst.
    for (uint64_t before = first; s && frames_ != before && burst.elapsed() < kReadBurstMs &&
                                  committedChanges_ < kChangesPerCapture;) {
        before = frames_;
        s = readAvailable(1);
    }
    if (s) {
        const Result<bool> captured = captureCommitted();
        if (!captured)
            s = captured.error();
        else if (captured.value() && captured_)
            captured_();
    }
    if (!s) {
        // What was read and not captured is read again from the slot on the next connection.
        report(s.error().toString());
        disconnectReplication();
        timer_->setInterval(1000);
        if (PQstatus(storeConn_) != CONNECTION_OK && storeLost_)
            storeLost_(); // only asks: the store connects again from its own timer
    }
}

} // namespace syncscope

#include "sqlitefastpath.h"

#include "ownseqs.h"
#include "rangechecksum.h"
#include "sqlitemultirow.h"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <string_view>

namespace syncscope {

namespace {
void bindText(sqlite3_stmt* s, int i, const std::string& text) {
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}
} // namespace

void SqliteFastPath::configureProcess() {
    static std::once_flag once;
    std::call_once(once, [] {
        // SQLITE_MISUSE when SQLite is already initialised; the defaults then stay, harmlessly.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        // Each connection lives on its store's worker thread only (StoreWorker), so SQLite's
        // per-connection mutexes guard nothing.
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    });
}

namespace {
std::string_view textArg(sqlite3_value* v) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return text ? std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v)))
                : std::string_view();
}

void tokenFunction(sqlite3_context* c, int, sqlite3_value** argv) {
    sqlite3_result_int64(c, keyToken(textArg(argv[0]), textArg(argv[1])));
}

void digestFunction(sqlite3_context* c, int, sqlite3_value** argv) {
    sqlite3_result_int64(c, static_cast<sqlite3_int64>(
                                rowDigest(textArg(argv[0]), textArg(argv[1]), textArg(argv[2]))));
}

void xorStep(sqlite3_context* c, int, sqlite3_value** argv) {
    auto* acc = static_cast<uint64_t*>(sqlite3_aggregate_context(c, sizeof(uint64_t)));
    if (acc)
        *acc ^= static_cast<uint64_t>(sqlite3_value_int64(argv[0]));
}

void xorFinal(sqlite3_context* c) {
    auto* acc = static_cast<uint64_t*>(sqlite3_aggregate_context(c, 0));
    sqlite3_result_int64(c, static_cast<sqlite3_int64>(acc ? *acc : 0));
}
} // namespace

bool SqliteFastPath::registerChecksumFunctions(sqlite3* db) {
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    return sqlite3_create_function_v2(db, "syncscope_token", 2, flags, nullptr, tokenFunction,
                                      nullptr, nullptr, nullptr) == SQLITE_OK &&
           sqlite3_create_function_v2(db, "syncscope_digest", 3, flags, nullptr, digestFunction,
                                      nullptr, nullptr, nullptr) == SQLITE_OK &&
           sqlite3_create_function_v2(db, "syncscope_xor", 1, flags, nullptr, nullptr, xorStep,
                                      xorFinal, nullptr) == SQLITE_OK;
}

sqlite3* SqliteFastPath::nativeHandle(const QVariant& handle) {
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

SqliteFastPath::~SqliteFastPath() {
    for (sqlite3_stmt* s : {insertOplog_[0], insertOplog_[1], upsertGrade_[0], upsertGrade_[1]})
        sqlite3_finalize(s);
    sqlite3_finalize(readOplog_);
    for (sqlite3_stmt* s : {readClaim_, writeClaim_, greatestOwn_, heldWrite_})
        sqlite3_finalize(s);
}

QString SqliteFastPath::lastError() const {
    return QString::fromUtf8(sqlite3_errmsg(db_));
}

bool SqliteFastPath::exec(const char* sql, QString& error) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
        return true;
    error = lastError();
    return false;
}

bool SqliteFastPath::prepare(const QString& readOplogSql,
                             const std::function<QString(int rows)>& insertOplogSql,
                             const std::function<QString(int rows)>& upsertGradeSql,
                             QString& error) {
    const auto compile = [this](const QString& sql, sqlite3_stmt*& out) {
        const QByteArray utf8 = sql.toUtf8();
        return sqlite3_prepare_v3(db_, utf8.constData(), -1, SQLITE_PREPARE_PERSISTENT, &out,
                                  nullptr) == SQLITE_OK;
    };
    bool ok = compile(readOplogSql, readOplog_);
    for (size_t i = 0; ok && i < 2; ++i) {
        const int rows = i == 0 ? 1 : kRowsPerStatement;
        ok = compile(insertOplogSql(rows), insertOplog_[i]) &&
             compile(upsertGradeSql(rows), upsertGrade_[i]);
    }
    if (!ok)
        error = lastError();
    return ok;
}

namespace {
constexpr int kOplogColumns = 9;
constexpr int kGradeColumns = 7;
} // namespace

sqlite3_stmt* SqliteFastPath::statement(sqlite3_stmt*& cached, const char* sql, QString& error) {
    if (!cached && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &cached, nullptr) !=
                       SQLITE_OK) {
        error = lastError();
        return nullptr;
    }
    sqlite3_reset(cached);
    sqlite3_clear_bindings(cached);
    return cached;
}

bool SqliteFastPath::claimedSeq(uint64_t& claimed, QString& error) {
    sqlite3_stmt* read =
        statement(readClaim_, "SELECT value FROM syncscope_meta WHERE key = 'claimed seq'", error);
    if (!read)
        return false;
    if (sqlite3_step(read) == SQLITE_ROW) {
        claimed = static_cast<uint64_t>(sqlite3_column_int64(read, 0));
        return true;
    }
    // No counter yet (a store written before there was one, or just rolled back): the oplog's
    // greatest own seq, read once.
    sqlite3_stmt* greatest =
        statement(greatestOwn_, "SELECT COALESCE(MAX(seq), 0) FROM oplog WHERE origin = ?", error);
    if (!greatest)
        return false;
    bindText(greatest, 1, self_);
    if (sqlite3_step(greatest) != SQLITE_ROW) {
        error = lastError();
        return false;
    }
    claimed = static_cast<uint64_t>(sqlite3_column_int64(greatest, 0));
    return true;
}

bool SqliteFastPath::heldWrite(uint64_t seq, LogRecord& held, QString& error) {
    // No index on (origin, seq) (it would cost every append); this runs only for a seq at or
    // below the counter, which the engine never gives a new write.
    sqlite3_stmt* q = statement(heldWrite_,
                                "SELECT student_id, course_id, grade, ts FROM oplog WHERE "
                                "origin = ? AND seq = ? AND (op = 'SET' OR op = 'DELETE') "
                                "ORDER BY id LIMIT 1",
                                error);
    if (!q)
        return false;
    bindText(q, 1, self_);
    sqlite3_bind_int64(q, 2, static_cast<sqlite3_int64>(seq));
    const int step = sqlite3_step(q);
    if (step == SQLITE_DONE)
        return false;
    if (step != SQLITE_ROW) {
        error = lastError();
        return false;
    }
    const auto text = [q](int i) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(q, i));
        return std::string(t ? t : "", static_cast<size_t>(sqlite3_column_bytes(q, i)));
    };
    held.studentId = text(0);
    held.courseId = text(1);
    held.hasValue = sqlite3_column_type(q, 2) != SQLITE_NULL;
    held.value = held.hasValue ? text(2) : std::string();
    held.ts = sqlite3_column_int64(q, 3);
    return true;
}

bool SqliteFastPath::claimOwnSeqs(std::span<const LogRecord> batch, QString& error) {
    const uint64_t greatest = greatestOwnSeq(batch, self_);
    if (greatest == 0)
        return true;
    uint64_t claimed = 0;
    if (!claimedSeq(claimed, error))
        return false;
    const QString store = QString::fromStdString(self_);
    const Status checked =
        checkOwnSeqs(batch, store, claimed, [&](uint64_t seq) -> Result<std::optional<LogRecord>> {
            LogRecord held;
            QString why;
            if (heldWrite(seq, held, why))
                return std::optional<LogRecord>(std::move(held));
            if (!why.isEmpty())
                return StoreError{store, why, false};
            return std::optional<LogRecord>();
        });
    if (!checked) {
        conflict_ = checked.error().conflict;
        error = checked.error().message;
        return false;
    }
    if (greatest <= claimed)
        return true;
    sqlite3_stmt* write =
        statement(writeClaim_,
                  "INSERT INTO syncscope_meta(key, value) VALUES ('claimed seq', ?) "
                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  error);
    if (!write)
        return false;
    sqlite3_bind_int64(write, 1, static_cast<sqlite3_int64>(greatest));
    if (sqlite3_step(write) != SQLITE_DONE) {
        error = lastError();
        return false;
    }
    return true;
}

bool SqliteFastPath::writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) {
    conflict_ = false;
    failureCode_ = 0;
    if (!exec("BEGIN IMMEDIATE", error))
        return false;
    auto fail = [&] {
        error = lastError();
        failureCode_ = sqlite3_extended_errcode(db_);
        QString ignored;
        exec("ROLLBACK", ignored);
        return false;
    };
    const bool claimed = claimOwnSeqs(batch, error);
    // A statement left stepped holds its read snapshot open on this connection after the
    // commit, and every later read here would miss what other connections wrote since.
    for (sqlite3_stmt* s : {readClaim_, greatestOwn_, heldWrite_, writeClaim_})
        if (s)
            sqlite3_reset(s);
    if (!claimed) {
        QString ignored;
        exec("ROLLBACK", ignored);
        return false;
    }
    // The oplog in append order...
    const bool logged =
        stepRows(insertOplog_, kRowsPerStatement, kOplogColumns, batch.size(),
                 [&](sqlite3_stmt* s, int p, size_t i) {
                     const LogRecord& r = batch[i];
                     sqlite3_bind_text(s, p, entryKindName(r.kind), -1, SQLITE_STATIC);
                     bindText(s, p + 1, r.studentId);
                     bindText(s, p + 2, r.courseId);
                     if (r.hasValue)
                         bindText(s, p + 3, r.value);
                     else
                         sqlite3_bind_null(s, p + 3);
                     sqlite3_bind_int64(s, p + 4, r.ts);
                     bindText(s, p + 5, r.origin);
                     sqlite3_bind_int64(s, p + 6, static_cast<sqlite3_int64>(r.seq));
                     sqlite3_bind_int64(s, p + 7, wallMs);
                     if (r.context.empty())
                         sqlite3_bind_null(s, p + 8);
                     else
                         bindText(s, p + 8, r.context);
                 });
    if (!logged)
        return fail();
    // ...then the grades in key order. The upsert keeps the greater write whatever the order,
    // so sorting changes nothing but locality: neighbouring keys share B-tree pages (the
    // 1M-line bench_cli went from 8.5 to 7.5 s with it).
    writes_.clear();
    for (const LogRecord& r : batch)
        if (r.isWrite())
            writes_.push_back(&r);
    auto sameKey = [](const LogRecord* a, const LogRecord* b) {
        return a->studentId == b->studentId && a->courseId == b->courseId;
    };
    std::sort(writes_.begin(), writes_.end(), [](const LogRecord* a, const LogRecord* b) {
        // One comparison per id, not != then < (the sort was 2% of a 1M-line run).
        if (const int c = a->studentId.compare(b->studentId); c != 0)
            return c < 0;
        if (const int c = a->courseId.compare(b->courseId); c != 0)
            return c < 0;
        return writeLess(*b, *a); // the greatest write of a key first
    });
    grades_.clear();
    for (size_t i = 0; i < writes_.size(); ++i) {
        // Of several writes to one key in a batch only the greatest can end in the table; the
        // attributes a seed row brought are carried over, as applying each in turn would.
        if (i > 0 && sameKey(writes_[i - 1], writes_[i]))
            continue;
        const LogRecord* r = writes_[i];
        const std::string* attributes = &r->attributes;
        for (size_t j = i + 1; attributes->empty() && j < writes_.size() && sameKey(r, writes_[j]);
             ++j)
            attributes = &writes_[j]->attributes;
        grades_.emplace_back(r, attributes);
    }
    // Each key once, so a statement of many rows never upserts a key twice.
    const bool upserted =
        stepRows(upsertGrade_, kRowsPerStatement, kGradeColumns, grades_.size(),
                 [&](sqlite3_stmt* s, int p, size_t i) {
                     const auto& [r, attributes] = grades_[i];
                     bindText(s, p, r->studentId);
                     bindText(s, p + 1, r->courseId);
                     if (r->hasValue)
                         bindText(s, p + 2, r->value);
                     else
                         sqlite3_bind_null(s, p + 2);
                     sqlite3_bind_int64(s, p + 3, r->ts);
                     bindText(s, p + 4, r->origin);
                     sqlite3_bind_int64(s, p + 5, static_cast<sqlite3_int64>(r->seq));
                     if (attributes->empty())
                         sqlite3_bind_null(s, p + 6);
                     else
                         bindText(s, p + 6, *attributes);
                 });
    if (!upserted)
        return fail();
    if (!exec("COMMIT", error)) {
        QString ignored;
        exec("ROLLBACK", ignored);
        return false;
    }
    return true;
}

namespace {
void columnText(sqlite3_stmt* s, int i, std::string& out) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    out.assign(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(s, i)));
}
} // namespace

bool SqliteFastPath::readOplog(int64_t after, size_t limit, std::vector<LogRecord>& out,
                               const std::function<bool()>& isCanceled, bool& canceled,
                               QString& error) {
    canceled = false;
    sqlite3_stmt* s = readOplog_;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, limit == 0 ? -1 : static_cast<sqlite3_int64>(limit));
    std::string op;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        LogRecord& r = out.emplace_back();
        columnText(s, 0, op);
        if (!entryKindFromName(op, r.kind)) {
            error =
                QStringLiteral("corrupt oplog: unknown op '%1'").arg(QString::fromStdString(op));
            sqlite3_reset(s);
            return false;
        }
        columnText(s, 1, r.studentId);
        columnText(s, 2, r.courseId);
        r.hasValue = sqlite3_column_type(s, 3) != SQLITE_NULL;
        if (r.hasValue)
            columnText(s, 3, r.value);
        r.ts = sqlite3_column_int64(s, 4);
        columnText(s, 5, r.origin);
        r.seq = static_cast<uint64_t>(sqlite3_column_int64(s, 6));
        r.wallMs = sqlite3_column_int64(s, 7);
        r.position = sqlite3_column_int64(s, 8);
        if (sqlite3_column_type(s, 9) == SQLITE_NULL)
            r.context.clear();
        else
            columnText(s, 9, r.context);
        if ((out.size() & 0xFFFF) == 0 && isCanceled()) {
            canceled = true;
            sqlite3_reset(s);
            return false;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        error = lastError();
        return false;
    }
    return true;
}

} // namespace syncscope

#include "mongostore.h"

#include "batchedappend.h"
#include "mongohandles.h"
#include "utf8.h"

#include <QDateTime>
#include <QThread>

#include <map>
#include <set>

// libbson declares bson_t 128-byte aligned; GCC warns that the attribute is dropped when the
// type is a template argument, which only ever holds pointers to it here.
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace syncscope {

using mongo::Bulk;
using mongo::Collection;
using mongo::Cursor;
using mongo::Doc;

struct MongoStore::Handles {
    mongo::Client client;
    Collection grades, oplog, meta;
};

namespace {
constexpr int32_t kDuplicateKey = 11000;

bool isLost(const bson_error_t& e) {
    return e.domain == MONGOC_ERROR_STREAM || e.domain == MONGOC_ERROR_SERVER_SELECTION;
}

void putString(bson_t* b, const char* name, const std::string& v) {
    bson_append_utf8(b, name, -1, v.data(), static_cast<int>(v.size()));
}

void putKey(bson_t* b, const char* name, const std::string& s, const std::string& c) {
    bson_t k;
    bson_append_document_begin(b, name, -1, &k);
    putString(&k, "s", s);
    putString(&k, "c", c);
    bson_append_document_end(b, &k);
}

std::string stringAt(const bson_iter_t* it) {
    uint32_t n = 0;
    const char* s = bson_iter_utf8(it, &n);
    return std::string(s, n);
}

void oplogDocument(bson_t* d, const LogRecord& r, int64_t position, int64_t wallMs) {
    bson_append_int64(d, "_id", 3, position);
    bson_append_utf8(d, "op", 2, entryKindName(r.kind), -1);
    putString(d, "s", r.studentId);
    putString(d, "c", r.courseId);
    if (r.hasValue)
        putString(d, "v", r.value);
    bson_append_int64(d, "ts", 2, r.ts);
    putString(d, "o", r.origin);
    bson_append_int64(d, "q", 1, static_cast<int64_t>(r.seq));
    bson_append_int64(d, "w", 1, wallMs);
    if (!r.attributes.empty())
        putString(d, "a", r.attributes);
    if (!r.context.empty())
        putString(d, "x", r.context);
}

// An oplog document read back; false when a field is missing or of the wrong type.
bool entryFrom(const bson_t* d, LogRecord& r) {
    bson_iter_t it;
    if (!bson_iter_init(&it, d))
        return false;
    bool op = false, ts = false, origin = false, seq = false, id = false;
    while (bson_iter_next(&it)) {
        const std::string_view key = bson_iter_key(&it);
        const bool text = BSON_ITER_HOLDS_UTF8(&it),
                   number = BSON_ITER_HOLDS_INT64(&it) || BSON_ITER_HOLDS_INT32(&it);
        if (key == "_id" && number) {
            r.position = bson_iter_as_int64(&it);
            id = true;
        } else if (key == "op" && text)
            op = entryKindFromName(stringAt(&it), r.kind);
        else if (key == "s" && text)
            r.studentId = stringAt(&it);
        else if (key == "c" && text)
            r.courseId = stringAt(&it);
        else if (key == "v" && text) {
            r.value = stringAt(&it);
            r.hasValue = true;
        } else if (key == "ts" && number) {
            r.ts = bson_iter_as_int64(&it);
            ts = true;
        } else if (key == "o" && text) {
            r.origin = stringAt(&it);
            origin = true;
        } else if (key == "q" && number) {
            r.seq = static_cast<uint64_t>(bson_iter_as_int64(&it));
            seq = true;
        } else if (key == "w" && number)
            r.wallMs = bson_iter_as_int64(&it);
        else if (key == "a" && text)
            r.attributes = stringAt(&it);
        else if (key == "x" && text)
            r.context = stringAt(&it);
    }
    return id && op && ts && origin && seq && !r.studentId.empty() && !r.courseId.empty();
}

bool gradeFrom(const bson_t* d, GradeRecord& g) {
    bson_iter_t it;
    if (!bson_iter_init(&it, d))
        return false;
    bool key = false, ts = false, origin = false;
    while (bson_iter_next(&it)) {
        const std::string_view name = bson_iter_key(&it);
        if (name == "_id" && BSON_ITER_HOLDS_DOCUMENT(&it)) {
            bson_iter_t k;
            bson_iter_recurse(&it, &k);
            while (bson_iter_next(&k)) {
                if (!BSON_ITER_HOLDS_UTF8(&k))
                    continue;
                if (std::string_view(bson_iter_key(&k)) == "s")
                    g.studentId = stringAt(&k);
                else if (std::string_view(bson_iter_key(&k)) == "c")
                    g.courseId = stringAt(&k);
            }
            key = !g.studentId.empty() && !g.courseId.empty();
        } else if (name == "grade" && BSON_ITER_HOLDS_UTF8(&it))
            g.value = stringAt(&it);
        else if (name == "deleted")
            g.deleted = bson_iter_as_bool(&it);
        else if (name == "ts" && BSON_ITER_HOLDS_NUMBER(&it)) {
            g.ts = bson_iter_as_int64(&it);
            ts = true;
        } else if (name == "origin" && BSON_ITER_HOLDS_UTF8(&it)) {
            g.origin = stringAt(&it);
            origin = true;
        } else if (name == "seq" && BSON_ITER_HOLDS_NUMBER(&it))
            g.seq = static_cast<uint64_t>(bson_iter_as_int64(&it));
        else if (name == "attributes" && BSON_ITER_HOLDS_UTF8(&it))
            g.attributes = stringAt(&it);
    }
    return key && ts && origin;
}

// The fields of a grade row, as $set takes them (the attributes only where there are some, so
// that a write without them keeps the row's).
void gradeFields(bson_t* d, const GradeRecord& g) {
    if (g.deleted)
        bson_append_null(d, "grade", 5);
    else
        putString(d, "grade", g.value);
    bson_append_bool(d, "deleted", 7, g.deleted);
    bson_append_int64(d, "ts", 2, g.ts);
    putString(d, "origin", g.origin);
    bson_append_int64(d, "seq", 3, static_cast<int64_t>(g.seq));
    if (!g.attributes.empty())
        putString(d, "attributes", g.attributes);
}

// Matches the row of a key only where `g`'s write beats it (SPEC §1: ts, origin, seq).
void beatenRowFilter(bson_t* q, const GradeRecord& g) {
    putKey(q, "_id", g.studentId, g.courseId);
    bson_t any, clause, cond;
    bson_append_array_begin(q, "$or", 3, &any);
    bson_append_document_begin(&any, "0", 1, &clause);
    bson_append_document_begin(&clause, "ts", 2, &cond);
    bson_append_int64(&cond, "$lt", 3, g.ts);
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    bson_append_document_begin(&any, "1", 1, &clause);
    bson_append_int64(&clause, "ts", 2, g.ts);
    bson_append_document_begin(&clause, "origin", 6, &cond);
    putString(&cond, "$lt", g.origin);
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    bson_append_document_begin(&any, "2", 1, &clause);
    bson_append_int64(&clause, "ts", 2, g.ts);
    putString(&clause, "origin", g.origin);
    bson_append_document_begin(&clause, "seq", 3, &cond);
    bson_append_int64(&cond, "$lt", 3, static_cast<int64_t>(g.seq));
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    bson_append_array_end(q, &any);
}

void positionAfter(bson_t* filter, int64_t position) {
    bson_t cond;
    bson_append_document_begin(filter, "_id", 3, &cond);
    bson_append_int64(&cond, "$gt", 3, position);
    bson_append_document_end(filter, &cond);
}

void sortById(bson_t* opts, int direction, size_t limit) {
    bson_t sort;
    bson_append_document_begin(opts, "sort", 4, &sort);
    bson_append_int32(&sort, "_id", 3, direction);
    bson_append_document_end(opts, &sort);
    if (limit > 0)
        bson_append_int64(opts, "limit", 5, static_cast<int64_t>(limit));
}

// Runs a find and hands each document to `take` until it returns false; the driver's error.
bool forEach(mongoc_collection_t* c, const bson_t* filter, const bson_t* opts,
             const std::function<bool(const bson_t*)>& take, bson_error_t& error) {
    Cursor cursor(mongoc_collection_find_with_opts(c, filter, opts, nullptr));
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc))
        if (!take(doc))
            return true;
    return !mongoc_cursor_error(cursor.get(), &error);
}

// Whether every write error of a failed bulk is a duplicate key: an upsert that met a row its
// write does not beat (nothing to do), or an oplog position another writer took.
bool onlyDuplicates(const bson_t* reply) {
    bson_iter_t it, e;
    if (!bson_iter_init_find(&it, reply, "writeErrors") || !bson_iter_recurse(&it, &e))
        return false;
    bool any = false;
    while (bson_iter_next(&e)) {
        bson_iter_t code;
        if (!bson_iter_recurse(&e, &code) || !bson_iter_find(&code, "code") ||
            bson_iter_as_int64(&code) != kDuplicateKey)
            return false;
        any = true;
    }
    bson_iter_t concern;
    return any && !bson_iter_init_find(&concern, reply, "writeConcernErrors");
}

QString text(const std::string& s) {
    return QString::fromStdString(s);
}
} // namespace

MongoStore::MongoStore(Options options)
    : options_(std::move(options)) {}

MongoStore::~MongoStore() {
    close();
}

std::string MongoStore::uriProblem(const std::string& uri) {
    mongo::initializeDriver();
    bson_error_t error;
    mongo::Uri parsed(mongoc_uri_new_with_error(uri.c_str(), &error));
    return parsed ? std::string() : std::string(error.message);
}

StoreDescription MongoStore::description() const {
    return {options_.name, QStringLiteral("MongoDB"), options_.location, false};
}

StoreError MongoStore::failure(const QString& what, const std::string& why) const {
    return {options_.name, what + QStringLiteral(": ") + text(why), false};
}

Status MongoStore::open() {
    if (h_)
        return success();
    if (Status s = connectAndClaim(); !s) {
        h_.reset();
        return s;
    }
    if (Status s = recover({}); !s) {
        h_.reset();
        return s;
    }
    return success();
}

void MongoStore::close() {
    h_.reset(); // collections first, then the client goes back to its pool
}

Status MongoStore::connectAndClaim() {
    auto h = std::make_unique<Handles>();
    std::string why;
    h->client = mongo::borrowClient(options_.uri, options_.password, why);
    const QString opening = QStringLiteral("cannot open ") + options_.location;
    if (!h->client)
        return failure(opening, why);
    bson_error_t error;
    Doc ping, reply;
    bson_append_int32(ping.get(), "ping", 4, 1);
    if (!mongoc_client_command_simple(h->client.get(), "admin", ping.get(), nullptr, reply.get(),
                                      &error)) {
        std::string message = error.message;
        if (error.domain == MONGOC_ERROR_CLIENT && error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE &&
            options_.password.empty())
            message += " (the server asks for a password: set SYNCSCOPE_PASSWORD_" +
                       options_.name.toUpper().toStdString() + ")";
        return failure(opening, message);
    }
    const char* db = options_.database.c_str();
    h->grades.reset(mongoc_client_get_collection(h->client.get(), db, "grades"));
    h->oplog.reset(mongoc_client_get_collection(h->client.get(), db, "oplog"));
    h->meta.reset(mongoc_client_get_collection(h->client.get(), db, "syncscope_meta"));

    // Claim the database, or find whose it is.
    Doc q, claim, opts, claimed;
    bson_append_utf8(q.get(), "_id", 3, "store", 5);
    bson_t set;
    bson_append_document_begin(claim.get(), "$setOnInsert", -1, &set);
    putString(&set, "name", options_.name.toStdString());
    bson_append_document_end(claim.get(), &set);
    bson_append_bool(opts.get(), "upsert", 6, true);
    if (!mongoc_collection_update_one(h->meta.get(), q.get(), claim.get(), opts.get(),
                                      claimed.get(), &error))
        return failure(opening, error.message);
    std::string holder;
    Doc none;
    if (!forEach(
            h->meta.get(), q.get(), none.get(),
            [&](const bson_t* d) {
                bson_iter_t it;
                if (bson_iter_init_find(&it, d, "name") && BSON_ITER_HOLDS_UTF8(&it))
                    holder = stringAt(&it);
                return false;
            },
            error))
        return failure(opening, error.message);
    if (holder != options_.name.toStdString())
        return failure(QStringLiteral("wrong database"),
                       "database " + options_.database + " on " + options_.location.toStdString() +
                           " holds store " + holder + ", not " + options_.name.toStdString() +
                           " (give this store its own database in the URI)");
    // The index rollback's per-student reads use; _id serves everything else.
    Doc create, keys, made;
    bson_t list, index, key;
    bson_append_utf8(create.get(), "createIndexes", -1, "oplog", 5);
    bson_append_array_begin(create.get(), "indexes", -1, &list);
    bson_append_document_begin(&list, "0", 1, &index);
    bson_append_document_begin(&index, "key", 3, &key);
    bson_append_int32(&key, "s", 1, 1);
    bson_append_int32(&key, "c", 1, 1);
    bson_append_document_end(&index, &key);
    bson_append_utf8(&index, "name", 4, "student_course", -1);
    bson_append_document_end(&list, &index);
    bson_append_array_end(create.get(), &list);
    if (!mongoc_collection_write_command_with_opts(h->oplog.get(), create.get(), nullptr,
                                                   made.get(), &error))
        return failure(opening, error.message);
    h_ = std::move(h);
    return success();
}

Result<int64_t> MongoStore::greatestPosition() {
    Doc filter, opts;
    sortById(opts.get(), -1, 1);
    int64_t greatest = 0;
    bson_error_t error;
    if (!forEach(
            h_->oplog.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                bson_iter_t it;
                if (bson_iter_init_find(&it, d, "_id") && BSON_ITER_HOLDS_NUMBER(&it))
                    greatest = bson_iter_as_int64(&it);
                return false;
            },
            error))
        return failure(QStringLiteral("cannot read the oplog"), error.message);
    return greatest;
}

Result<int64_t> MongoStore::metaPosition(const char* id, bool& present) {
    Doc filter, opts;
    bson_append_utf8(filter.get(), "_id", 3, id, -1);
    present = false;
    int64_t position = 0;
    bson_error_t error;
    if (!forEach(
            h_->meta.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                bson_iter_t it;
                if (bson_iter_init_find(&it, d, "pos") && BSON_ITER_HOLDS_NUMBER(&it)) {
                    position = bson_iter_as_int64(&it);
                    present = true;
                }
                return false;
            },
            error))
        return failure(QStringLiteral("cannot read the store's state"), error.message);
    return position;
}

Status MongoStore::setMetaPosition(const char* id, int64_t position) {
    Doc q, update, opts, reply;
    bson_append_utf8(q.get(), "_id", 3, id, -1);
    bson_t set;
    bson_append_document_begin(update.get(), "$set", 4, &set);
    bson_append_int64(&set, "pos", 3, position);
    bson_append_document_end(update.get(), &set);
    bson_append_bool(opts.get(), "upsert", 6, true);
    bson_error_t error;
    if (!mongoc_collection_update_one(h_->meta.get(), q.get(), update.get(), opts.get(),
                                      reply.get(), &error))
        return failure(QStringLiteral("cannot record the store's state"), error.message);
    return success();
}

Status MongoStore::removeMeta(const char* id) {
    Doc q, reply;
    bson_append_utf8(q.get(), "_id", 3, id, -1);
    bson_error_t error;
    if (!mongoc_collection_delete_one(h_->meta.get(), q.get(), nullptr, reply.get(), &error))
        return failure(QStringLiteral("cannot record the store's state"), error.message);
    return success();
}

// After a crash: a rollback that did not finish is finished; oplog entries whose rows were not
// written yet are applied.
Status MongoStore::recover(const BatchControl& control) {
    bool rollingBack = false;
    Result<int64_t> to = metaPosition("rollback", rollingBack);
    if (!to)
        return to.error();
    if (rollingBack)
        return finishRollback(to.value(), control);
    bool known = false;
    Result<int64_t> applied = metaPosition("applied", known);
    if (!applied)
        return applied.error();
    Result<int64_t> greatest = greatestPosition();
    if (!greatest)
        return greatest.error();
    next_ = greatest.value() + 1;
    if (greatest.value() > applied.value())
        return replayAfter(applied.value(), control);
    return success();
}

Status MongoStore::replayAfter(int64_t position, const BatchControl& control) {
    for (;;) {
        Result<std::vector<LogRecord>> page = readOplog(position, options_.batchRows, control);
        if (!page)
            return page.error();
        if (page.value().empty())
            return success();
        if (Status s = applyToGrades(page.value()); !s)
            return s;
        position = page.value().back().position;
        if (Status s = setMetaPosition("applied", position); !s)
            return s;
    }
}

Status MongoStore::append(std::span<const LogRecord> records, const BatchControl& control) {
    if (!h_)
        return failure(QStringLiteral("append"), "the store is not open");
    return appendInBatches(
        options_.name, records, batchSize(), control,
        [&](std::span<const LogRecord> batch) { return writeBatch(batch, control); });
}

Status MongoStore::waitForServer(int& attempt, const QString& why, const BatchControl& control) {
    static constexpr int kDelaysMs[] = {250, 500, 1000, 2000, 4000, 8000};
    constexpr int attempts = static_cast<int>(std::size(kDelaysMs));
    if (attempt == attempts)
        return failure(QStringLiteral("lost the connection"),
                       QStringLiteral("%1 did not answer again after %2 attempts (%3); the batch "
                                      "being written when it went away was not written, the ones "
                                      "before it were")
                           .arg(options_.location)
                           .arg(attempts)
                           .arg(why.simplified())
                           .toStdString());
    const int delay = kDelaysMs[attempt++];
    control.notice(QStringLiteral("%1: lost the connection to %2 (%3); trying again in %4 ms "
                                  "(attempt %5 of %6)")
                       .arg(options_.name, options_.location, why.simplified())
                       .arg(delay)
                       .arg(attempt)
                       .arg(attempts));
    for (int waited = 0; waited < delay; waited += 50) {
        if (control.isCanceled())
            return StoreError{options_.name,
                              QStringLiteral("canceled while the connection was lost"), true};
        QThread::msleep(50);
    }
    return success();
}

// The batch's entries at the next positions, in one ordered insert; then their rows. When the
// insert stops part way (another writer took a position, or the connection went), whatever of
// it landed is found by its positions, its rows are written, and the rest goes again.
Status MongoStore::writeBatch(std::span<const LogRecord> batch, const BatchControl& control) {
    size_t done = 0;
    int contended = 0, lostAttempts = 0;
    const int64_t wallMs = QDateTime::currentMSecsSinceEpoch();
    while (done < batch.size()) {
        const std::span<const LogRecord> rest = batch.subspan(done);
        const int64_t first = next_;
        std::vector<Doc> docs(rest.size());
        std::vector<const bson_t*> pointers(rest.size());
        for (size_t i = 0; i < rest.size(); ++i) {
            oplogDocument(docs[i].get(), rest[i], first + static_cast<int64_t>(i), wallMs);
            pointers[i] = docs[i].get();
        }
        Doc opts, reply;
        bson_append_bool(opts.get(), "ordered", 7, true);
        bson_error_t error;
        size_t landed = rest.size();
        if (!mongoc_collection_insert_many(h_->oplog.get(), pointers.data(), pointers.size(),
                                           opts.get(), reply.get(), &error)) {
            const bool lost = isLost(error);
            if (!lost && !onlyDuplicates(reply.get()))
                return failure(QStringLiteral("cannot write the oplog"),
                               std::string(error.message) + "; nothing of the batch was written");
            if (lost) {
                if (Status s = waitForServer(lostAttempts, text(error.message), control); !s)
                    return s;
            } else if (++contended > 100)
                return {StoreError{options_.name,
                                   QStringLiteral("another client kept appending to the oplog "
                                                  "at the same time; the rest of the batch was "
                                                  "not written"),
                                   false, true}};
            Result<size_t> found = landedPrefix(rest, first);
            if (!found) {
                if (lostAttempts > 0)
                    continue; // still away: wait again
                return found.error();
            }
            landed = found.value();
            Result<int64_t> greatest = greatestPosition();
            if (!greatest)
                return greatest.error();
            next_ = greatest.value() + 1;
        } else
            next_ = first + static_cast<int64_t>(rest.size());
        if (landed == 0)
            continue;
        // The landed entries are in the log: their rows must follow, whatever it takes.
        for (;;) {
            Status s = applyToGrades(rest.first(landed));
            if (s)
                s = setMetaPosition("applied", first + static_cast<int64_t>(landed) - 1);
            if (s)
                break;
            if (Status w = waitForServer(lostAttempts, s.error().message, control); !w)
                return w;
        }
        done += landed;
    }
    if (lostAttempts > 0)
        control.notice(
            QStringLiteral("%1: connected again; the batch was written").arg(options_.name));
    return success();
}

Result<size_t> MongoStore::landedPrefix(std::span<const LogRecord> records, int64_t first) {
    Doc filter, opts;
    bson_t range;
    bson_append_document_begin(filter.get(), "_id", 3, &range);
    bson_append_int64(&range, "$gte", 4, first);
    bson_append_int64(&range, "$lt", 3, first + static_cast<int64_t>(records.size()));
    bson_append_document_end(filter.get(), &range);
    sortById(opts.get(), 1, 0);
    size_t landed = 0;
    bson_error_t error;
    if (!forEach(
            h_->oplog.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                LogRecord r;
                const LogRecord& mine = records[landed];
                if (!entryFrom(d, r) || r.position != first + static_cast<int64_t>(landed) ||
                    r.kind != mine.kind || r.studentId != mine.studentId ||
                    r.courseId != mine.courseId || r.ts != mine.ts || r.origin != mine.origin ||
                    r.seq != mine.seq || r.value != mine.value)
                    return false; // another writer's entry: ours stop before it
                return ++landed < records.size();
            },
            error))
        return failure(QStringLiteral("cannot read the oplog"), error.message);
    return landed;
}

Status MongoStore::applyToGrades(std::span<const LogRecord> records) {
    // Each key's row as the records leave it, applied one by one in order.
    std::map<std::pair<std::string, std::string>, GradeRecord> rows;
    for (const LogRecord& r : records) {
        if (!r.isWrite())
            continue;
        auto [it, added] = rows.try_emplace({r.studentId, r.courseId});
        if (added || writeBeats(r, it->second))
            it->second = rowAfter(r, added ? nullptr : &it->second);
    }
    if (rows.empty())
        return success();
    Doc bulkOpts, upsert;
    bson_append_bool(bulkOpts.get(), "ordered", 7, false);
    bson_append_bool(upsert.get(), "upsert", 6, true);
    Bulk bulk(mongoc_collection_create_bulk_operation_with_opts(h_->grades.get(), bulkOpts.get()));
    bson_error_t error;
    for (const auto& [key, g] : rows) {
        Doc q, u;
        beatenRowFilter(q.get(), g);
        bson_t set;
        bson_append_document_begin(u.get(), "$set", 4, &set);
        gradeFields(&set, g);
        bson_append_document_end(u.get(), &set);
        if (!mongoc_bulk_operation_update_one_with_opts(bulk.get(), q.get(), u.get(), upsert.get(),
                                                        &error))
            return failure(QStringLiteral("cannot write the grades"), error.message);
    }
    Doc reply;
    if (!mongoc_bulk_operation_execute(bulk.get(), reply.get(), &error) &&
        !onlyDuplicates(reply.get()))
        return failure(QStringLiteral("cannot write the grades"), error.message);
    return success();
}

Result<std::vector<LogRecord>> MongoStore::readOplog(int64_t after, size_t limit,
                                                     const BatchControl& control) {
    if (!h_)
        return failure(QStringLiteral("read the oplog"), "the store is not open");
    Doc filter, opts;
    positionAfter(filter.get(), after);
    sortById(opts.get(), 1, limit);
    std::vector<LogRecord> out;
    bool corrupt = false, canceled = false;
    bson_error_t error;
    if (!forEach(
            h_->oplog.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                LogRecord& r = out.emplace_back();
                if (!entryFrom(d, r)) {
                    corrupt = true;
                    return false;
                }
                canceled = out.size() % 4096 == 0 && control.isCanceled();
                return !canceled;
            },
            error))
        return failure(QStringLiteral("cannot read the oplog"), error.message);
    if (corrupt)
        return failure(QStringLiteral("corrupt oplog"),
                       "the entry after position " +
                           std::to_string(out.size() > 1 ? out[out.size() - 2].position : after) +
                           " lacks its op, key, ts, origin or seq (did another program write to "
                           "the oplog collection?)");
    if (canceled)
        return StoreError{options_.name, QStringLiteral("canceled"), true};
    return out;
}

Result<std::vector<GradeRecord>> MongoStore::readGrades(const GradeCursor& after, size_t limit,
                                                        const BatchControl& control) {
    if (!h_)
        return failure(QStringLiteral("read the grades"), "the store is not open");
    Doc filter, opts;
    if (!after.atStart()) {
        bson_t cond;
        bson_append_document_begin(filter.get(), "_id", 3, &cond);
        putKey(&cond, "$gt", after.studentId, after.courseId);
        bson_append_document_end(filter.get(), &cond);
    }
    sortById(opts.get(), 1, limit);
    std::vector<GradeRecord> out;
    bool corrupt = false, canceled = false;
    bson_error_t error;
    if (!forEach(
            h_->grades.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                if (!gradeFrom(d, out.emplace_back())) {
                    corrupt = true;
                    return false;
                }
                canceled = out.size() % 4096 == 0 && control.isCanceled();
                return !canceled;
            },
            error))
        return failure(QStringLiteral("cannot read the grades"), error.message);
    if (corrupt)
        return failure(QStringLiteral("corrupt grade row"),
                       "a document of the grades collection is not in Syncscope's layout (did "
                       "another program write to it?)");
    if (canceled)
        return StoreError{options_.name, QStringLiteral("canceled"), true};
    return out;
}

Result<std::optional<GradeRecord>> MongoStore::readKey(const std::string& studentId,
                                                       const std::string& courseId) {
    if (!h_)
        return failure(QStringLiteral("read a key"), "the store is not open");
    Doc filter, opts;
    putKey(filter.get(), "_id", studentId, courseId);
    std::optional<GradeRecord> row;
    bool corrupt = false;
    bson_error_t error;
    if (!forEach(
            h_->grades.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                corrupt = !gradeFrom(d, row.emplace());
                return false;
            },
            error))
        return failure(QStringLiteral("cannot read (%1,%2)").arg(text(studentId), text(courseId)),
                       error.message);
    if (corrupt)
        return failure(QStringLiteral("corrupt grade row"),
                       "(" + studentId + "," + courseId + ") is not in Syncscope's layout");
    return row;
}

Result<qint64> MongoStore::countWhere(bool grades, bool liveOnly) {
    Doc command, reply;
    bson_append_utf8(command.get(), "count", 5, grades ? "grades" : "oplog", -1);
    if (liveOnly) {
        bson_t query;
        bson_append_document_begin(command.get(), "query", 5, &query);
        bson_append_bool(&query, "deleted", 7, false);
        bson_append_document_end(command.get(), &query);
    }
    bson_error_t error;
    if (!mongoc_collection_command_simple(grades ? h_->grades.get() : h_->oplog.get(),
                                          command.get(), nullptr, reply.get(), &error))
        return failure(QStringLiteral("cannot count"), error.message);
    bson_iter_t n;
    if (!bson_iter_init_find(&n, reply.get(), "n") || !BSON_ITER_HOLDS_NUMBER(&n))
        return failure(QStringLiteral("cannot count"), "the server's reply has no count");
    return static_cast<qint64>(bson_iter_as_int64(&n));
}

Result<StoreCounts> MongoStore::counts() {
    if (!h_)
        return failure(QStringLiteral("count"), "the store is not open");
    StoreCounts c;
    Result<qint64> live = countWhere(true, true);
    if (!live)
        return live.error();
    Result<qint64> entries = countWhere(false, false);
    if (!entries)
        return entries.error();
    Result<int64_t> last = greatestPosition();
    if (!last)
        return last.error();
    c.liveKeys = live.value();
    c.oplogEntries = entries.value();
    c.lastPosition = last.value();
    return c;
}

// The entries after `position` go, and every key they wrote gets back what the rest of the log
// leaves it. A marker written first makes a rollback that a crash interrupted finish when the
// store next opens (by rebuilding every row from the log).
Status MongoStore::rollbackTo(int64_t position) {
    if (!h_)
        return failure(QStringLiteral("rollback"), "the store is not open");
    Result<int64_t> greatest = greatestPosition();
    if (!greatest)
        return greatest.error();
    if (position >= greatest.value())
        return success();
    if (Status s = setMetaPosition("rollback", position); !s)
        return s;
    // The keys the entries to drop wrote.
    std::set<std::pair<std::string, std::string>> touched;
    Result<std::vector<LogRecord>> dropped = readOplog(position, 0, {});
    if (!dropped)
        return dropped.error();
    for (const LogRecord& r : dropped.value())
        if (r.isWrite())
            touched.emplace(r.studentId, r.courseId);
    Doc filter, reply;
    positionAfter(filter.get(), position);
    bson_error_t error;
    if (!mongoc_collection_delete_many(h_->oplog.get(), filter.get(), nullptr, reply.get(), &error))
        return failure(QStringLiteral("cannot roll back"), error.message);

    // What the log left each touched key, read per chunk of students.
    std::map<std::pair<std::string, std::string>, GradeRecord> rows;
    std::vector<std::string> students;
    for (const auto& key : touched)
        if (students.empty() || students.back() != key.first)
            students.push_back(key.first);
    for (size_t from = 0; from < students.size(); from += 500) {
        Doc q, opts;
        bson_t in, list;
        bson_append_document_begin(q.get(), "s", 1, &in);
        bson_append_array_begin(&in, "$in", 3, &list);
        for (size_t i = from; i < std::min(students.size(), from + 500); ++i)
            putString(&list, std::to_string(i - from).c_str(), students[i]);
        bson_append_array_end(&in, &list);
        bson_append_document_end(q.get(), &in);
        sortById(opts.get(), 1, 0);
        bool corrupt = false;
        if (!forEach(
                h_->oplog.get(), q.get(), opts.get(),
                [&](const bson_t* d) {
                    LogRecord r;
                    if (!entryFrom(d, r)) {
                        corrupt = true;
                        return false;
                    }
                    const auto key = std::make_pair(r.studentId, r.courseId);
                    if (!r.isWrite() || !touched.count(key))
                        return true;
                    auto [it, added] = rows.try_emplace(key);
                    if (added || writeBeats(r, it->second))
                        it->second = rowAfter(r, added ? nullptr : &it->second);
                    return true;
                },
                error))
            return failure(QStringLiteral("cannot roll back"), error.message);
        if (corrupt)
            return failure(QStringLiteral("corrupt oplog"), "an entry lacks its op or key");
    }
    Doc bulkOpts, upsert;
    bson_append_bool(bulkOpts.get(), "ordered", 7, false);
    bson_append_bool(upsert.get(), "upsert", 6, true);
    Bulk bulk(mongoc_collection_create_bulk_operation_with_opts(h_->grades.get(), bulkOpts.get()));
    for (const auto& key : touched) {
        Doc q;
        putKey(q.get(), "_id", key.first, key.second);
        auto row = rows.find(key);
        bool queued = false;
        if (row == rows.end())
            queued =
                mongoc_bulk_operation_remove_one_with_opts(bulk.get(), q.get(), nullptr, &error);
        else {
            Doc replacement;
            gradeFields(replacement.get(), row->second);
            queued = mongoc_bulk_operation_replace_one_with_opts(
                bulk.get(), q.get(), replacement.get(), upsert.get(), &error);
        }
        if (!queued)
            return failure(QStringLiteral("cannot roll back"), error.message);
    }
    Doc done;
    if (!touched.empty() && !mongoc_bulk_operation_execute(bulk.get(), done.get(), &error))
        return failure(QStringLiteral("cannot roll back"), error.message);
    if (Status s = setMetaPosition("applied", position); !s)
        return s;
    next_ = position + 1;
    return removeMeta("rollback");
}

// A rollback a crash interrupted: the entries after `position` go, and every row is rebuilt
// from the log.
Status MongoStore::finishRollback(int64_t position, const BatchControl& control) {
    Doc after, all, reply;
    positionAfter(after.get(), position);
    bson_error_t error;
    if (!mongoc_collection_delete_many(h_->oplog.get(), after.get(), nullptr, reply.get(), &error))
        return failure(QStringLiteral("cannot finish an interrupted rollback"), error.message);
    Doc cleared;
    if (!mongoc_collection_delete_many(h_->grades.get(), all.get(), nullptr, cleared.get(), &error))
        return failure(QStringLiteral("cannot finish an interrupted rollback"), error.message);
    if (Status s = replayAfter(0, control); !s)
        return s;
    next_ = position + 1;
    return removeMeta("rollback");
}

} // namespace syncscope

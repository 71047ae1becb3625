#include "mongostore.h"

#include "batchedappend.h"
#include "lostconnection.h"
#include "mongodocuments.h"
#include "mongohandles.h"
#include "utf8.h"

#include <QDateTime>
#include <QThread>

#include <algorithm>
#include <map>

// libbson declares bson_t 128-byte aligned; GCC warns that the attribute is dropped when the
// type is a template argument, which only ever holds pointers to it here.
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace syncscope {

using mongo::Bulk;
using mongo::Collection;
using mongo::Cursor;
using mongo::Doc;

using namespace mongo;

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
    return {options_.name, what + QStringLiteral(": ") + toQString(why), false};
}

Status MongoStore::open() {
    if (h_)
        return success();
    if (Status s = connectAndClaim(); !s) {
        h_.reset();
        return s;
    }
    // A store only read finishes no crash's work: what it left shows as verify's findings until
    // a writer's open finishes it.
    if (Status s = readOnly_ ? success() : recover({}); !s) {
        h_.reset();
        return s;
    }
    return success();
}

void MongoStore::close() {
    watch_.reset(); // on the store's thread, where its timer lives (StoreWorker closes there)
    h_.reset();     // collections first, then the client goes back to its pool
}

// A server that runs with authentication answers ping to anyone, and refuses the first
// write with 13 (Unauthorized) when the URI names no user: the driver never logged in, and the
// password was never used. Says what to do; empty for any other error.
namespace {
std::string loginHint(const bson_error_t& error, const MongoStore::Options& options) {
    constexpr uint32_t kUnauthorized = 13;
    if (error.domain != MONGOC_ERROR_SERVER || error.code != kUnauthorized)
        return {};
    mongo::Uri uri(mongoc_uri_new(options.uri.c_str()));
    if (uri && mongoc_uri_get_username(uri.get()))
        return " (the URI's user may not write to this database)";
    const std::string variable = "SYNCSCOPE_PASSWORD_" + options.name.toUpper().toStdString();
    return " (the server asks for a login: put a user in the URI, mongodb://USER@host/db, "
           "and set " +
           variable + " or keep the password in the keychain)";
}
} // namespace

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
    // A replica set or a sharded cluster with sessions runs multi-document transactions.
    Doc hello, about;
    bson_append_int32(hello.get(), "isMaster", 8, 1);
    if (!mongoc_client_command_simple(h->client.get(), "admin", hello.get(), nullptr, about.get(),
                                      &error))
        return failure(opening, error.message);
    bson_iter_t field;
    const bool replicated = bson_iter_init_find(&field, about.get(), "setName") ||
                            (bson_iter_init_find(&field, about.get(), "msg") &&
                             BSON_ITER_HOLDS_UTF8(&field) && stringAt(&field) == "isdbgrid");
    const bool sessions = bson_iter_init_find(&field, about.get(), "logicalSessionTimeoutMinutes");
    // MongoDB 4.4 (wire version 9): a transaction may create the collections it writes, as the
    // first batch's does. 4.2 (8) would refuse that; it gets the standalone path, whose oplog-first
    // writes and replay on open keep it correct without transactions (4.2 is past its end of life).
    const bool recent = bson_iter_init_find(&field, about.get(), "maxWireVersion") &&
                        bson_iter_as_int64(&field) >= 9;
    transactions_ = replicated && sessions && recent;
    const char* db = options_.database.c_str();
    h->grades.reset(mongoc_client_get_collection(h->client.get(), db, "grades"));
    h->oplog.reset(mongoc_client_get_collection(h->client.get(), db, "oplog"));
    h->meta.reset(mongoc_client_get_collection(h->client.get(), db, "syncscope_meta"));
    h->ownSeqs.reset(mongoc_client_get_collection(h->client.get(), db, "ownseqs"));

    // Claim the database, or find whose it is. A store only read claims nothing: it must find
    // its own name.
    Doc q, claim, opts, claimed;
    bson_append_utf8(q.get(), "_id", 3, "store", 5);
    bson_t set;
    bson_append_document_begin(claim.get(), "$setOnInsert", -1, &set);
    putString(&set, "name", options_.name.toStdString());
    bson_append_document_end(claim.get(), &set);
    bson_append_bool(opts.get(), "upsert", 6, true);
    if (!readOnly_ && !mongoc_collection_update_one(h->meta.get(), q.get(), claim.get(), opts.get(),
                                                    claimed.get(), &error))
        return failure(opening, error.message + loginHint(error, options_));
    std::string holder;
    Doc none;
    if (!forEach(
            h->meta.get(), q.get(), none.get(),
            [&](const bson_t* d) {
                holder = textField(d, "name").value_or(std::string());
                return false;
            },
            error))
        return failure(opening, error.message);
    const QString where =
        QStringLiteral("database %1 on %2").arg(toQString(options_.database), options_.location);
    if (readOnly_ && holder.empty())
        return failure(QStringLiteral("cannot read the store"),
                       (where + QStringLiteral(" holds no Syncscope store (no store name); a store "
                                               "only read is not made"))
                           .toStdString());
    if (holder != options_.name.toStdString())
        return heldByAnotherStore(where, toQString(holder), options_.name,
                                  QStringLiteral("give this store its own database in the URI"));
    if (readOnly_) { // its indexes are a writer's to make
        h_ = std::move(h);
        return success();
    }
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
    // And the one that tells whether a write of an origin and seq is in the log.
    bson_append_document_begin(&list, "1", 1, &index);
    bson_append_document_begin(&index, "key", 3, &key);
    bson_append_int32(&key, "o", 1, 1);
    bson_append_int32(&key, "q", 1, 1);
    bson_append_document_end(&index, &key);
    bson_append_utf8(&index, "name", 4, "origin_seq", -1);
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
                greatest = numberField(d, "_id").value_or(0);
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
                if (const auto pos = numberField(d, "pos")) {
                    position = *pos;
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
    useSession(*h_, opts.get());
    bson_error_t error;
    if (!mongoc_collection_update_one(h_->meta.get(), q.get(), update.get(), opts.get(),
                                      reply.get(), &error)) {
        noteTransient(*h_, error, reply.get());
        return failure(QStringLiteral("cannot record the store's state"), error.message);
    }
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

// The batch's entries at the next positions, in one ordered insert; then their rows. When the
// insert stops part way (another writer took a position, or the connection went), whatever of
// it landed is found by its positions, its rows are written, and the rest goes again.
Status MongoStore::writeBatch(std::span<const LogRecord> batch, const BatchControl& control) {
    if (transactions_)
        return writeBatchInTransaction(batch, control);
    if (Status s = claimOwnSeqs(batch); !s)
        return s;
    size_t done = 0;
    Status s = writeLogFirst(batch, done, control);
    if (!s) // the seqs of the writes that did not land are free again (as far as it can tell)
        releaseOwnSeqs(batch.subspan(done));
    return s;
}

Status MongoStore::writeLogFirst(std::span<const LogRecord> batch, size_t& done,
                                 const BatchControl& control) {
    int contended = 0;
    LostConnectionWait lost(options_.name, options_.location);
    const int64_t wallMs = QDateTime::currentMSecsSinceEpoch();
    while (done < batch.size()) {
        const std::span<const LogRecord> rest = batch.subspan(done);
        const int64_t first = next_;
        Doc reply;
        bson_error_t error;
        size_t landed = rest.size();
        if (!insertOplogEntries(*h_, rest, first, wallMs, reply.get(), error)) {
            const bool gone = isLost(error);
            if (!gone && !onlyDuplicates(reply.get()))
                return failure(QStringLiteral("cannot write the oplog"),
                               std::string(error.message) + "; nothing of the batch was written");
            if (gone) {
                if (Status s = lost.next(toQString(error.message), control, kBatchNotWritten); !s)
                    return s;
            } else if (++contended > 100)
                return {StoreError{options_.name,
                                   QStringLiteral("another client kept appending to the oplog "
                                                  "at the same time; the rest of the batch was "
                                                  "not written"),
                                   false, true}};
            Result<size_t> found = landedPrefix(rest, first);
            if (!found) {
                if (lost.waited())
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
            if (Status w = lost.next(s.error().message, control, kBatchNotWritten); !w)
                return w;
        }
        noteWritten(rest.first(landed));
        done += landed;
    }
    if (lost.waited())
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
    if (h_->inTransaction)
        return applyToGradesInTransaction(records);
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
    Doc upsert;
    bson_append_bool(upsert.get(), "upsert", 6, true);
    Bulk bulk = unorderedBulk(*h_, h_->grades.get());
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
        return failure(
            QStringLiteral("cannot read (%1,%2)").arg(toQString(studentId), toQString(courseId)),
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
    const std::optional<int64_t> n = numberField(reply.get(), "n");
    if (!n)
        return failure(QStringLiteral("cannot count"), "the server's reply has no count");
    return static_cast<qint64>(*n);
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

} // namespace syncscope

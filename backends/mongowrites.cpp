// How MongoStore writes a batch beyond the standalone path of mongostore.cpp: the claims on its
// own origin's seqs, and, on a replica set, the whole batch in one transaction.
#include "lostconnection.h"
#include "mongodocuments.h"
#include "ownseqs.h"
#include "processidentity.h"
#include "utf8.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

// libbson declares bson_t 128-byte aligned; GCC warns that the attribute is dropped when the
// type is a template argument, which only ever holds pointers to it here.
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace syncscope {

using mongo::Bulk;
using mongo::Doc;

namespace mongo {
void useSession(const MongoStore::Handles& h, bson_t* opts) {
    if (h.inTransaction)
        mongoc_client_session_append(h.session, opts, nullptr);
}

Bulk unorderedBulk(const MongoStore::Handles& h, mongoc_collection_t* c) {
    Doc opts;
    bson_append_bool(opts.get(), "ordered", 7, false);
    useSession(h, opts.get());
    return Bulk(mongoc_collection_create_bulk_operation_with_opts(c, opts.get()));
}

void noteTransient(MongoStore::Handles& h, const bson_error_t& error, const bson_t* reply) {
    constexpr uint32_t kWriteConflict = 112, kNoSuchTransaction = 251, kLockTimeout = 24;
    if (!h.inTransaction)
        return;
    if ((error.domain == MONGOC_ERROR_SERVER || error.domain == MONGOC_ERROR_QUERY ||
         error.domain == MONGOC_ERROR_WRITE_CONCERN) &&
        (error.code == kWriteConflict || error.code == kNoSuchTransaction ||
         error.code == kLockTimeout))
        h.transient = true;
    if (reply && mongoc_error_has_label(reply, "TransientTransactionError"))
        h.transient = true;
}

bool insertOplogEntries(const MongoStore::Handles& h, std::span<const LogRecord> records,
                        int64_t first, int64_t wallMs, bson_t* reply, bson_error_t& error) {
    std::vector<Doc> docs(records.size());
    std::vector<const bson_t*> pointers(records.size());
    for (size_t i = 0; i < records.size(); ++i) {
        oplogDocument(docs[i].get(), records[i], first + static_cast<int64_t>(i), wallMs);
        pointers[i] = docs[i].get();
    }
    Doc opts;
    bson_append_bool(opts.get(), "ordered", 7, true);
    useSession(h, opts.get());
    return mongoc_collection_insert_many(h.oplog.get(), pointers.data(), pointers.size(),
                                         opts.get(), reply, &error);
}
} // namespace mongo

namespace {

// How long a conflicting transaction is run again (the drivers' withTransaction limit), and
// after how long the wait is told.
constexpr qint64 kTransientRetryMs = 120000;
constexpr qint64 kTellWaitingMs = 3000;
using namespace mongo;

// The claims' digests join student and course with this (ownDigest).
constexpr char kDigestKeySeparator = '\x1f';

void seqList(bson_t* filter, const std::vector<uint64_t>& seqs) {
    bson_t in, list;
    bson_append_document_begin(filter, "_id", 3, &in);
    bson_append_array_begin(&in, "$in", 3, &list);
    for (size_t i = 0; i < seqs.size(); ++i)
        bson_append_int64(&list, std::to_string(i).c_str(), -1, static_cast<int64_t>(seqs[i]));
    bson_append_array_end(&in, &list);
    bson_append_document_end(filter, &in);
}
} // namespace

namespace {
// Who claims a seq, so that a later writer can tell a claim its killed claimer left (a standalone
// server: the claim is made before the entry is logged) from one of a writer still at work.
void putClaimer(bson_t* doc) {
    static const ProcessIdentity self = thisProcess();
    putString(doc, "m", self.machine);
    putString(doc, "b", self.bootId);
    bson_append_int64(doc, "p", 1, self.pid);
    bson_append_int64(doc, "s", 1, self.startTicks);
}
} // namespace

// docs/script-language.md: (origin, seq) names one write. Two Syncscope processes (or an outside
// write captured meanwhile) can number different writes of this store with the same seq; the second
// to claim it is refused before anything of its batch lands, as the other backends refuse it. The
// claims already held are read first (a replay finds its own), then the rest are inserted; a writer
// that claimed one in between makes the insert meet a duplicate.
Status MongoStore::claimOwnSeqs(std::span<const LogRecord> batch) {
    const std::string self = options_.name.toStdString();
    std::vector<const LogRecord*> own;
    std::vector<uint64_t> seqs;
    for (const LogRecord& r : batch)
        if (r.isWrite() && r.origin == self) {
            own.push_back(&r);
            seqs.push_back(r.seq);
        }
    if (own.empty())
        return success();
    const auto refuse = [&](const LogRecord& taken) {
        return Status(seqAlreadyTaken(options_.name, taken));
    };
    struct Claim {
        std::string digest;
        int64_t claimedMs = 0;
        ProcessIdentity claimer; // empty fields: a claim made before they were kept
    };
    const auto heldNow = [&](const std::vector<uint64_t>& which,
                             std::map<uint64_t, Claim>& held) -> Status {
        Doc filter, opts;
        seqList(filter.get(), which);
        useSession(*h_, opts.get());
        bson_error_t error;
        if (!forEach(
                h_->ownSeqs.get(), filter.get(), opts.get(),
                [&](const bson_t* d) {
                    const std::optional<int64_t> id = numberField(d, "_id");
                    std::optional<std::string> digest = textField(d, "d");
                    if (id && digest)
                        held[static_cast<uint64_t>(*id)] = {
                            std::move(*digest), numberField(d, "t").value_or(0),
                            ProcessIdentity{{},
                                            textField(d, "m").value_or(std::string()),
                                            textField(d, "b").value_or(std::string()),
                                            numberField(d, "p").value_or(0),
                                            numberField(d, "s").value_or(0)}};
                    return true;
                },
                error)) {
            noteTransient(*h_, error);
            return failure(QStringLiteral("cannot write a batch"), error.message);
        }
        return success();
    };
    std::map<uint64_t, Claim> held;
    if (Status s = heldNow(seqs, held); !s)
        return s;
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<const LogRecord*> claim;
    for (const LogRecord* r : own) {
        const auto it = held.find(r->seq);
        if (it == held.end()) {
            claim.push_back(r);
            continue;
        }
        if (it->second.digest == ownDigest(*r, kDigestKeySeparator))
            continue; // a replay of this very write
        // Outside a transaction a claim can outlive a writer that never logged its write.
        Result<bool> stale = h_->inTransaction
                                 ? Result<bool>(false)
                                 : staleClaim(r->seq, it->second.claimedMs, it->second.claimer);
        if (!stale)
            return stale.error();
        if (!stale.value())
            return refuse(*r);
        // Take it over, unless someone else just did.
        Doc q, update, reply;
        bson_append_int64(q.get(), "_id", 3, static_cast<int64_t>(r->seq));
        putString(q.get(), "d", it->second.digest);
        bson_t set;
        bson_append_document_begin(update.get(), "$set", 4, &set);
        putString(&set, "d", ownDigest(*r, kDigestKeySeparator));
        bson_append_int64(&set, "t", 1, now);
        putClaimer(&set);
        bson_append_document_end(update.get(), &set);
        bson_error_t error;
        if (!mongoc_collection_update_one(h_->ownSeqs.get(), q.get(), update.get(), nullptr,
                                          reply.get(), &error))
            return failure(QStringLiteral("cannot write a batch"), error.message);
        if (numberField(reply.get(), "matchedCount") != 1)
            return refuse(*r);
    }
    if (claim.empty())
        return success(); // a replay, or claims taken over: every seq is this batch's
    std::vector<Doc> docs(claim.size());
    std::vector<const bson_t*> pointers(claim.size());
    for (size_t i = 0; i < claim.size(); ++i) {
        bson_append_int64(docs[i].get(), "_id", 3, static_cast<int64_t>(claim[i]->seq));
        putString(docs[i].get(), "d", ownDigest(*claim[i], kDigestKeySeparator));
        bson_append_int64(docs[i].get(), "t", 1, now);
        putClaimer(docs[i].get());
        pointers[i] = docs[i].get();
    }
    Doc opts, reply;
    bson_append_bool(opts.get(), "ordered", 7, false);
    useSession(*h_, opts.get());
    bson_error_t error;
    if (mongoc_collection_insert_many(h_->ownSeqs.get(), pointers.data(), pointers.size(),
                                      opts.get(), reply.get(), &error))
        return success();
    noteTransient(*h_, error, reply.get());
    if (!onlyDuplicates(reply.get()))
        return failure(QStringLiteral("cannot write a batch"),
                       std::string(error.message) + "; nothing of the batch was written");
    // Another writer claimed some in between. Inside a transaction the server has aborted it,
    // which takes the claims back; outside, the ones this batch made are given back.
    std::vector<size_t> clashed;
    bson_iter_t it, e;
    if (bson_iter_init_find(&it, reply.get(), "writeErrors") && bson_iter_recurse(&it, &e))
        while (bson_iter_next(&e)) {
            bson_iter_t index;
            if (bson_iter_recurse(&e, &index) && bson_iter_find(&index, "index"))
                clashed.push_back(static_cast<size_t>(bson_iter_as_int64(&index)));
        }
    if (!h_->inTransaction) {
        std::vector<uint64_t> mine;
        for (size_t i = 0; i < claim.size(); ++i)
            if (std::find(clashed.begin(), clashed.end(), i) == clashed.end())
                mine.push_back(claim[i]->seq);
        Doc filter, gone;
        seqList(filter.get(), mine);
        if (!mine.empty())
            mongoc_collection_delete_many(h_->ownSeqs.get(), filter.get(), nullptr, gone.get(),
                                          &error);
    }
    return refuse(*claim[clashed.empty() ? 0 : std::min(clashed.front(), claim.size() - 1)]);
}

Result<bool> MongoStore::staleClaim(uint64_t seq, int64_t claimedMs,
                                    const ProcessIdentity& claimer) {
    constexpr int64_t kStaleAfterMs = 60000; // far longer than a batch takes to be logged
    // A claimer seen to have ended (same machine: the killed run before this one) never logs
    // its write; one seen running may still; one that cannot be seen has the time limit.
    const ProcessLiveness liveness = livenessOf(claimer);
    if (liveness == ProcessLiveness::Running ||
        (liveness == ProcessLiveness::Unknown &&
         QDateTime::currentMSecsSinceEpoch() - claimedMs < kStaleAfterMs))
        return false;
    Doc filter, opts;
    putString(filter.get(), "o", options_.name.toStdString());
    bson_append_int64(filter.get(), "q", 1, static_cast<int64_t>(seq));
    bson_append_int64(opts.get(), "limit", 5, 1);
    bool logged = false;
    bson_error_t error;
    if (!forEach(
            h_->oplog.get(), filter.get(), opts.get(),
            [&](const bson_t*) {
                logged = true;
                return false;
            },
            error))
        return failure(QStringLiteral("cannot write a batch"), error.message);
    return !logged;
}

// The seqs of the store's own writes among `dropped` are free again. Done before the entries
// go, so that a rollback a crash interrupts still finds them.
Status MongoStore::releaseOwnSeqs(std::span<const LogRecord> dropped) {
    const std::string self = options_.name.toStdString();
    std::vector<uint64_t> seqs;
    for (const LogRecord& r : dropped)
        if (r.isWrite() && r.origin == self)
            seqs.push_back(r.seq);
    if (seqs.empty())
        return success();
    Doc filter, reply;
    seqList(filter.get(), seqs);
    bson_error_t error;
    if (!mongoc_collection_delete_many(h_->ownSeqs.get(), filter.get(), nullptr, reply.get(),
                                       &error))
        return failure(QStringLiteral("cannot roll back"), error.message);
    return success();
}

Status MongoStore::applyToGradesInTransaction(std::span<const LogRecord> records) {
    using Key = std::pair<std::string, std::string>;
    std::map<Key, std::optional<GradeRecord>> rows;
    for (const LogRecord& r : records)
        if (r.isWrite())
            rows.try_emplace({r.studentId, r.courseId});
    if (rows.empty())
        return success();
    // The rows there now; one that is not as Syncscope wrote it loses to any logged write.
    Doc filter, opts;
    bson_t in, list;
    bson_append_document_begin(filter.get(), "_id", 3, &in);
    bson_append_array_begin(&in, "$in", 3, &list);
    size_t n = 0;
    for (const auto& [key, row] : rows)
        putKey(&list, std::to_string(n++).c_str(), key.first, key.second);
    bson_append_array_end(&in, &list);
    bson_append_document_end(filter.get(), &in);
    useSession(*h_, opts.get());
    bson_error_t error;
    if (!forEach(
            h_->grades.get(), filter.get(), opts.get(),
            [&](const bson_t* d) {
                GradeRecord g;
                bool inLayout = false;
                gradeFrom(d, g, &inLayout);
                if (inLayout)
                    rows[{g.studentId, g.courseId}] = std::move(g);
                return true;
            },
            error)) {
        noteTransient(*h_, error);
        return failure(QStringLiteral("cannot read the grades"), error.message);
    }
    std::set<Key> changed;
    for (const LogRecord& r : records) {
        if (!r.isWrite())
            continue;
        std::optional<GradeRecord>& row = rows[{r.studentId, r.courseId}];
        if (row && !writeBeats(r, *row))
            continue;
        row = rowAfter(r, row ? &*row : nullptr);
        changed.emplace(r.studentId, r.courseId);
    }
    if (changed.empty())
        return success();
    Doc upsert;
    bson_append_bool(upsert.get(), "upsert", 6, true);
    Bulk bulk = unorderedBulk(*h_, h_->grades.get());
    for (const Key& key : changed) {
        Doc q, replacement;
        putKey(q.get(), "_id", key.first, key.second);
        gradeFields(replacement.get(), *rows[key]);
        if (!mongoc_bulk_operation_replace_one_with_opts(bulk.get(), q.get(), replacement.get(),
                                                         upsert.get(), &error))
            return failure(QStringLiteral("cannot write the grades"), error.message);
    }
    Doc reply;
    if (!mongoc_bulk_operation_execute(bulk.get(), reply.get(), &error)) {
        noteTransient(*h_, error, reply.get());
        return failure(QStringLiteral("cannot write the grades"), error.message);
    }
    return success();
}

bool MongoStore::reachable() {
    Doc ping, reply;
    bson_append_int32(ping.get(), "ping", 4, 1);
    bson_error_t error;
    return mongoc_client_command_simple(h_->client.get(), "admin", ping.get(), nullptr, reply.get(),
                                        &error);
}

// Commits the open transaction. As the drivers' transactions spec has it, a commit whose answer
// was lost (a network error, or UnknownTransactionCommitResult) is committed again, never run
// again: it may have committed, and running the batch again would write it a second time at
// the next positions. Only an answer that it did not commit (TransientTransactionError) lets
// the caller run it again; after a lost answer, its positions are looked at first.
MongoStore::CommitOutcome MongoStore::commit(std::span<const LogRecord> batch, int64_t first,
                                             LostConnectionWait& lost, const BatchControl& control,
                                             StoreError& why) {
    bool answerLost = false;
    for (;;) {
        bson_error_t error;
        Doc committed;
        if (mongoc_client_session_commit_transaction(h_->session, committed.get(), &error))
            return CommitOutcome::Committed;
        if (mongoc_error_has_label(committed.get(), "TransientTransactionError")) {
            if (!answerLost)
                return CommitOutcome::NotCommitted;
            Result<size_t> landed = landedPrefix(batch, first);
            if (landed && landed.value() == batch.size())
                return CommitOutcome::Committed;
            return CommitOutcome::NotCommitted;
        }
        if (!isLost(error) &&
            !mongoc_error_has_label(committed.get(), "UnknownTransactionCommitResult")) {
            why = failure(QStringLiteral("cannot commit a batch"),
                          std::string(error.message) + "; nothing of the batch was written");
            return CommitOutcome::Failed;
        }
        answerLost = true;
        if (Status w = lost.next(toQString(error.message), control,
                                 QStringLiteral("; whether the batch being written then was "
                                                "committed is not known, the ones before it were"));
            !w) {
            why = w.error();
            return CommitOutcome::Failed;
        }
    }
}

// The claims, the oplog entries at the next positions and the rows in one transaction: all of
// the batch lands or none of it. Another writer that took the positions makes the transaction
// abort, and it runs again at the positions after theirs; a lost connection is waited out, and
// a commit whose answer was lost is committed again (commit above).
Status MongoStore::writeBatchInTransaction(std::span<const LogRecord> batch,
                                           const BatchControl& control) {
    const int64_t wallMs = QDateTime::currentMSecsSinceEpoch();
    const auto n = static_cast<int64_t>(batch.size());
    LostConnectionWait lost(options_.name, options_.location);
    const auto written = [&](int64_t first) {
        next_ = first + n;
        // Outside the transaction: every writer moves this one document, which would make
        // concurrent transactions conflict on it. Rows and log committed together, so it only
        // saves a replay at the next open, and may lag without harm.
        setMetaPosition("applied", first + n - 1);
        noteWritten(batch);
        if (lost.waited())
            control.notice(
                QStringLiteral("%1: connected again; the batch was written").arg(options_.name));
        return success();
    };
    // A transaction that conflicts is run again for up to two minutes, as the drivers'
    // withTransaction does: a client killed inside a transaction leaves it holding its documents
    // until the server ends it (60 s by default on mongod), and the batch must outwait that.
    QElapsedTimer conflicting;
    bool toldWaiting = false;
    for (int attempt = 0;
         attempt < 100 || (conflicting.isValid() && conflicting.elapsed() < kTransientRetryMs);
         ++attempt) {
        if (control.isCanceled())
            return StoreError{options_.name, QStringLiteral("canceled; the batch was not written"),
                              true};
        bson_error_t error;
        if (!h_->session) {
            h_->session = mongoc_client_start_session(h_->client.get(), nullptr, &error);
            if (!h_->session)
                return failure(QStringLiteral("cannot start a session"), error.message);
        }
        const int64_t first = next_;
        if (!mongoc_client_session_start_transaction(h_->session, nullptr, &error))
            return failure(QStringLiteral("cannot start a transaction"), error.message);
        h_->inTransaction = true;
        h_->transient = false;
        bool contended = false;
        Status s = claimOwnSeqs(batch);
        if (s) {
            Doc reply;
            if (!insertOplogEntries(*h_, batch, first, wallMs, reply.get(), error)) {
                noteTransient(*h_, error, reply.get());
                contended = onlyDuplicates(reply.get());
                s = failure(QStringLiteral("cannot write the oplog"), error.message);
            }
        }
        if (s)
            s = applyToGrades(batch);
        h_->inTransaction = false;
        if (!s) {
            mongoc_client_session_abort_transaction(h_->session, nullptr);
            if (s.error().conflict)
                return s;
            if (h_->transient) { // a write conflict with another transaction: run it again,
                // after a pause that grows and differs between writers, so that they stop
                // meeting
                if (!conflicting.isValid())
                    conflicting.start();
                if (!toldWaiting && conflicting.elapsed() > kTellWaitingMs) {
                    toldWaiting = true;
                    control.notice(
                        QStringLiteral("%1: another transaction holds the documents this batch "
                                       "writes (a client that stopped inside one keeps them "
                                       "until the server ends it, within 60 s); waiting")
                            .arg(options_.name));
                }
                const int most = std::min(2 << std::min(attempt, 6), 100);
                QThread::msleep(QRandomGenerator::global()->bounded(1, most + 1));
                continue;
            }
            if (contended) { // another writer's entries hold those positions: after theirs
                Result<int64_t> greatest = greatestPosition();
                if (!greatest)
                    return greatest.error();
                next_ = greatest.value() + 1;
                continue;
            }
            if (reachable())
                return StoreError{options_.name,
                                  s.error().message +
                                      QStringLiteral("; the transaction was rolled back, nothing "
                                                     "of the batch was written"),
                                  false};
            if (Status w = lost.next(s.error().message, control, kBatchNotWritten); !w)
                return w;
            continue;
        }
        StoreError why;
        switch (commit(batch, first, lost, control, why)) {
        case CommitOutcome::Committed:
            return written(first);
        case CommitOutcome::NotCommitted:
            continue; // nothing of it committed: run it again
        case CommitOutcome::Failed:
            return why;
        }
    }
    return StoreError{options_.name,
                      QStringLiteral("another client kept appending to the oplog at the same "
                                     "time; the batch was not written"),
                      false, true};
}

} // namespace syncscope

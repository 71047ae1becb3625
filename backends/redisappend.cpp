// RedisStore::append: each batch read under WATCH, decided here and written in one MULTI/EXEC
// (redisstore.h), tried again until it is written or cannot be.
#include "redisstore.h"

#include "batchedappend.h"
#include "lostconnection.h"
#include "ownseqs.h"
#include "redispacking.h"
#include "redisstoreshared.h"

#include <hiredis/hiredis.h>

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>
#include <unordered_map>

namespace syncscope {

using redis::appendXadd;
using redis::kDigestKeySeparator;

// What one attempt at a batch knows and decides: the distinct keys the batch writes (in
// first-seen order), the rows they hold and will hold, and the store's counters.
struct RedisStore::BatchPlan {
    std::vector<std::string> fields;
    std::vector<size_t> fieldOf;       // per record: its field's index (writes only)
    std::vector<const LogRecord*> own; // the writes of the store's own origin
    Meta meta;
    uint64_t ownBefore = 0; // the greatest own seq before the batch
    std::vector<std::optional<GradeRecord>> rows;
    std::vector<bool> existed, wasLive, dirty;

    BatchPlan(std::span<const LogRecord> batch, const std::string& self) {
        fieldOf.resize(batch.size());
        std::unordered_map<std::string, size_t> index;
        for (size_t i = 0; i < batch.size(); ++i) {
            if (!batch[i].isWrite())
                continue;
            if (batch[i].origin == self)
                own.push_back(&batch[i]);
            std::string f = redis::field(batch[i].studentId, batch[i].courseId);
            auto [it, added] = index.try_emplace(std::move(f), fields.size());
            if (added)
                fields.push_back(it->first);
            fieldOf[i] = it->second;
        }
        rows.resize(fields.size());
        existed.resize(fields.size());
        wasLive.resize(fields.size());
        dirty.resize(fields.size());
    }
};

Status RedisStore::append(std::span<const LogRecord> records, const BatchControl& control) {
    if (Status s = usable(QStringLiteral("append")); !s)
        return s.error();
    return appendInBatches(
        options_.name, records, batchSize(), control,
        [&](std::span<const LogRecord> batch) { return appendWithRetry(batch, control); });
}

// One batch until it is written: again when a concurrent writer touched what it read (WATCH),
// after capturing an outside write it would otherwise overwrite unlogged, and, with back-off,
// after the connection broke. A batch carries a token that commits with it, so after a broken
// connection the store can tell whether the batch landed before writing it a second time.
Status RedisStore::appendWithRetry(std::span<const LogRecord> batch, const BatchControl& control) {
    const std::string token = std::to_string(QRandomGenerator::global()->generate64());
    LostConnectionWait lost(options_.name, options_.location);
    for (int contended = 0; contended < 100;) {
        Result<Attempt> a = tryBatch(batch, token);
        if (a && a.value() == Attempt::Written) {
            if (lost.waited())
                control.notice(QStringLiteral("%1: connected again; the batch was written")
                                   .arg(options_.name));
            return success();
        }
        if (a && a.value() == Attempt::Retry) {
            ++contended;
            continue;
        }
        if (a && a.value() == Attempt::ServerLoading) {
            // Started again and reading its data back: nothing was written; wait as for a lost
            // connection, with the same notices and the same limit.
            if (Status s = lost.next(QStringLiteral("the server is loading its data from disk"),
                                     control, kBatchNotWritten);
                !s)
                return s;
            continue;
        }
        if (a && a.value() == Attempt::CaptureFirst) {
            if (Status s = captureOutsideWrites(); !s)
                return s;
            ++contended;
            continue;
        }
        if (!conn_.broken() || a.error().conflict)
            return a.error();
        // The connection broke: wait for the server, reconnect, and find out whether the batch
        // committed before it went.
        QString why = a.error().message;
        for (;;) {
            if (Status s = lost.next(why, control, kBatchNotWritten); !s)
                return s;
            if (Status s = reconnect(); !s) {
                why = s.error().message;
                continue;
            }
            Result<bool> landed = batchCommitted(token);
            if (!landed) {
                why = landed.error().message;
                continue;
            }
            if (landed.value()) {
                control.notice(QStringLiteral("%1: connected again; the batch had been written")
                                   .arg(options_.name));
                return success();
            }
            break;
        }
    }
    return error(QStringLiteral("cannot write a batch"),
                 QStringLiteral("other clients kept changing the grades while it was written; "
                                "nothing of the batch was written"));
}

Result<bool> RedisStore::batchCommitted(const std::string& token) {
    RedisArgs a;
    a << "HGET" << key(MetaKey) << "batch";
    QString why;
    const RedisReply r = conn_.command(a, why);
    if (!r)
        return lost(QStringLiteral("cannot read the last batch"), why);
    return r.text() == token;
}

Result<RedisStore::Attempt> RedisStore::tryBatch(std::span<const LogRecord> batch,
                                                 const std::string& token) {
    BatchPlan plan(batch, self_);
    if (std::optional<Result<Attempt>> stopped = readBeforeWriting(plan))
        return *stopped;
    decide(batch, plan);
    return sendBatch(batch, token, plan);
}

// Round 1, under WATCH: the counters, the key types, the rows the batch meets and the claims
// on its own seqs. nullopt when the batch may go on; else how the attempt ends (the watch
// dropped): the server is loading, an outside write must be captured first, or an error.
std::optional<Result<RedisStore::Attempt>> RedisStore::readBeforeWriting(BatchPlan& plan) {
    std::vector<RedisArgs> reads(5);
    reads[0] << "WATCH" << key(Grades) << key(MetaKey) << key(OwnSeqs);
    reads[1] << "HMGET" << key(MetaKey) << "live"
             << "maxts"
             << "ownseq";
    reads[2] << "TYPE" << key(Grades);
    reads[3] << "TYPE" << key(Keys);
    reads[4] << "TYPE" << key(Oplog);
    if (!plan.fields.empty()) {
        RedisArgs& rows = reads.emplace_back();
        rows << "HMGET" << key(Grades);
        for (const std::string& f : plan.fields)
            rows << f;
    }
    if (!plan.own.empty()) {
        RedisArgs& seqs = reads.emplace_back();
        seqs << "HMGET" << key(OwnSeqs);
        for (const LogRecord* r : plan.own)
            seqs << static_cast<long long>(r->seq);
    }
    auto got = pipeline(reads);
    if (!got)
        return got.error();
    std::vector<RedisReply>& replies = got.value();
    const auto unwatch = [this] { redis::unwatch(conn_); };
    if (serverLoading(replies)) {
        unwatch();
        return Attempt::ServerLoading;
    }
    if (Status s = checkTypes({replies[2].text(), replies[3].text(), replies[4].text()}); !s) {
        unwatch();
        return s.error();
    }
    for (const RedisReply& r : replies)
        if (r.isError()) {
            unwatch();
            return error(QStringLiteral("cannot read before writing"), toQString(r.text()));
        }
    Result<Meta> metaRead = readMeta(replies[1]);
    if (!metaRead) {
        unwatch();
        return metaRead.error();
    }
    plan.meta = metaRead.value();
    for (size_t i = 0; i < plan.fields.size(); ++i) {
        const redisReply* v = replies[5].element(i);
        if (RedisReply::isNil(v))
            continue;
        plan.existed[i] = true;
        const std::string_view value = RedisReply::textOf(v);
        plan.rows[i] = redis::unpack(plan.fields[i], value);
        if (!plan.rows[i]) {
            LogRecord outside;
            if (capturableOutsideWrite(plan.fields[i], value, outside)) {
                unwatch(); // log the outside write before this batch meets it
                return Attempt::CaptureFirst;
            }
            continue; // not a valid write: reported by the capture, replaced by this batch
        }
        plan.wasLive[i] = !plan.rows[i]->deleted;
    }
    if (!plan.own.empty()) {
        const RedisReply& held = replies.back();
        for (size_t i = 0; i < plan.own.size(); ++i) {
            const redisReply* h = held.element(i);
            if (RedisReply::isNil(h) ||
                RedisReply::textOf(h) == ownDigest(*plan.own[i], kDigestKeySeparator))
                continue;
            unwatch();
            return seqAlreadyTaken(options_.name, *plan.own[i]);
        }
    }
    return std::nullopt;
}

// Each write against the row it meets, in batch order, as one by one.
void RedisStore::decide(std::span<const LogRecord> batch, BatchPlan& plan) const {
    Meta& meta = plan.meta;
    plan.ownBefore = meta.ownSeq;
    for (size_t i = 0; i < batch.size(); ++i) {
        const LogRecord& r = batch[i];
        meta.maxTs = std::max(meta.maxTs, r.ts);
        if (!r.isWrite())
            continue;
        if (r.origin == self_)
            meta.ownSeq = std::max<uint64_t>(meta.ownSeq, r.seq);
        const size_t k = plan.fieldOf[i];
        std::optional<GradeRecord>& row = plan.rows[k];
        if (row && !writeBeats(r, *row))
            continue;
        row = rowAfter(r, row ? &*row : nullptr);
        plan.dirty[k] = true;
    }
}

// Round 2: the batch in one transaction, its entries, the rows it changed, the counters and
// its claims; Retry when a watched key changed meanwhile.
Result<RedisStore::Attempt> RedisStore::sendBatch(std::span<const LogRecord> batch,
                                                  const std::string& token, BatchPlan& plan) {
    Meta& meta = plan.meta;
    RedisTransaction tx(conn_);
    RedisArgs a;
    const long long wallMs = QDateTime::currentMSecsSinceEpoch();
    for (const LogRecord& r : batch) {
        appendXadd(a, key(Oplog), r, wallMs);
        tx.add(a);
    }
    a.clear();
    a << "HSET" << key(Grades);
    RedisArgs index;
    index << "ZADD" << key(Keys);
    for (size_t k = 0; k < plan.fields.size(); ++k) {
        if (!plan.dirty[k])
            continue;
        a << plan.fields[k] << redis::pack(*plan.rows[k]);
        if (!plan.existed[k])
            index << 0 << plan.fields[k];
        meta.live += (plan.rows[k]->deleted ? 0 : 1) - (plan.wasLive[k] ? 1 : 0);
    }
    const int gradeCommands = a.count() > 2 ? 1 : 0;
    if (gradeCommands)
        tx.add(a);
    if (index.count() > 2)
        tx.add(index);
    a.clear();
    a << "HSET" << key(MetaKey) << "live" << meta.live << "maxts"
      << static_cast<long long>(meta.maxTs) << "ownseq" << static_cast<long long>(meta.ownSeq)
      << "batch" << token;
    tx.add(a);
    a.clear();
    a << "HSET" << key(OwnSeqs);
    for (const LogRecord* r : plan.own)
        if (r->seq > plan.ownBefore)
            a << static_cast<long long>(r->seq) << ownDigest(*r, kDigestKeySeparator);
    if (a.count() > 2)
        tx.add(a);
    QString why;
    bool partial = false;
    switch (tx.exec(why, &partial)) {
    case RedisTransaction::Outcome::Lost:
        return lost(QStringLiteral("cannot write a batch"), why);
    case RedisTransaction::Outcome::Aborted:
        return Attempt::Retry; // a watched key changed: read again and decide again
    case RedisTransaction::Outcome::Refused:
        return partial ? error(QStringLiteral("a batch failed half way"),
                               QStringLiteral("%1 (Redis does not roll a transaction back, so "
                                              "this batch's entries and rows may disagree)")
                                   .arg(why))
                       : error(QStringLiteral("refused a batch, nothing written"), why);
    case RedisTransaction::Outcome::Committed:
        break;
    }
    countOwnEvents(gradeCommands);
    return Attempt::Written;
}

} // namespace syncscope

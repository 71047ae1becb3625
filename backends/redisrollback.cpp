// RedisStore::rollbackTo: Reset in the GUI takes a Redis store back to an oplog position.
#include "redispacking.h"
#include "redisstore.h"
#include "redisstoreshared.h"

#include <unordered_map>

namespace syncscope {

using redis::idOf;

Status RedisStore::rollbackTo(int64_t position) {
    if (Status s = usable(QStringLiteral("cannot roll back")); !s)
        return s.error();
    for (int attempt = 0; attempt < 20; ++attempt) {
        Result<bool> done = rollbackOnce(position);
        if (!done)
            return done.error();
        if (done.value())
            return success();
    }
    return error(QStringLiteral("cannot roll back"),
                 QStringLiteral("other clients kept writing to the store meanwhile"));
}

// One attempt under WATCH: false when another client wrote in between (nothing changed).
// Redis has no index on the stream, so this reads the whole log once: the entries after
// `position` go (XDEL), and every key they touched gets back the greatest write left before it
// (or loses its row), keeping the attributes a seed row gave it.
Result<bool> RedisStore::rollbackOnce(int64_t position) {
    QString why;
    RedisArgs a;
    a << "WATCH" << key(Grades) << key(MetaKey) << key(OwnSeqs) << key(Oplog);
    if (!conn_.command(a, why))
        return lost(QStringLiteral("cannot roll back"), why);

    std::vector<int64_t> gone;
    std::unordered_map<std::string, std::optional<LogRecord>> best; // touched key -> its write
    std::vector<uint64_t> goneOwnSeqs;
    const BatchControl control;
    Status s = forEachEntry("(" + idOf(position), "+", 0, control, [&](LogRecord&& r) {
        gone.push_back(r.position);
        if (r.isWrite()) {
            best.try_emplace(redis::field(r.studentId, r.courseId));
            if (r.origin == self_)
                goneOwnSeqs.push_back(r.seq);
        }
    });
    int64_t maxTs = 0;
    uint64_t ownSeq = 0;
    if (s && position > 0)
        s = forEachEntry("-", idOf(position), 0, control, [&](LogRecord&& r) {
            maxTs = std::max(maxTs, r.ts);
            if (!r.isWrite())
                return;
            if (r.origin == self_)
                ownSeq = std::max(ownSeq, r.seq);
            const auto it = best.find(redis::field(r.studentId, r.courseId));
            if (it != best.end() && (!it->second || writeLess(*it->second, r)))
                it->second = std::move(r);
        });
    if (!s) {
        redis::unwatch(conn_);
        return s.error();
    }
    if (gone.empty()) {
        redis::unwatch(conn_);
        return true;
    }

    std::vector<std::string> fields;
    a.clear();
    a << "HMGET" << key(Grades);
    for (const auto& [f, write] : best) {
        fields.push_back(f);
        a << f;
    }
    std::vector<RedisArgs> reads(2);
    reads[0] = a;
    reads[1] << "HGET" << key(MetaKey) << "live";
    auto got = pipeline(reads);
    if (!got) {
        redis::unwatch(conn_);
        return got.error();
    }
    const RedisReply& rows = got.value()[0];
    long long live = 0;
    redis::toInt(got.value()[1].text(), live);

    RedisTransaction tx(conn_);
    for (size_t at = 0; at < gone.size(); at += 10000) {
        a.clear();
        a << "XDEL" << key(Oplog);
        for (size_t i = at; i < std::min(gone.size(), at + 10000); ++i)
            a << idOf(gone[i]);
        tx.add(a);
    }
    a.clear();
    a << "XSETID" << key(Oplog) << idOf(position); // the next entry takes position + 1
    tx.add(a);
    RedisArgs rewrite, remove, unindex;
    rewrite << "HSET" << key(Grades);
    remove << "HDEL" << key(Grades);
    unindex << "ZREM" << key(Keys);
    for (size_t i = 0; i < fields.size(); ++i) {
        const std::optional<GradeRecord> now =
            redis::unpack(fields[i], RedisReply::textOf(rows.element(i)));
        const std::optional<LogRecord>& write = best[fields[i]];
        live -= now && !now->deleted ? 1 : 0;
        if (write) {
            const GradeRecord row = rowAfter(*write, now ? &*now : nullptr);
            rewrite << fields[i] << redis::pack(row);
            live += row.deleted ? 0 : 1;
        } else {
            remove << fields[i];
            unindex << fields[i];
        }
    }
    int events = 0;
    for (const RedisArgs* c : {&rewrite, &remove, &unindex})
        if (c->count() > 2) {
            tx.add(*c);
            events += c == &unindex ? 0 : 1;
        }
    a.clear();
    a << "HSET" << key(MetaKey) << "live" << live << "maxts" << static_cast<long long>(maxTs)
      << "ownseq" << static_cast<long long>(ownSeq);
    tx.add(a);
    a.clear();
    a << "HDEL" << key(OwnSeqs);
    for (uint64_t seq : goneOwnSeqs)
        if (seq > ownSeq)
            a << static_cast<long long>(seq);
    if (a.count() > 2)
        tx.add(a);
    const Result<bool> committed = commit(tx, QStringLiteral("cannot roll back"));
    if (committed && committed.value())
        countOwnEvents(events);
    return committed;
}

} // namespace syncscope

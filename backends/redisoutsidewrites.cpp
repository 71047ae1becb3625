// Writes another client makes to a Redis store (`redis-cli HSET <prefix>:grades SID1,CSE1 B`,
// `HDEL …`) reach its oplog exactly once.
//
// Redis has no triggers, so the store subscribes to the keyspace notifications of its grades
// hash and, when one arrives that its own writes did not cause, compares the hash with what it
// knows: a value not in Syncscope's packed layout is an outside SET; a field in the key index
// but gone from the hash is an outside DELETE. Each is logged as the SQL stores' triggers log
// theirs: origin = the store, seq = its greatest own seq + 1, ts = the greatest ts in its log
// + 1 (so it sorts after every write the store has seen), context = the greatest seq of each
// other origin the key's log holds; and the row is rewritten in the packed layout. The pass
// runs under WATCH in one MULTI/EXEC, so two Syncscope processes watching one store log each
// outside write once: the second one's EXEC fails, and its next look finds nothing new.
//
// Keyspace notifications name the key, not the field, so a look reads the whole hash: cheap for
// the class-sized stores outside writes happen to, a second or so for a million rows.
#include "displaytext.h"
#include "ownseqs.h"
#include "redispacking.h"
#include "redisstore.h"
#include "redisstoreshared.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace syncscope {

Result<bool> RedisStore::watchChanges(std::function<void()> changed,
                                      std::function<void(const QString&)> problem) {
    if (!open_)
        return error(QStringLiteral("cannot watch for outside writes"), QStringLiteral("not open"));
    changed_ = std::move(changed);
    problem_ = std::move(problem);
    watchContext_ = std::make_unique<QObject>();
    Result<bool> subscribed = subscribe();
    if (!subscribed)
        return subscribed;
    // Whatever other clients wrote while nobody watched.
    if (Status s = captureOutsideWrites(); !s)
        return s.error();
    return true;
}

Result<bool> RedisStore::subscribe() {
    QString why;
    RedisArgs a;
    a << "CONFIG"
      << "GET"
      << "notify-keyspace-events";
    const RedisReply current = conn_.command(a, why);
    if (!current)
        return lost(QStringLiteral("cannot watch for outside writes"), why);
    const std::string flags =
        current.size() == 2 ? std::string(RedisReply::textOf(current.element(1))) : std::string();
    const bool keyspace = flags.find('K') != std::string::npos;
    const bool hashes =
        flags.find('h') != std::string::npos || flags.find('A') != std::string::npos;
    if (!keyspace || !hashes) {
        a.clear();
        a << "CONFIG"
          << "SET"
          << "notify-keyspace-events" << flags + "Kh";
        const RedisReply set = conn_.command(a, why);
        if (!set)
            return lost(QStringLiteral("cannot watch for outside writes"), why);
        if (set.isError() && current.isError()) {
            // Neither readable nor settable for this account: they may well be on already.
            if (problem_)
                problem_(QStringLiteral("%1: could not check whether the server sends keyspace "
                                        "notifications (CONFIG: %2); outside writes are captured "
                                        "only if its notify-keyspace-events holds K and h")
                             .arg(options_.name, toQString(set.text())));
        } else if (set.isError()) {
            return error(
                QStringLiteral("cannot capture outside writes"),
                QStringLiteral("the server refused to turn on keyspace notifications (CONFIG SET "
                               "notify-keyspace-events: %1). Writes other clients make will not "
                               "reach the oplog until the server's notify-keyspace-events holds "
                               "K and h (in redis.conf, or CONFIG SET by an account allowed to)")
                    .arg(toQString(set.text())));
        }
    }
    if (!subscriber_.connect(options_.endpoint, why))
        return error(QStringLiteral("cannot watch for outside writes"), why);
    a.clear();
    a << "SUBSCRIBE"
      << "__keyspace@" + std::to_string(options_.endpoint.database) + "__:" + key(Grades);
    const RedisReply confirmed = subscriber_.command(a, why);
    if (!confirmed || confirmed.isError()) {
        subscriber_.close();
        return error(QStringLiteral("cannot watch for outside writes"),
                     confirmed ? toQString(confirmed.text()) : why);
    }
    ownEvents_ = 0;
    notifier_ = std::make_unique<QSocketNotifier>(subscriber_.socket(), QSocketNotifier::Read);
    QObject::connect(notifier_.get(), &QSocketNotifier::activated, watchContext_.get(),
                     [this] { onNotification(); });
    return true;
}

void RedisStore::countOwnEvents(int events) {
    if (subscriber_.isOpen())
        ownEvents_ += events;
}

// The subscriber's socket has news: keyspace events for the grades hash. Each of our own
// commands on it causes exactly one, counted in ownEvents_; any other means another client
// wrote, and one look finds everything it did, however many events it caused.
void RedisStore::onNotification() {
    QString why;
    if (!subscriber_.readAvailable(why)) {
        notifier_.reset();
        subscriber_.close();
        if (problem_)
            problem_(QStringLiteral("%1: lost the connection that watches for outside writes "
                                    "(%2); reconnecting")
                         .arg(options_.name, why.simplified()));
        QTimer::singleShot(1000, watchContext_.get(), [this] { resubscribe(); });
        return;
    }
    bool outside = false;
    while (RedisReply message = subscriber_.nextBuffered(why)) {
        if (message.size() != 3 || RedisReply::textOf(message.element(0)) != "message")
            continue;
        if (ownEvents_ > 0)
            --ownEvents_;
        else
            outside = true;
    }
    if (!outside)
        return;
    if (Status s = captureOutsideWrites(); !s && problem_)
        problem_(s.error().toString());
    if (changed_)
        changed_();
}

void RedisStore::resubscribe() {
    if (!open_ || !watchContext_)
        return;
    notifier_.reset();
    subscriber_.close();
    Result<bool> again = subscribe();
    if (!again) {
        QTimer::singleShot(2000, watchContext_.get(), [this] { resubscribe(); });
        return;
    }
    // Writes made while the subscriber was away.
    if (Status s = captureOutsideWrites(); !s && problem_)
        problem_(s.error().toString());
    if (changed_)
        changed_();
}

std::string RedisStore::outsideWriteProblem(std::string_view f, std::string_view value) {
    LogRecord write;
    write.kind = EntryKind::Set;
    write.hasValue = true;
    write.value.assign(value);
    write.origin = "X";
    write.seq = 1;
    if (!redis::splitField(f, write.studentId, write.courseId))
        return "the field is not <student_id>,<course_id>";
    return recordProblem(write);
}

bool RedisStore::capturableOutsideWrite(std::string_view f, std::string_view value,
                                        LogRecord& write) {
    write = {};
    write.kind = EntryKind::Set;
    write.hasValue = true;
    write.value.assign(value);
    write.origin = self_;
    write.seq = 1;
    redis::splitField(f, write.studentId, write.courseId);
    const std::string problem = outsideWriteProblem(f, value);
    if (problem.empty())
        return true;
    std::string id(f);
    if (!reported_[id] && problem_) {
        reported_[id] = true;
        problem_(QStringLiteral("%1: another client wrote field '%2' of %3 with value '%4', which "
                                "is not a valid grade row (%5); it was not logged, and "
                                "Syncscope's next write of that key replaces it")
                     .arg(options_.name, toQString(f), toQString(key(Grades)),
                          toQString(value.substr(0, 80)), QString::fromStdString(problem)));
    }
    return false;
}

// Fields of the grades hash that are not rows: another client's writes the capture could not
// log (a bad key or grade), or has not logged yet (nobody watching since). verify names them.
Result<std::vector<UnaccountedRow>> RedisStore::unaccountedRows(const BatchControl& control) {
    (void)control;
    if (Status s = usable(QStringLiteral("cannot read grades")); !s)
        return s.error();
    std::vector<UnaccountedRow> out;
    Status s = scanGrades([&](std::string_view f, std::string_view value) {
        if (redis::unpack(f, value))
            return;
        UnaccountedRow row;
        if (!redis::splitField(f, row.studentId, row.courseId))
            row.studentId.assign(f);
        std::string why = outsideWriteProblem(f, value);
        row.detail = "field " + quotedForMessage(f) + " of " + key(Grades) + " holds " +
                     quotedForMessage(value.substr(0, 80)) +
                     ", which no oplog accounts for: another client's write, " +
                     (why.empty() ? std::string("not captured yet (it is logged when the store "
                                                "is next opened for writing or watched)")
                                  : "which breaks the data rules (" + why + ")");
        out.push_back(std::move(row));
    });
    if (!s)
        return s.error();
    return out;
}

Status RedisStore::captureOutsideWrites() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        Result<bool> done = captureOnce();
        if (!done)
            return done.error();
        if (done.value())
            return success();
    }
    return error(QStringLiteral("cannot capture outside writes"),
                 QStringLiteral("the grades kept changing while they were compared"));
}

// One look under WATCH; false when a watched key changed meanwhile (look again).
Result<bool> RedisStore::captureOnce() {
    QString why;
    RedisArgs a;
    a << "WATCH" << key(Grades) << key(Keys) << key(MetaKey) << key(OwnSeqs);
    if (!conn_.command(a, why))
        return lost(QStringLiteral("cannot capture outside writes"), why);

    std::unordered_set<std::string> present;
    std::vector<LogRecord> sets;
    long long live = 0;
    Status s = scanGrades([&](std::string_view f, std::string_view value) {
        present.emplace(f);
        if (const auto row = redis::unpack(f, value)) {
            live += row->deleted ? 0 : 1;
            return;
        }
        LogRecord write;
        if (capturableOutsideWrite(f, value, write)) {
            sets.push_back(std::move(write));
            ++live;
        }
    });
    // Fields the index holds that the hash lost: deleted by another client.
    std::vector<std::string> deleted;
    if (s)
        s = forEachKeyPage({}, 0, BatchControl{}, [&](const RedisReply& fields) {
            for (size_t i = 0; i < fields.size(); ++i) {
                const std::string_view f = RedisReply::textOf(fields.element(i));
                if (!present.count(std::string(f)))
                    deleted.emplace_back(f);
            }
            return success();
        });
    if (!s) {
        redis::unwatch(conn_);
        return s.error();
    }
    std::vector<RedisArgs> reads(1);
    reads[0] << "HMGET" << key(MetaKey) << "live"
             << "maxts"
             << "ownseq";
    auto got = pipeline(reads);
    if (!got) {
        redis::unwatch(conn_);
        return got.error();
    }
    Result<Meta> metaRead = readMeta(got.value()[0]);
    if (!metaRead) {
        redis::unwatch(conn_);
        return metaRead.error();
    }
    Meta meta = metaRead.value();
    if (sets.empty() && deleted.empty()) {
        redis::unwatch(conn_);
        if (live != meta.live) {
            a.clear();
            a << "HSET" << key(MetaKey) << "live" << live;
            conn_.command(a, why);
        }
        return true;
    }

    for (const std::string& f : deleted) {
        LogRecord d;
        d.kind = EntryKind::Delete;
        redis::splitField(f, d.studentId, d.courseId);
        d.origin = self_;
        sets.push_back(std::move(d));
    }
    std::sort(sets.begin(), sets.end(), [](const LogRecord& x, const LogRecord& y) {
        return std::tie(x.studentId, x.courseId) < std::tie(y.studentId, y.courseId);
    });
    // Each key's context: the greatest seq of every other origin its log holds.
    std::unordered_map<std::string, std::map<std::string, uint64_t>> seen;
    for (const LogRecord& w : sets)
        seen[redis::field(w.studentId, w.courseId)];
    s = forEachEntry("-", "+", 0, BatchControl{}, [&](LogRecord&& r) {
        if (!r.isWrite() || r.origin == self_)
            return;
        const auto it = seen.find(redis::field(r.studentId, r.courseId));
        if (it != seen.end())
            it->second[r.origin] = std::max(it->second[r.origin], r.seq);
    });
    if (!s) {
        redis::unwatch(conn_);
        return s.error();
    }

    RedisTransaction tx(conn_);
    const long long wallMs = QDateTime::currentMSecsSinceEpoch();
    RedisArgs rows, index, owned;
    rows << "HSET" << key(Grades);
    index << "ZADD" << key(Keys);
    owned << "HSET" << key(OwnSeqs);
    for (LogRecord& w : sets) {
        w.ts = ++meta.maxTs;
        w.seq = ++meta.ownSeq;
        const std::string f = redis::field(w.studentId, w.courseId);
        for (const auto& [origin, seq] : seen[f]) {
            if (!w.context.empty())
                w.context += ',';
            w.context += origin + ':' + std::to_string(seq);
        }
        redis::appendXadd(a, key(Oplog), w, wallMs);
        tx.add(a);
        rows << f << redis::pack(rowAfter(w, nullptr));
        if (w.hasValue)
            index << 0 << f;
        owned << static_cast<long long>(w.seq) << ownDigest(w, redis::kDigestKeySeparator);
    }
    tx.add(rows);
    if (index.count() > 2)
        tx.add(index);
    tx.add(owned);
    a.clear();
    a << "HSET" << key(MetaKey) << "live" << live << "maxts" << static_cast<long long>(meta.maxTs)
      << "ownseq" << static_cast<long long>(meta.ownSeq);
    tx.add(a);
    const Result<bool> committed = commit(tx, QStringLiteral("cannot capture outside writes"));
    if (committed && committed.value())
        countOwnEvents(1);
    return committed;
}

} // namespace syncscope

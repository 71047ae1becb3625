#include "redisstore.h"

#include "redispacking.h"
#include "redisstoreshared.h"

#include <hiredis/hiredis.h>

#include <QSocketNotifier>
#include <QThread>

#include <algorithm>

namespace syncscope {

namespace redis {
bool positionOf(std::string_view id, int64_t& position) {
    return id.size() > 2 && id.substr(0, 2) == "0-" && toInt(id.substr(2), position);
}

void appendXadd(RedisArgs& a, const std::string& stream, const LogRecord& r, long long wallMs) {
    a.clear();
    a << "XADD" << stream << "0-*"
      << "op" << entryKindName(r.kind) << "s" << r.studentId << "c" << r.courseId;
    if (r.hasValue)
        a << "v" << r.value;
    a << "ts" << static_cast<long long>(r.ts) << "o" << r.origin << "q"
      << static_cast<long long>(r.seq) << "w" << wallMs;
    if (!r.context.empty())
        a << "x" << r.context;
}

void unwatch(RedisConnection& conn) {
    RedisArgs a;
    a << "UNWATCH";
    QString ignored;
    conn.command(a, ignored);
}
} // namespace redis

namespace {
using redis::idOf;
using redis::positionOf;
using redis::toInt;

bool entryFrom(const redisReply* entry, LogRecord& r, QString& why) {
    // An entry is [id, [field, value, …]].
    if (!entry || entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) {
        why = QStringLiteral("an oplog entry is not [id, fields]");
        return false;
    }
    if (!positionOf(RedisReply::textOf(entry->element[0]), r.position)) {
        why = QStringLiteral("oplog entry ID %1 is not 0-<position> (did another program add "
                             "to the stream?)")
                  .arg(toQString(RedisReply::textOf(entry->element[0])));
        return false;
    }
    const redisReply* fields = entry->element[1];
    bool op = false, ts = false, origin = false, seq = false;
    for (size_t i = 0; fields && i + 1 < fields->elements; i += 2) {
        const std::string_view name = RedisReply::textOf(fields->element[i]);
        const std::string_view value = RedisReply::textOf(fields->element[i + 1]);
        if (name == "op")
            op = entryKindFromName(value, r.kind);
        else if (name == "s")
            r.studentId.assign(value);
        else if (name == "c")
            r.courseId.assign(value);
        else if (name == "v") {
            r.value.assign(value);
            r.hasValue = true;
        } else if (name == "ts")
            ts = toInt(value, r.ts);
        else if (name == "o") {
            r.origin.assign(value);
            origin = true;
        } else if (name == "q")
            seq = toInt(value, r.seq);
        else if (name == "w")
            toInt(value, r.wallMs);
        else if (name == "x")
            r.context.assign(value);
    }
    if (!op || !ts || !origin || !seq || r.studentId.empty() || r.courseId.empty()) {
        why = QStringLiteral("oplog entry %1 lacks its op, key, ts, origin or seq").arg(r.position);
        return false;
    }
    return true;
}
} // namespace

RedisStore::RedisStore(Options options)
    : options_(std::move(options))
    , self_(options_.name.toStdString()) {
    if (options_.prefix.empty())
        options_.prefix = "syncscope:" + self_;
    const char* suffixes[] = {":grades", ":keys", ":oplog", ":meta", ":ownseqs"};
    for (int i = 0; i < 5; ++i)
        keys_[i] = options_.prefix + suffixes[i];
}

RedisStore::~RedisStore() {
    close();
}

StoreDescription RedisStore::description() const {
    return {options_.name, QStringLiteral("Redis"), options_.location, false};
}

StoreError RedisStore::error(const QString& what, const QString& detail) const {
    return {options_.name, what + QStringLiteral(": ") + detail, false};
}

StoreError RedisStore::lost(const QString& what, const QString& why) const {
    return error(what, QStringLiteral("the connection to %1 failed (%2)")
                           .arg(options_.location, why.simplified()));
}

Result<bool> RedisStore::commit(RedisTransaction& tx, const QString& what) {
    QString why;
    switch (tx.exec(why)) {
    case RedisTransaction::Outcome::Lost:
        return lost(what, why);
    case RedisTransaction::Outcome::Aborted:
        return false;
    case RedisTransaction::Outcome::Refused:
        return error(what, why);
    case RedisTransaction::Outcome::Committed:
        break;
    }
    return true;
}

Result<std::vector<RedisReply>> RedisStore::pipeline(const std::vector<RedisArgs>& commands) {
    QString why;
    for (const RedisArgs& c : commands)
        if (!conn_.append(c, why))
            return lost(QStringLiteral("cannot send a command"), why);
    std::vector<RedisReply> replies;
    replies.reserve(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
        RedisReply r = conn_.next(why);
        if (!r)
            return lost(QStringLiteral("no reply"), why);
        replies.push_back(std::move(r));
    }
    return replies;
}

Status RedisStore::open() {
    if (open_)
        return success();
    if (Status s = connectAndClaim(); !s) {
        conn_.close();
        return s;
    }
    open_ = true;
    everOpened_ = true;
    // Whatever other clients wrote while no Syncscope watched is logged now, before anything
    // reads the store, so a GET, a merge or a follow never misses it. One HSCAN of the hash: a
    // second or so for a million rows, nothing for a class-sized store.
    if (Status captured = readOnly_ ? success() : captureOutsideWrites(); !captured) {
        close();
        return captured;
    }
    return success();
}

Status RedisStore::reconnect() {
    close();
    if (Status s = open(); !s)
        return s;
    if (changed_) { // it was watching for outside writes: watch again
        watchContext_ = std::make_unique<QObject>();
        resubscribe();
    }
    return success();
}

// Every call but open() starts here. A store that was open and lost its server (killed, then
// started again) connects again, so a caller that retries after a failure finds it working;
// an append rides out the outage itself (appendWithRetry).
Status RedisStore::usable(const QString& what) {
    if (open_ && !conn_.broken())
        return success();
    if (!everOpened_)
        return error(what, QStringLiteral("the store is not open"));
    return reconnect();
}

Status RedisStore::connectAndClaim() {
    QString why;
    if (!conn_.connect(options_.endpoint, why))
        return error(QStringLiteral("cannot open ") + options_.location,
                     why.contains(QLatin1String("NOAUTH")) && options_.endpoint.password.empty()
                         ? why + QStringLiteral(" (the server asks for a password: set "
                                                "SYNCSCOPE_PASSWORD_%1)")
                                     .arg(options_.name.toUpper())
                         : why);
    std::vector<RedisArgs> c(7);
    c[0] << "HSETNX" << key(MetaKey) << "store" << self_;
    c[1] << "HGET" << key(MetaKey) << "store";
    c[2] << "TYPE" << key(Grades);
    c[3] << "TYPE" << key(Keys);
    c[4] << "TYPE" << key(Oplog);
    c[5] << "HEXISTS" << key(MetaKey) << "live";
    c[6] << "XREVRANGE" << key(Oplog) << "+"
         << "-"
         << "COUNT" << 1;
    auto r = pipeline(c);
    // A server started again answers LOADING until its data is back in memory: open once it is
    // (about a second per million keys), rather than fail a run that came a moment too soon.
    for (int waitedMs = 0, pauseMs = 50; r && serverLoading(r.value()) && waitedMs < kLoadingWaitMs;
         waitedMs += pauseMs, pauseMs = std::min(pauseMs * 2, 1000)) {
        QThread::msleep(static_cast<unsigned long>(pauseMs));
        r = pipeline(c);
    }
    if (!r)
        return r.error();
    std::vector<RedisReply>& replies = r.value();
    if (serverLoading(replies))
        return error(QStringLiteral("cannot open ") + options_.location,
                     QStringLiteral("the server was still loading its data from disk after %1 s")
                         .arg(kLoadingWaitMs / 1000));
    // The types first: a key of the wrong type also makes the reads of it fail.
    if (Status s = checkTypes({replies[2].text(), replies[3].text(), replies[4].text()}); !s)
        return s;
    for (const RedisReply& reply : replies)
        if (reply.isError())
            return error(QStringLiteral("cannot open ") + options_.location,
                         toQString(reply.text()));
    const std::string_view holder = replies[1].text();
    if (holder != self_)
        return heldByAnotherStore(
            QStringLiteral("prefix %1 on %2").arg(toQString(options_.prefix), options_.location),
            toQString(holder), options_.name,
            QStringLiteral("give this store its own with ?prefix="));
    if (replies[6].size() == 1) {
        LogRecord newest;
        if (!entryFrom(replies[6].element(0), newest, why))
            return error(QStringLiteral("corrupt oplog"), why);
    }
    if (replies[5].integer() == 0)
        return recountLive();
    return success();
}

bool RedisStore::serverLoading(const std::vector<RedisReply>& replies) {
    return std::any_of(replies.begin(), replies.end(), [](const RedisReply& r) {
        return r.isError() && r.text().starts_with("LOADING");
    });
}

// Redis runs the rest of a transaction after a command in it fails, so a key of the wrong
// type (another program using the prefix) must be found before MULTI, not by EXEC.
Status RedisStore::checkTypes(std::initializer_list<std::string_view> types) {
    const char* expected[] = {"hash", "zset", "stream"};
    const int which[] = {Grades, Keys, Oplog};
    size_t i = 0;
    for (const std::string_view type : types) {
        if (type != "none" && type != expected[i])
            return error(QStringLiteral("refused to write"),
                         QStringLiteral("%1 is a %2, not a %3: another program uses the prefix "
                                        "%4 (give this store its own with ?prefix=); nothing was "
                                        "written")
                             .arg(toQString(key(which[i])), toQString(type),
                                  QLatin1String(expected[i]), toQString(options_.prefix)));
        ++i;
    }
    return success();
}

void RedisStore::close() {
    notifier_.reset();
    watchContext_.reset(); // on the store's thread, where it lives (StoreWorker closes there)
    subscriber_.close();
    conn_.close();
    open_ = false;
}

Result<RedisStore::Meta> RedisStore::readMeta(const RedisReply& reply) const {
    Meta m;
    if (reply.size() != 3)
        return error(QStringLiteral("cannot read the store's counters"), toQString(reply.text()));
    const auto read = [&](size_t i, auto& out) {
        const std::string_view t = RedisReply::textOf(reply.element(i));
        return t.empty() || toInt(t, out);
    };
    if (!read(0, m.live) || !read(1, m.maxTs) || !read(2, m.ownSeq))
        return error(QStringLiteral("corrupt counters"),
                     toQString(key(MetaKey)) +
                         QStringLiteral(" holds a field that is not a number"));
    return m;
}

Result<std::vector<LogRecord>> RedisStore::readOplog(int64_t after, size_t limit,
                                                     const BatchControl& control) {
    if (Status s = usable(QStringLiteral("cannot read the oplog")); !s)
        return s.error();
    std::vector<LogRecord> out;
    const Status s = forEachEntry(after == 0 ? std::string("-") : "(" + idOf(after), "+", limit,
                                  control, [&](LogRecord&& r) {
                                      out.push_back(std::move(r));
                                      if ((out.size() & 0xFFFF) == 0)
                                          control.progress(static_cast<qint64>(out.size()), -1);
                                  });
    if (!s)
        return s.error();
    return out;
}

// At most `limit` items (0: every one), a page at a time, so a long range never sits whole in
// one reply: fetch(want) reads the next page of at most `want` and says how many it got. Stops
// after a short page or at the limit; between pages, a cancel stops it.
Status RedisStore::paged(size_t limit, const BatchControl& control,
                         const std::function<Result<size_t>(size_t want)>& fetch) {
    constexpr size_t kPage = 10000;
    for (size_t taken = 0;;) {
        const size_t want = limit == 0 ? kPage : std::min(kPage, limit - taken);
        if (want == 0)
            return success();
        const Result<size_t> got = fetch(want);
        if (!got)
            return got.error();
        taken += got.value();
        if (got.value() < want)
            return success();
        if (control.isCanceled())
            return StoreError{options_.name, QStringLiteral("canceled"), true};
    }
}

// The stream from `from` to `to`, entry by entry.
Status RedisStore::forEachEntry(const std::string& from, const std::string& to, size_t limit,
                                const BatchControl& control,
                                const std::function<void(LogRecord&&)>& take) {
    std::string start = from;
    return paged(limit, control, [&](size_t want) -> Result<size_t> {
        QString why;
        RedisArgs a;
        a << "XRANGE" << key(Oplog) << start << to << "COUNT" << static_cast<long long>(want);
        const RedisReply page = conn_.command(a, why);
        if (!page)
            return lost(QStringLiteral("cannot read the oplog"), why);
        if (page.isError())
            return error(QStringLiteral("cannot read the oplog"), toQString(page.text()));
        for (size_t i = 0; i < page.size(); ++i) {
            LogRecord r;
            if (!entryFrom(page.element(i), r, why))
                return error(QStringLiteral("corrupt oplog"), why);
            start = "(" + idOf(r.position);
            take(std::move(r));
        }
        return page.size();
    });
}

// The key index after `after` (empty: from the first), a page of fields at a time: the grade
// table in key order without one huge reply.
Status RedisStore::forEachKeyPage(const std::string& after, size_t limit,
                                  const BatchControl& control,
                                  const std::function<Status(const RedisReply& fields)>& take) {
    std::string start = after.empty() ? std::string("-") : "(" + after;
    return paged(limit, control, [&](size_t want) -> Result<size_t> {
        QString why;
        RedisArgs a;
        a << "ZRANGEBYLEX" << key(Keys) << start << "+"
          << "LIMIT" << 0 << static_cast<long long>(want);
        const RedisReply fields = conn_.command(a, why);
        if (!fields)
            return lost(QStringLiteral("cannot read the key index"), why);
        if (fields.isError())
            return error(QStringLiteral("cannot read the key index"), toQString(fields.text()));
        if (fields.size() == 0)
            return size_t{0};
        if (Status s = take(fields); !s)
            return s.error();
        start = "(" + std::string(RedisReply::textOf(fields.element(fields.size() - 1)));
        return fields.size();
    });
}

Result<std::vector<GradeRecord>> RedisStore::readGrades(const GradeCursor& after, size_t limit,
                                                        const BatchControl& control) {
    if (Status s = usable(QStringLiteral("cannot read grades")); !s)
        return s.error();
    std::vector<GradeRecord> out;
    std::string from =
        after.atStart() ? std::string() : redis::field(after.studentId, after.courseId);
    size_t seen = 0; // index fields read in this pass, kept or left out
    const auto take = [&](const RedisReply& fields) -> Status {
        seen += fields.size();
        from = RedisReply::textOf(fields.element(fields.size() - 1));
        RedisArgs a;
        a << "HMGET" << key(Grades);
        for (size_t i = 0; i < fields.size(); ++i)
            a << RedisReply::textOf(fields.element(i));
        QString why;
        const RedisReply values = conn_.command(a, why);
        if (!values)
            return lost(QStringLiteral("cannot read grades"), why);
        if (values.size() != fields.size())
            return error(QStringLiteral("cannot read grades"), toQString(values.text()));
        for (size_t i = 0; i < fields.size(); ++i) {
            // A field another client deleted or overwrote, not yet captured, is left out
            // until the capture logs it (a moment later).
            if (auto row = redis::unpack(RedisReply::textOf(fields.element(i)),
                                         RedisReply::textOf(values.element(i))))
                out.push_back(std::move(*row));
        }
        return success();
    };
    // A page short of `limit` means the end to every caller (Store::readGrades), so a field
    // left out must not shorten it: read on after the last index field seen until the page
    // is full or the index has no more.
    for (;;) {
        const size_t want = limit == 0 ? 0 : limit - out.size();
        seen = 0;
        if (Status s = forEachKeyPage(from, want, control, take); !s)
            return s.error();
        if (limit == 0 || out.size() >= limit || seen < want)
            return out;
    }
}

Result<std::optional<GradeRecord>> RedisStore::readKey(const std::string& studentId,
                                                       const std::string& courseId) {
    if (Status s = usable(QStringLiteral("cannot read a key")); !s)
        return s.error();
    const std::string f = redis::field(studentId, courseId);
    RedisArgs a;
    a << "HGET" << key(Grades) << f;
    QString why;
    const RedisReply r = conn_.command(a, why);
    if (!r)
        return lost(QStringLiteral("cannot read a key"), why);
    if (r.isError())
        return error(QStringLiteral("cannot read a key"), toQString(r.text()));
    if (r.isNil())
        return std::optional<GradeRecord>();
    return redis::unpack(f, r.text());
}

Result<StoreCounts> RedisStore::counts() {
    if (Status s = usable(QStringLiteral("cannot count rows")); !s)
        return s.error();
    std::vector<RedisArgs> c(3);
    c[0] << "HGET" << key(MetaKey) << "live";
    c[1] << "XLEN" << key(Oplog);
    c[2] << "XREVRANGE" << key(Oplog) << "+"
         << "-"
         << "COUNT" << 1;
    auto got = pipeline(c);
    if (!got)
        return got.error();
    const std::vector<RedisReply>& r = got.value();
    StoreCounts counts;
    if (!r[0].isNil() && !toInt(r[0].text(), counts.liveKeys))
        return error(QStringLiteral("cannot count rows"), toQString(r[0].text()));
    counts.oplogEntries = r[1].integer();
    if (r[2].size() == 1 &&
        !positionOf(RedisReply::textOf(r[2].element(0)->element[0]), counts.lastPosition))
        return error(QStringLiteral("corrupt oplog"), QStringLiteral("an ID not 0-<position>"));
    return counts;
}

// The live-key count, from the rows themselves: a store opened for the first time, or one
// whose counter another program removed.
Status RedisStore::recountLive() {
    long long live = 0;
    Status s = scanGrades([&](std::string_view field, std::string_view value) {
        // An outside write not yet captured counts once the capture has logged it.
        const std::optional<GradeRecord> row = redis::unpack(field, value);
        if (row && !row->deleted)
            ++live;
    });
    if (!s)
        return s;
    RedisArgs a;
    a << "HSET" << key(MetaKey) << "live" << live;
    QString why;
    const RedisReply r = conn_.command(a, why);
    if (!r)
        return lost(QStringLiteral("cannot count rows"), why);
    return success();
}

// Every field of the grades hash with its value, HSCAN page by page.
Status RedisStore::scanGrades(const std::function<void(std::string_view, std::string_view)>& fn) {
    std::string cursor = "0";
    QString why;
    do {
        RedisArgs a;
        a << "HSCAN" << key(Grades) << cursor << "COUNT" << 2000;
        const RedisReply page = conn_.command(a, why);
        if (!page)
            return lost(QStringLiteral("cannot scan the grades"), why);
        if (page.size() != 2)
            return error(QStringLiteral("cannot scan the grades"), toQString(page.text()));
        cursor.assign(RedisReply::textOf(page.element(0)));
        const redisReply* items = page.element(1);
        for (size_t i = 0; i + 1 < items->elements; i += 2)
            fn(RedisReply::textOf(items->element[i]), RedisReply::textOf(items->element[i + 1]));
    } while (cursor != "0");
    return success();
}

} // namespace syncscope

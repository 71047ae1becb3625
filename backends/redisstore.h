#pragma once

#include "redisconnection.h"
#include "store.h"

#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

class QObject;
class QSocketNotifier;

namespace syncscope {

// A store in Redis through hiredis (docs/script-language.md's redis:// URI), laid out under one key
// prefix:
//   <prefix>:grades  hash: field "student,course" -> packed row (redispacking.h), tombstones too
//   <prefix>:keys    sorted set of the same fields, all score 0: the key order for paging
//   <prefix>:oplog   stream: one entry per oplog record, IDs 0-1, 0-2, … (the position)
//   <prefix>:meta    hash: store (owner), live (live-key count), maxts (greatest ts logged),
//                    ownseq (greatest seq of the store's own writes), batch (last batch's token)
//   <prefix>:ownseqs hash: seq -> the own write that holds it (refuses a second writer's reuse)
// A batch is read under WATCH (the rows it meets), decided here, and written in one MULTI/EXEC
// with its oplog entries, so data and log commit together or not at all, and a concurrent
// writer makes EXEC fail and the batch start again. Every argument goes through hiredis's
// argument vectors: no value is ever spliced into a command.
class RedisStore : public Store {
public:
    struct Options {
        QString name;     // canonical store name
        QString location; // URI without credentials, for display
        RedisConnection::Endpoint endpoint;
        std::string prefix; // key prefix; default "syncscope:<name>"
    };

    explicit RedisStore(Options options);
    ~RedisStore() override;

    StoreDescription description() const override;
    StoreCapabilities capabilities() const override { return {true, true}; }
    void setPassword(const QString& password) override {
        options_.endpoint.password = password.toStdString();
    }
    Status open() override;
    void close() override;
    Status append(std::span<const LogRecord> records, const BatchControl& control) override;
    Result<std::vector<LogRecord>> readOplog(int64_t after, size_t limit,
                                             const BatchControl& control) override;
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor& after, size_t limit,
                                                const BatchControl& control) override;
    Result<std::optional<GradeRecord>> readKey(const std::string& studentId,
                                               const std::string& courseId) override;
    Result<StoreCounts> counts() override;
    void setReadOnly() override { readOnly_ = true; }
    Result<std::vector<UnaccountedRow>> unaccountedRows(const BatchControl& control) override;
    Status rollbackTo(int64_t position) override;
    // Measured (bench_redis_apply, 1M writes): 2,000 and 5,000 apply alike, 10,000 is 4% and
    // 20,000 8% slower; the smaller batch also answers a cancel sooner.
    size_t batchSize() const override { return 5000; }
    Result<bool> watchChanges(std::function<void()> changed,
                              std::function<void(const QString&)> problem) override;

private:
    struct Meta {
        long long live = 0;
        int64_t maxTs = 0;
        uint64_t ownSeq = 0;
    };
    // What one attempt at a batch decided, before it is sent.
    enum class Attempt { Written, Retry, CaptureFirst, ServerLoading };

    StoreError error(const QString& what, const QString& detail) const;
    StoreError lost(const QString& what, const QString& why) const;
    Status connectAndClaim();
    Status reconnect(); // close, open, and watch again where it watched
    Status usable(const QString& what);
    Status checkTypes(std::initializer_list<std::string_view> types);
    // Whether the server answered "LOADING": started again, it reads its data back from disk
    // and refuses every command until it is done. Not a problem of the store: wait for it.
    static bool serverLoading(const std::vector<RedisReply>& replies);
    static constexpr int kLoadingWaitMs = 60000; // how long open() waits for a loading server
    // One attempt at a batch, in three steps (redisappend.cpp): read what it meets under
    // WATCH, decide each write against its row, send it all in one MULTI/EXEC.
    struct BatchPlan;
    Result<Attempt> tryBatch(std::span<const LogRecord> batch, const std::string& token);
    std::optional<Result<Attempt>> readBeforeWriting(BatchPlan& plan);
    void decide(std::span<const LogRecord> batch, BatchPlan& plan) const;
    Result<Attempt> sendBatch(std::span<const LogRecord> batch, const std::string& token,
                              BatchPlan& plan);
    Status appendWithRetry(std::span<const LogRecord> batch, const BatchControl& control);
    Result<bool> batchCommitted(const std::string& token);
    // Runs a MULTI/EXEC: true when it committed, false when a watched key changed (nothing
    // ran: read again and retry), else the error, named `what`.
    Result<bool> commit(RedisTransaction& tx, const QString& what);
    Result<std::vector<RedisReply>> pipeline(const std::vector<RedisArgs>& commands);
    Result<Meta> readMeta(const RedisReply& reply) const;
    Status paged(size_t limit, const BatchControl& control,
                 const std::function<Result<size_t>(size_t want)>& fetch);
    Status forEachEntry(const std::string& from, const std::string& to, size_t limit,
                        const BatchControl& control, const std::function<void(LogRecord&&)>& take);
    Status forEachKeyPage(const std::string& after, size_t limit, const BatchControl& control,
                          const std::function<Status(const RedisReply& fields)>& take);
    Status scanGrades(const std::function<void(std::string_view, std::string_view)>& fn);
    Status recountLive();
    Result<bool> rollbackOnce(int64_t position);

    // Outside writes (redisoutsidewrites.cpp).
    Status captureOutsideWrites();
    Result<bool> captureOnce();
    // Whether a field and value another client wrote make a valid SET (in `write`); an invalid
    // one is reported once through the watcher's problem callback.
    bool capturableOutsideWrite(std::string_view field, std::string_view value, LogRecord& write);
    // Why a field's value is not a row Syncscope can take (the field's key, the value's data).
    static std::string outsideWriteProblem(std::string_view field, std::string_view value);
    void onNotification();
    void resubscribe();
    Result<bool> subscribe();
    void countOwnEvents(int events);

    const std::string& key(int which) const { return keys_[which]; }
    enum { Grades, Keys, Oplog, MetaKey, OwnSeqs };

    Options options_;
    std::string self_; // the store's name as an origin
    std::string keys_[5];
    bool readOnly_ = false; // verify: outside writes are named (unaccountedRows), not logged
    RedisConnection conn_;
    bool open_ = false;
    bool everOpened_ = false; // open() succeeded once: a broken connection is made again

    RedisConnection subscriber_;
    std::unique_ptr<QObject> watchContext_; // lives on the store's thread: timers, notifier
    std::unique_ptr<QSocketNotifier> notifier_;
    std::function<void()> changed_;
    std::function<void(const QString&)> problem_;
    long long ownEvents_ = 0; // keyspace events our own writes caused and the subscriber owes
    std::unordered_map<std::string, bool> reported_; // outside writes already reported invalid
};

} // namespace syncscope

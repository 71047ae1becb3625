#pragma once

#include "store.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThread>

#include <memory>

namespace syncscope {

// Owns one Store, one thread and so one connection (Qt Sql connections belong to the thread
// that made them). Every call is queued to that thread and answered through a QFuture whose
// result is a Result: failures come back as values, never as exceptions across threads.
// Long calls report progress on the future and stop between batches when it is canceled.
class StoreWorker : public QObject {
    Q_OBJECT
public:
    explicit StoreWorker(std::unique_ptr<Store> store, QObject* parent = nullptr);
    ~StoreWorker() override; // closes the store on its thread, then ends the thread

    StoreDescription description() const { return description_; }
    StoreCapabilities capabilities() const { return capabilities_; }

    QFuture<Status> open();
    // Gives the store `password` (Store::setPassword) on its thread, then opens it.
    QFuture<Status> open(const QString& password);
    QFuture<Status> append(std::vector<LogRecord> records);
    // Records handed over in the pieces they were produced in, joined on the store's thread.
    QFuture<Status> append(std::vector<std::vector<LogRecord>> pieces);
    // As above, written only once every batch in `after` (other stores' appends) succeeded:
    // origin first (docs/crash-safety.md). The wait is on this store's thread. When one failed
    // nothing is written, and the answer names it (StoreError::upstream).
    QFuture<Status> append(std::vector<std::vector<LogRecord>> pieces,
                           std::vector<QFuture<Status>> after);
    QFuture<Result<std::vector<LogRecord>>> readOplog(int64_t after = 0, size_t limit = 0);
    QFuture<Result<std::vector<GradeRecord>>> readGrades(GradeCursor after = {}, size_t limit = 0);
    QFuture<Result<std::optional<GradeRecord>>> readKey(std::string studentId,
                                                        std::string courseId);
    QFuture<Result<StoreCounts>> counts();
    QFuture<Result<RangeChecksums>> rangeChecksums(uint32_t ranges);
    QFuture<Result<std::vector<UnaccountedRow>>> unaccountedRows();
    QFuture<Result<RangeRows>> readRanges(uint32_t ranges, std::vector<uint32_t> which);
    QFuture<Status> rollbackTo(int64_t position);
    // Store::mergeInside: the merge of `source` run by the store's own engine. `stop` says when
    // the caller wants it stopped (the future's cancel would drop its answer, which says
    // whether the statement landed before the stop).
    QFuture<Result<std::optional<int64_t>>> mergeInside(StoreDescription source,
                                                        std::function<bool()> stop);
    // Subscribes to the store's change notifications (Store::watchChanges); the future says
    // whether it has any. changesNoticed() then follows each notification.
    QFuture<Result<bool>> watchChanges();
    // Store::captureProgress: where the capture from the server's log stands.
    QFuture<Result<std::optional<CaptureProgress>>> captureProgress();

Q_SIGNALS:
    // Another client's write may have reached the store's oplog: read its tail.
    void changesNoticed();
    // A call in progress has news for the user (BatchControl::notice), e.g. a lost connection
    // being retried.
    void notice(const QString& message);

private:
    template <class T, class Fn>
    QFuture<T> post(Fn fn);

    StoreDescription description_;
    StoreCapabilities capabilities_;
    std::unique_ptr<Store> store_;
    QThread thread_;
    QObject* context_ = nullptr; // lives in thread_: queued calls run there
};

} // namespace syncscope

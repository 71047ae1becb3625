#include "storeworker.h"

#include "pieces.h"

#include <QMetaObject>

#include <climits>

#include <exception>

namespace syncscope {

StoreWorker::StoreWorker(std::unique_ptr<Store> store, QObject* parent)
    : QObject(parent)
    , description_(store->description())
    , capabilities_(store->capabilities())
    , store_(std::move(store)) {
    thread_.setObjectName(QStringLiteral("store-") + description_.name);
    context_ = new QObject;
    context_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, context_, &QObject::deleteLater);
    thread_.start();
}

StoreWorker::~StoreWorker() {
    Store* store = store_.get();
    QMetaObject::invokeMethod(
        context_, [store] { store->close(); }, Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
}

template <class T, class Fn>
QFuture<T> StoreWorker::post(Fn fn) {
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(
        context_,
        [this, promise, fn = std::move(fn)]() mutable {
            BatchControl control;
            control.isCanceled = [p = promise.get()] { return p->isCanceled(); };
            control.progress = [p = promise.get()](qint64 done, qint64 total) {
                if (total > 0)
                    p->setProgressRange(0, static_cast<int>(std::min<qint64>(total, INT_MAX)));
                p->setProgressValue(static_cast<int>(std::min<qint64>(done, INT_MAX)));
            };
            control.notice = [this](const QString& message) { Q_EMIT notice(message); };
            try {
                promise->addResult(fn(*store_, control));
            } catch (const std::exception& e) {
                promise->addResult(T(StoreError{description_.name, QString::fromUtf8(e.what())}));
            } catch (...) {
                promise->addResult(
                    T(StoreError{description_.name, QStringLiteral("unknown failure")}));
            }
            promise->finish();
        },
        Qt::QueuedConnection);
    return future;
}

QFuture<Status> StoreWorker::open() {
    return post<Status>([](Store& s, const BatchControl&) { return s.open(); });
}

QFuture<Status> StoreWorker::open(const QString& password) {
    return post<Status>([password](Store& s, const BatchControl&) {
        s.setPassword(password);
        return s.open();
    });
}

QFuture<Status> StoreWorker::append(std::vector<LogRecord> records) {
    return post<Status>([records = std::move(records)](Store& s, const BatchControl& c) {
        return s.append(records, c);
    });
}

QFuture<Status> StoreWorker::append(std::vector<std::vector<LogRecord>> pieces) {
    return post<Status>([pieces = std::move(pieces)](Store& s, const BatchControl& c) mutable {
        return s.append(joined(std::move(pieces)), c);
    });
}

QFuture<Status> StoreWorker::append(std::vector<std::vector<LogRecord>> pieces,
                                    std::vector<QFuture<Status>> after) {
    if (after.empty())
        return append(std::move(pieces));
    return post<Status>([this, pieces = std::move(pieces), after = std::move(after)](
                            Store& s, const BatchControl& c) mutable -> Status {
        for (QFuture<Status>& before : after) {
            // Each of these was handed to its own worker before this batch was handed here, so
            // the wait always ends (OriginFirst).
            before.waitForFinished();
            const Status done =
                before.resultCount() > 0
                    ? before.result()
                    : Status(StoreError{QString(), QStringLiteral("canceled"), true});
            if (done)
                continue;
            StoreError e{description_.name,
                         QStringLiteral("the batch was not written: it copies writes of a store "
                                        "whose own batch failed first (%1)")
                             .arg(done.error().toString())};
            e.conflict = done.error().conflict;
            e.canceled = done.error().canceled;
            e.upstream = true;
            return e;
        }
        return s.append(joined(std::move(pieces)), c);
    });
}

QFuture<Result<std::vector<LogRecord>>> StoreWorker::readOplog(int64_t after, size_t limit) {
    return post<Result<std::vector<LogRecord>>>(
        [after, limit](Store& s, const BatchControl& c) { return s.readOplog(after, limit, c); });
}

QFuture<Result<std::vector<GradeRecord>>> StoreWorker::readGrades(GradeCursor after, size_t limit) {
    return post<Result<std::vector<GradeRecord>>>(
        [after = std::move(after), limit](Store& s, const BatchControl& c) {
            return s.readGrades(after, limit, c);
        });
}

QFuture<Result<std::optional<GradeRecord>>> StoreWorker::readKey(std::string studentId,
                                                                 std::string courseId) {
    return post<Result<std::optional<GradeRecord>>>(
        [sid = std::move(studentId), cid = std::move(courseId)](Store& s, const BatchControl&) {
            return s.readKey(sid, cid);
        });
}

QFuture<Status> StoreWorker::rollbackTo(int64_t position) {
    return post<Status>(
        [position](Store& s, const BatchControl&) { return s.rollbackTo(position); });
}

QFuture<Result<std::optional<int64_t>>> StoreWorker::mergeInside(StoreDescription source,
                                                                 std::function<bool()> stop) {
    return post<Result<std::optional<int64_t>>>(
        [source = std::move(source), stop = std::move(stop)](Store& s, const BatchControl& given) {
            BatchControl control = given;
            control.isCanceled = [given, stop] { return given.isCanceled() || stop(); };
            return s.mergeInside(source, control);
        });
}

QFuture<Result<StoreCounts>> StoreWorker::counts() {
    return post<Result<StoreCounts>>([](Store& s, const BatchControl&) { return s.counts(); });
}

QFuture<Result<std::vector<UnaccountedRow>>> StoreWorker::unaccountedRows() {
    return post<Result<std::vector<UnaccountedRow>>>(
        [](Store& s, const BatchControl& c) { return s.unaccountedRows(c); });
}

QFuture<Result<RangeChecksums>> StoreWorker::rangeChecksums(uint32_t ranges) {
    return post<Result<RangeChecksums>>(
        [ranges](Store& s, const BatchControl& c) { return s.rangeChecksums(ranges, c); });
}

QFuture<Result<RangeRows>> StoreWorker::readRanges(uint32_t ranges, std::vector<uint32_t> which) {
    return post<Result<RangeRows>>(
        [ranges, which = std::move(which)](Store& s, const BatchControl& c) {
            return s.readRanges(ranges, which, c);
        });
}

QFuture<Result<bool>> StoreWorker::watchChanges() {
    return post<Result<bool>>([this](Store& s, const BatchControl&) {
        // Emitted on the store's thread; receivers on other threads get them queued.
        Result<bool> watching = s.watchChanges([this] { Q_EMIT changesNoticed(); },
                                               [this](const QString& m) { Q_EMIT notice(m); });
        if (!watching)
            Q_EMIT notice(watching.error().toString());
        return watching;
    });
}

QFuture<Result<std::optional<CaptureProgress>>> StoreWorker::captureProgress() {
    return post<Result<std::optional<CaptureProgress>>>(
        [](Store& s, const BatchControl&) { return s.captureProgress(); });
}

} // namespace syncscope

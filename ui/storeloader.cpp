#include "storeloader.h"

#include "gradetablemodel.h"
#include "oplogmodel.h"
#include "storeworker.h"
#include "whenfinished.h"

#include <QThreadPool>
#include <QtConcurrent>

namespace syncscope {

StoreLoader::StoreLoader(StoreWorker* worker, GradeTableModel* grades, OplogModel* oplog,
                         QObject* parent)
    : QObject(parent)
    , worker_(worker)
    , grades_(grades)
    , oplog_(oplog) {
    connect(oplog_, &OplogModel::fetchRequested, this, &StoreLoader::fetchOplog);
    // The table's bigger row storage is made on a pool thread, so the UI thread only copies
    // the rows into it; the storage it gives up is freed on a pool thread too.
    connect(grades_, &GradeTableModel::roomWanted, this, [this](qint64 rows) {
        whenFinished(QtConcurrent::run([rows] { return GradeTableModel::makeRoom(rows); }), this,
                     [this](std::vector<GradeRow> room) {
                         std::vector<GradeRow> old = grades_->adoptRoom(std::move(room));
                         QThreadPool::globalInstance()->start([old = std::move(old)]() mutable {
                             std::vector<GradeRow>().swap(old);
                         });
                     });
    });
}

void StoreLoader::reload() {
    // Reads start with the first reload, when the store is open: a view asking before then
    // (a panel shown while its store connects) would be told "the store is not open". The
    // reset drops such a request, and the view asks again.
    loaded_ = true;
    oplog_->reset(); // the view asks for the first page itself (fetch-more)
    whenFinished(worker_->counts(), this, [this](const Result<StoreCounts>& counts) {
        if (!counts) {
            Q_EMIT failed(counts.error().toString());
            return;
        }
        Q_EMIT countsKnown(counts.value());
        requestGradePage(grades_->beginLoad(counts.value().liveKeys), {});
    });
}

void StoreLoader::refreshTail() {
    oplog_->requestTail();
}

void StoreLoader::requestGradePage(quint64 generation, GradeCursor after) {
    whenFinished(worker_->readGrades(std::move(after), kGradePage), this,
                 [this, generation](QFuture<Result<std::vector<GradeRecord>>> future) {
                     if (generation != grades_->generation())
                         return; // a newer load took over
                     // Taken out of the future, not copied: a page is 20,000 records.
                     const Result<std::vector<GradeRecord>> page = future.takeResult();
                     if (!page) {
                         grades_->endLoad(generation);
                         Q_EMIT failed(page.error().toString());
                         return;
                     }
                     const bool first = grades_->loadedRows() == 0;
                     grades_->appendPage(generation, page.value());
                     if (first)
                         Q_EMIT firstPageShown();
                     if (page.value().size() < kGradePage) {
                         grades_->endLoad(generation);
                         Q_EMIT gradesLoaded(grades_->rowCount());
                         return;
                     }
                     const GradeRecord& last = page.value().back();
                     requestGradePage(generation, {last.studentId, last.courseId});
                 });
}

void StoreLoader::fetchOplog(quint64 generation, qint64 after) {
    if (!loaded_)
        return; // before the store is open: reload() resets the model, and it asks again
    whenFinished(worker_->readOplog(after, OplogModel::kPageSize), this,
                 [this, generation](const Result<std::vector<LogRecord>>& page) {
                     if (!page) {
                         oplog_->appendPage(generation, {}, false);
                         Q_EMIT failed(page.error().toString());
                         return;
                     }
                     oplog_->appendPage(generation, page.value(),
                                        page.value().size() == OplogModel::kPageSize);
                 });
}

} // namespace syncscope

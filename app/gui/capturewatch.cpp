#include "capturewatch.h"

#include "storeworker.h"
#include "whenfinished.h"

namespace syncscope {

CaptureWatch::CaptureWatch(std::function<std::vector<StoreWorker*>()> workers, QObject* parent)
    : QObject(parent)
    , workers_(std::move(workers)) {
    timer_.setInterval(1000);
    connect(&timer_, &QTimer::timeout, this, &CaptureWatch::ask);
}

void CaptureWatch::start() {
    timer_.start();
    ask();
}

void CaptureWatch::ask() {
    const std::vector<StoreWorker*> workers = workers_();
    asking_.resize(workers.size(), 0);
    for (size_t i = 0; i < workers.size(); ++i) {
        StoreWorker* w = workers[i];
        if (!w || asking_[i] || !w->description().capturesFromLog())
            continue;
        asking_[i] = 1;
        const int store = static_cast<int>(i);
        whenFinished(w->captureProgress(), this,
                     [this, store](const Result<std::optional<CaptureProgress>>& progress) {
                         asking_[static_cast<size_t>(store)] = 0;
                         if (progress && progress.value())
                             Q_EMIT progressed(store, *progress.value());
                     });
    }
}

} // namespace syncscope

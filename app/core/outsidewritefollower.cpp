#include "outsidewritefollower.h"

#include "commandsession.h"
#include "storeworker.h"
#include "whenfinished.h"

namespace syncscope {

OutsideWriteFollower::OutsideWriteFollower(CommandSession* session,
                                           std::vector<StoreWorker*> workers, QObject* parent)
    : QObject(parent)
    , session_(session)
    , workers_(std::move(workers))
    , follows_(workers_.size()) {
    for (size_t s = 0; s < workers_.size(); ++s) {
        StoreWorker* w = workers_[s];
        if (!w || !w->capabilities().capturesOutsideWrites)
            continue;
        follows_[s].captures = true;
        connect(w, &StoreWorker::changesNoticed, this, [this, s] { read(s); });
    }
    timer_.setInterval(kPollMs);
    connect(&timer_, &QTimer::timeout, this, &OutsideWriteFollower::tick);
    connect(session_, &CommandSession::ready, this, &OutsideWriteFollower::restart);
    connect(session_, &CommandSession::storeAvailable, this, [this](int store) {
        const auto s = static_cast<size_t>(store);
        const std::vector<int64_t> ends = session_->loadedLogEnds();
        follows_[s].reading = follows_[s].again = false;
        follows_[s].position = s < ends.size() ? ends[s] : 0;
        subscribe(s);
    });
}

// Once per store, when it is open: the session read its log, so the store answers.
void OutsideWriteFollower::subscribe(size_t store) {
    Follow& f = follows_[store];
    if (!f.captures || f.subscribed || session_->isUnavailable(static_cast<int>(store)))
        return;
    f.subscribed = true;
    whenFinished(workers_[store]->watchChanges(), this, [this, store](const Result<bool>& push) {
        follows_[store].pushes = push && push.value();
    });
}

void OutsideWriteFollower::restart() {
    ++generation_;
    const std::vector<int64_t> ends = session_->loadedLogEnds();
    bool any = false;
    for (size_t s = 0; s < follows_.size(); ++s) {
        Follow& f = follows_[s];
        subscribe(s);
        f.reading = f.again = false;
        f.position = s < ends.size() ? ends[s] : 0;
        any = any || f.captures;
    }
    if (any)
        timer_.start();
}

void OutsideWriteFollower::tick() {
    ++ticks_;
    for (size_t s = 0; s < follows_.size(); ++s)
        if (follows_[s].captures && (!follows_[s].pushes || ticks_ % kPushedPollEvery == 0))
            read(s);
}

void OutsideWriteFollower::read(size_t store) {
    Follow& f = follows_[store];
    if (!session_->isReady())
        return; // the load under way reads the whole log; restart() follows it
    if (session_->isUnavailable(static_cast<int>(store)))
        return; // nothing to read until it is back (storeAvailable)
    if (f.reading) {
        f.again = true;
        return;
    }
    f.reading = true;
    const quint64 generation = generation_;
    whenFinished(workers_[store]->readOplog(f.position, kTailPage), this,
                 [this, store, generation](QFuture<Result<std::vector<LogRecord>>> future) {
                     if (generation != generation_)
                         return;
                     Follow& done = follows_[store];
                     done.reading = false;
                     Result<std::vector<LogRecord>> tail = future.takeResult();
                     if (!tail)
                         return; // the next tick tries again; the failure shows where writes do
                     const bool full = tail.value().size() == kTailPage;
                     if (!tail.value().empty()) {
                         done.position = tail.value().back().position;
                         session_->ingestTail(static_cast<int>(store), std::move(tail.value()));
                     }
                     if (full || done.again) {
                         done.again = false;
                         read(store);
                     }
                 });
}

} // namespace syncscope

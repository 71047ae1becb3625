#include "replicator.h"

#include "storeworker.h"
#include "whenfinished.h"

#include <QDateTime>

#include <algorithm>

namespace syncscope {

namespace {
constexpr size_t kTailPage = 50000; // target oplog entries per read of its tail
} // namespace

Replicator::Replicator(StoreWorker* source, std::vector<StoreWorker*> targets,
                       std::vector<int64_t> positions, bool openTargets, QObject* parent)
    : QObject(parent)
    , source_(source)
    , targets_(targets.size()) {
    for (size_t t = 0; t < targets_.size(); ++t) {
        Target& tg = targets_[t];
        tg.worker = targets[t];
        tg.progress.position = t < positions.size() ? positions[t] : 0;
        tg.step = openTargets ? Step::Open : Step::Read;
        tg.timer = std::make_unique<QTimer>();
        tg.timer->setSingleShot(true);
        connect(tg.timer.get(), &QTimer::timeout, this, [this, t] { next(t); });
        // A store riding out a lost connection says so while its call waits.
        connect(tg.worker, &StoreWorker::notice, this, &Replicator::notice);
    }
    connect(source_, &StoreWorker::notice, this, &Replicator::notice);
    // A source that pushes notifications (PostgreSQL) wakes the targets waiting for news.
    connect(source_, &StoreWorker::changesNoticed, this, [this] {
        for (size_t t = 0; t < targets_.size(); ++t)
            if (!targets_[t].busy && targets_[t].progress.caughtUp &&
                targets_[t].timer->isActive() && targets_[t].failures == 0) {
                targets_[t].timer->stop();
                next(t);
            }
    });
}

Replicator::~Replicator() = default;

QString Replicator::targetName(size_t target) const {
    return targets_[target].worker->description().name;
}

std::vector<int64_t> Replicator::positions() const {
    std::vector<int64_t> out;
    for (const Target& t : targets_)
        out.push_back(t.progress.position);
    return out;
}

bool Replicator::allCaughtUp() const {
    return std::all_of(targets_.begin(), targets_.end(), [](const Target& t) {
        return t.progress.caughtUp && t.failures == 0 &&
               !(t.retryPending && !t.deadLetters.empty());
    });
}

int Replicator::busyTargets() const {
    return static_cast<int>(
        std::count_if(targets_.begin(), targets_.end(), [](const Target& t) { return t.busy; }));
}

void Replicator::start() {
    if (started_)
        return;
    started_ = true;
    for (size_t t = 0; t < targets_.size(); ++t)
        next(t);
}

void Replicator::setPaused(bool paused) {
    for (size_t t = 0; t < targets_.size(); ++t)
        setPaused(t, paused);
}

void Replicator::setPaused(size_t t, bool paused) {
    Target& tg = targets_[t];
    if (tg.paused == paused)
        return;
    tg.paused = paused;
    if (paused) {
        // A call out finishes (its batch lands whole); nothing new starts.
        tg.timer->stop();
        if (!tg.busy) {
            setState(t, FollowProgress::State::Paused);
            announceIfSettled();
        }
    } else if (started_ && !tg.busy && !stopping_) {
        next(t);
    }
}

void Replicator::stop() {
    if (stopping_)
        return;
    stopping_ = true;
    for (size_t t = 0; t < targets_.size(); ++t) {
        targets_[t].timer->stop();
        if (!targets_[t].busy)
            setState(t, FollowProgress::State::Stopped);
    }
    if (busyTargets() == 0) {
        stopAnnounced_ = true;
        QTimer::singleShot(0, this, &Replicator::stopped);
    }
}

void Replicator::setState(size_t t, FollowProgress::State state) {
    targets_[t].progress.state = state;
    Q_EMIT progressChanged(static_cast<int>(t));
}

void Replicator::settle(size_t t) {
    targets_[t].busy = false;
    if (stopping_) {
        setState(t, FollowProgress::State::Stopped);
        if (busyTargets() == 0 && !stopAnnounced_) {
            stopAnnounced_ = true;
            Q_EMIT stopped();
        }
        return;
    }
    if (targets_[t].paused) {
        setState(t, FollowProgress::State::Paused);
        announceIfSettled();
    }
}

void Replicator::announceIfSettled() {
    if (std::all_of(targets_.begin(), targets_.end(),
                    [](const Target& t) { return t.paused && !t.busy; }))
        Q_EMIT pausedAndSettled();
}

void Replicator::next(size_t t) {
    Target& tg = targets_[t];
    if (stopping_ || tg.busy)
        return;
    if (tg.paused) {
        setState(t, FollowProgress::State::Paused);
        return;
    }
    if (tg.step == Step::Open)
        openTarget(t);
    else if (tg.retryPending && !tg.deadLetters.empty())
        offerDeadLetters(t);
    else
        readSource(t);
}

void Replicator::later(size_t t, int ms) {
    settle(t);
    if (!stopping_ && !targets_[t].paused)
        targets_[t].timer->start(ms);
}

// After a read that filled a page there is more: read again at once; else wait a little.
// later() settles the call itself, so settle() runs once either way.
void Replicator::carryOn(size_t t, bool full) {
    if (full) {
        settle(t);
        next(t);
    } else {
        later(t, kIdlePollMs);
    }
}

void Replicator::failed(size_t t, const QString& problem, Step retry) {
    Target& tg = targets_[t];
    const int delay =
        kBackoffMs[std::min<size_t>(static_cast<size_t>(tg.failures), std::size(kBackoffMs) - 1)];
    ++tg.failures;
    tg.step = retry;
    tg.progress.problem = problem;
    tg.progress.retryInMs = delay;
    tg.progress.caughtUp = false;
    tg.progress.state = FollowProgress::State::Retrying;
    Q_EMIT notice(QStringLiteral("follow %1: %2 (trying again in %3 ms)")
                      .arg(targetName(t), problem)
                      .arg(delay));
    Q_EMIT progressChanged(static_cast<int>(t));
    later(t, delay);
}

void Replicator::openTarget(size_t t) {
    Target& tg = targets_[t];
    tg.busy = true;
    whenFinished(tg.worker->open(), this, [this, t](const Status& opened) {
        if (!opened)
            return failed(t, opened.error().toString(), Step::Open);
        targets_[t].step = Step::Read;
        settle(t);
        next(t);
    });
}

void Replicator::readSource(size_t t) {
    Target& tg = targets_[t];
    tg.busy = true;
    whenFinished(
        source_->readOplog(tg.progress.position, kPage), this,
        [this, t](QFuture<Result<std::vector<LogRecord>>> future) {
            Result<std::vector<LogRecord>> read = future.takeResult();
            if (!read)
                return failed(t, read.error().toString(), Step::Read);
            auto page = std::make_shared<std::vector<LogRecord>>(std::move(read.value()));
            const bool full = page->size() == kPage;
            const bool anyWrite = std::any_of(page->begin(), page->end(),
                                              [](const LogRecord& r) { return r.isWrite(); });
            if (anyWrite)
                return readTail(t, std::move(page), full);
            // Nothing to hand on (no entries, or only GETs): move past them.
            Target& done = targets_[t];
            if (!page->empty())
                done.progress.position = page->back().position;
            done.progress.caughtUp = !full;
            if (done.failures > 0 || done.progress.state != FollowProgress::State::Following) {
                done.failures = 0;
                done.progress.problem.clear();
                setState(t, FollowProgress::State::Following);
            }
            carryOn(t, full);
        });
}

void Replicator::readTail(size_t t, std::shared_ptr<std::vector<LogRecord>> page, bool full,
                          Page kind) {
    Target& tg = targets_[t];
    whenFinished(tg.worker->readOplog(tg.targetSeen, kTailPage), this,
                 [this, t, page = std::move(page), full,
                  kind](QFuture<Result<std::vector<LogRecord>>> future) {
                     Result<std::vector<LogRecord>> tail = future.takeResult();
                     if (!tail) {
                         if (kind == Page::Retry)
                             targets_[t].retryPending = true;
                         return failed(t, tail.error().toString(), Step::Read);
                     }
                     Target& read = targets_[t];
                     for (const LogRecord& r : tail.value())
                         read.held.insert(r);
                     if (!tail.value().empty())
                         read.targetSeen = tail.value().back().position;
                     if (stopping_)
                         return settle(t);
                     if (tail.value().size() == kTailPage)
                         return readTail(t, page, full,
                                         kind); // more of it (a first read of a large log)
                     append(t, page, full, kind);
                 });
}

void Replicator::append(size_t t, std::shared_ptr<std::vector<LogRecord>> page, bool full,
                        Page kind) {
    Target& tg = targets_[t];
    std::vector<LogRecord> share;
    share.reserve(page->size());
    qint64 held = 0;
    for (const LogRecord& r : *page) {
        if (!r.isWrite())
            continue;
        switch (tg.held.find(r)) {
        case WriteIdentities::Held::Same:
            ++held;
            break;
        case WriteIdentities::Held::Other:
            // The target holds this identity for another write (docs/crash-safety.md: a
            // corruption). It is named and set aside, never taken for the same write and never let
            // through.
            ++held;
            Q_EMIT notice(QStringLiteral("%1: holds the identity of %2 for another write; this "
                                         "write was set aside (verify names both)")
                              .arg(targetName(t), QString::fromStdString(describeWrite(r))));
            break;
        case WriteIdentities::Held::No:
            share.push_back(r);
            break;
        }
    }
    // What the target would refuse whole, with the good writes beside it, is kept aside: the
    // rest of the batch goes on.
    std::vector<DeadLetter> refused;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::erase_if(share, [&](const LogRecord& r) {
        std::string problem = recordProblem(r);
        if (problem.empty())
            return false;
        refused.push_back({r, QString::fromStdString(problem), now});
        return true;
    });
    if (kind == Page::Source)
        for (DeadLetter& d : refused)
            keepDeadLetter(t, std::move(d));
    if (share.empty())
        return advance(t, *page, held, full, kind, std::move(refused));
    auto sent = std::make_shared<std::vector<LogRecord>>(share);
    whenFinished(tg.worker->append(std::move(share)), this,
                 [this, t, page, sent, held, full, kind,
                  refused = std::move(refused)](const Status& appended) mutable {
                     if (!appended) {
                         if (kind == Page::Retry)
                             targets_[t].retryPending = true; // the letters stay; try again
                         return failed(t, appended.error().toString(), Step::Read);
                     }
                     const qint64 at = QDateTime::currentMSecsSinceEpoch();
                     Target& done = targets_[t];
                     std::vector<int64_t> lags;
                     lags.reserve(sent->size());
                     for (const LogRecord& r : *sent) {
                         done.held.insert(r);
                         lags.push_back(std::max<int64_t>(0, at - r.wallMs));
                     }
                     done.progress.applied += static_cast<qint64>(sent->size());
                     done.failures = 0;
                     done.progress.problem.clear();
                     done.progress.state = FollowProgress::State::Following;
                     Q_EMIT delivered(static_cast<int>(t), static_cast<qint64>(sent->size()), lags);
                     Q_EMIT applied(static_cast<int>(t), sent);
                     advance(t, *page, held, full, kind, std::move(refused));
                 });
}

// A write set aside once stays listed once, however often its page is read again (a failed
// append of the rest of the batch reads the page again).
void Replicator::keepDeadLetter(size_t t, DeadLetter letter) {
    Target& tg = targets_[t];
    const LogRecord& w = letter.write;
    for (const DeadLetter& kept : tg.deadLetters)
        if (kept.write.position == w.position && kept.write.seq == w.seq &&
            kept.write.origin == w.origin)
            return;
    tg.deadLetters.push_back(std::move(letter));
    tg.progress.setAside = static_cast<qint64>(tg.deadLetters.size());
    Q_EMIT setAside(static_cast<int>(t), tg.deadLetters.back());
}

void Replicator::advance(size_t t, const std::vector<LogRecord>& page, qint64 held, bool full,
                         Page kind, std::vector<DeadLetter> refused) {
    Target& tg = targets_[t];
    tg.progress.alreadyHeld += held;
    if (kind == Page::Retry) {
        // One call out per target: the list is as it was when the retry began, so what is
        // still refused is the whole list now.
        const qint64 offered = static_cast<qint64>(tg.deadLetters.size());
        tg.deadLetters = std::move(refused);
        tg.progress.setAside = static_cast<qint64>(tg.deadLetters.size());
        Q_EMIT deadLettersRetried(static_cast<int>(t), offered - tg.progress.setAside);
        Q_EMIT progressChanged(static_cast<int>(t));
        settle(t);
        return next(t);
    }
    tg.progress.position = page.back().position;
    tg.progress.caughtUp = !full;
    Q_EMIT progressChanged(static_cast<int>(t));
    carryOn(t, full);
}

void Replicator::setDeadLetters(size_t t, std::vector<DeadLetter> letters) {
    targets_[t].deadLetters = std::move(letters);
    targets_[t].progress.setAside = static_cast<qint64>(targets_[t].deadLetters.size());
}

void Replicator::retryDeadLetters() {
    for (size_t t = 0; t < targets_.size(); ++t) {
        Target& tg = targets_[t];
        if (tg.deadLetters.empty())
            continue;
        tg.retryPending = true;
        // A target waiting out its idle pause offers them now.
        if (started_ && !tg.busy && !tg.paused && !stopping_ && tg.failures == 0 &&
            tg.step == Step::Read) {
            tg.timer->stop();
            next(t);
        }
    }
}

void Replicator::offerDeadLetters(size_t t) {
    Target& tg = targets_[t];
    tg.retryPending = false;
    auto page = std::make_shared<std::vector<LogRecord>>();
    for (const DeadLetter& d : tg.deadLetters)
        page->push_back(d.write);
    tg.busy = true;
    readTail(t, std::move(page), false, Page::Retry);
}

} // namespace syncscope

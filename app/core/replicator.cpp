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
    readTargetTail(t, kind,
                   [this, t, page = std::move(page), full, kind] { append(t, page, full, kind); });
}

void Replicator::readTargetTail(size_t t, Page kind, std::function<void()> then) {
    Target& tg = targets_[t];
    whenFinished(
        tg.worker->readOplog(tg.targetSeen, kTailPage), this,
        [this, t, kind, then = std::move(then)](QFuture<Result<std::vector<LogRecord>>> future) {
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
                return readTargetTail(t, kind, then); // more (a first read of a large log)
            then();
        });
}

namespace {
bool sameLetter(const LogRecord& a, const LogRecord& b) {
    return a.position == b.position && a.seq == b.seq && a.origin == b.origin;
}
} // namespace

void Replicator::append(size_t t, std::shared_ptr<std::vector<LogRecord>> page, bool full,
                        Page kind) {
    Target& tg = targets_[t];
    std::vector<LogRecord> share;
    share.reserve(page->size());
    qint64 held = 0;
    for (const LogRecord& r : *page) {
        if (!r.isWrite())
            continue;
        // A page read again (after a failure, or a restart from a state saved while its batch was
        // being cut down) leaves out what was set aside from it: it stays aside until retried.
        if (kind == Page::Source && !tg.deadLetters.empty() &&
            std::any_of(tg.deadLetters.begin(), tg.deadLetters.end(),
                        [&](const DeadLetter& d) { return sameLetter(d.write, r); }))
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
    auto delivery = std::make_shared<Delivery>();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::erase_if(share, [&](const LogRecord& r) {
        std::string problem = recordProblem(r);
        if (problem.empty())
            return false;
        delivery->refused.push_back({r, QString::fromStdString(problem), now});
        return true;
    });
    if (kind == Page::Source)
        for (const DeadLetter& d : delivery->refused)
            keepDeadLetter(t, d);
    delivery->page = std::move(page);
    delivery->held = held;
    delivery->full = full;
    delivery->kind = kind;
    if (!share.empty())
        delivery->chunks.push_back(std::move(share));
    send(t, std::move(delivery));
}

void Replicator::send(size_t t, std::shared_ptr<Delivery> d) {
    Target& tg = targets_[t];
    // The half of a refused chunk may hold writes a store writing in several batches committed
    // before the refusal (the tail read after it found them): they are not sent twice.
    while (!d->chunks.empty()) {
        std::vector<LogRecord>& front = d->chunks.front();
        d->held += static_cast<qint64>(std::erase_if(front, [&](const LogRecord& r) {
            return tg.held.find(r) != WriteIdentities::Held::No;
        }));
        if (!front.empty())
            break;
        d->chunks.pop_front();
    }
    if (d->chunks.empty()) {
        if (d->kind == Page::Retry) // oldest first, as the list was
            std::stable_sort(d->refused.begin(), d->refused.end(),
                             [](const DeadLetter& a, const DeadLetter& b) {
                                 return a.write.position < b.write.position;
                             });
        return advance(t, *d->page, d->held, d->full, d->kind, std::move(d->refused));
    }
    if (stopping_)
        return settle(t); // the page is read again on the next run; nothing is lost
    auto sent = std::make_shared<std::vector<LogRecord>>(d->chunks.front());
    whenFinished(tg.worker->append(*sent), this, [this, t, d, sent](const Status& appended) {
        if (!appended) {
            if (appended.error().refused)
                return refusedChunk(t, d, appended.error());
            if (d->kind == Page::Retry)
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
        d->chunks.pop_front();
        send(t, d);
    });
}

// The target refused a chunk by a rule of its own: a write alone is set aside with the server's
// words; a longer chunk is cut in two and each half sent in turn, so the writes it does take
// arrive in order and only the refused ones stay behind (a batch of n with one refused write
// costs about 2 log2 n appends more).
void Replicator::refusedChunk(size_t t, std::shared_ptr<Delivery> d, const StoreError& why) {
    std::vector<LogRecord> chunk = std::move(d->chunks.front());
    d->chunks.pop_front();
    if (chunk.size() == 1) {
        DeadLetter letter{chunk.front(), why.toString(), QDateTime::currentMSecsSinceEpoch()};
        if (d->kind == Page::Source)
            keepDeadLetter(t, letter);
        d->refused.push_back(std::move(letter));
    } else {
        const auto half = chunk.begin() + static_cast<std::ptrdiff_t>(chunk.size() / 2);
        d->chunks.emplace_front(std::make_move_iterator(half),
                                std::make_move_iterator(chunk.end()));
        d->chunks.emplace_front(std::make_move_iterator(chunk.begin()),
                                std::make_move_iterator(half));
    }
    readTargetTail(t, d->kind, [this, t, d] { send(t, d); });
}

// A write set aside once stays listed once, however often its page is read again (a failed
// append of the rest of the batch reads the page again).
void Replicator::keepDeadLetter(size_t t, DeadLetter letter) {
    Target& tg = targets_[t];
    const LogRecord& w = letter.write;
    for (const DeadLetter& kept : tg.deadLetters)
        if (sameLetter(kept.write, w))
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

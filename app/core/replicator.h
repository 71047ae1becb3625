#pragma once

#include "deadletter.h"
#include "followprogress.h"
#include "logrecord.h"
#include "result.h"
#include "writeidentities.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace syncscope {

class StoreWorker;

// Live replication (follow mode): the writes a source's oplog gains, whoever made
// them (Syncscope or, where the store captures them, other clients), go on to every target as
// the same writes, with their own identity (origin, seq) and timestamp, so each target keeps
// whichever of its own and the copied write is greater, as docs/script-language.md's merge would.
//
// Each target follows on its own: a loop of "read the source's oplog after my position, read
// what the target gained since I last looked, append the writes it does not hold, advance".
//  - Delivery is at least once: the position advances only after the target acknowledged.
//  - It is exactly once in effect: the target's oplog is read once at the start and its tail
//    before every append, and a write the target already holds (by identity) is left out, so
//    a batch delivered again after a crash or a lost acknowledgement appends nothing twice.
//  - A failing call (the target or the source gone) is retried with back-off, without end:
//    the problem and the next attempt show in progress(). A stopped target does not hold back
//    the others.
//  - A write no target can take for what it holds (its id or grade breaks the data rules, as an
//    outside client may have logged it before the source checked) never holds the follow: it is
//    set aside (deadletter.h), listed per target, and the follow moves past it. Retrying it
//    with back-off would block every write after it, for ever. So is a write the target
//    refuses by a rule of its own (a CHECK a DBA added, a trigger that raises: the store
//    says StoreError::refused), with the server's words as the reason; only that write: the
//    batch it came in is cut down until it stands alone.
// Every call goes through the stores' workers; nothing here blocks.
class Replicator : public QObject {
    Q_OBJECT
public:
    static constexpr size_t kPage = 5000;  // source entries per read
    static constexpr int kIdlePollMs = 20; // between reads of a source that had nothing new
    static constexpr int kBackoffMs[] = {250, 500, 1000, 2000, 4000, 8000};

    // `positions[t]` is where target t resumes (0: from the start of the source's oplog).
    // With `openTargets`, each target is opened first (and again, with back-off, until it
    // opens); otherwise they are open already (the GUI's workers).
    Replicator(StoreWorker* source, std::vector<StoreWorker*> targets,
               std::vector<int64_t> positions, bool openTargets, QObject* parent = nullptr);
    ~Replicator() override;

    void start();
    void setPaused(bool paused); // every target
    void setPaused(size_t target, bool paused);
    bool paused(size_t target) const { return targets_[target].paused; }
    // No new calls; stopped() once every call out has answered (at once when none is).
    void stop();
    bool isStopped() const { return stopping_ && busyTargets() == 0; }

    size_t targetCount() const { return targets_.size(); }
    QString targetName(size_t target) const;
    const FollowProgress& progress(size_t target) const { return targets_[target].progress; }
    std::vector<int64_t> positions() const;
    bool allCaughtUp() const;

    // The writes set aside for `target`, oldest first: those given here (from the state file)
    // and those set aside since.
    void setDeadLetters(size_t target, std::vector<DeadLetter> letters);
    const std::vector<DeadLetter>& deadLetters(size_t target) const {
        return targets_[target].deadLetters;
    }
    // Offers every target's set-aside writes again, before its next read of the source: those
    // it now takes (or already holds) leave the list; the others stay, with today's reason.
    void retryDeadLetters();

Q_SIGNALS:
    // A batch reached target `target`: how many writes, and for each the time from its
    // logging in the source to the target's acknowledgement (ms, by the stores' clocks).
    void delivered(int target, qint64 writes, const std::vector<int64_t>& lagMs);
    // The same batch's writes, for views that show the target (after delivered()).
    void applied(int target, std::shared_ptr<const std::vector<syncscope::LogRecord>> writes);
    void progressChanged(int target);
    // A write was set aside for `target` (after it is in deadLetters(target)).
    void setAside(int target, const syncscope::DeadLetter& letter);
    // A retry of the set-aside writes ended: how many were delivered or already there.
    void deadLettersRetried(int target, qint64 delivered);
    // A call failed and will be tried again; names the store and the cause.
    void notice(const QString& message);
    void stopped();
    // Every target is paused and has no call out: what was written before the pause is all in.
    void pausedAndSettled();

private:
    // What a target does next: its loop is open (once, when asked) → read the source → read
    // the target's tail → append → read the source …, with a pause after a read that found
    // nothing and a back-off after a failure.
    enum class Step { Open, Read };
    struct Target {
        StoreWorker* worker = nullptr;
        FollowProgress progress;
        WriteIdentities held;   // every write the target's oplog holds, up to targetSeen
        int64_t targetSeen = 0; // the target's oplog read up to here
        Step step = Step::Read;
        bool busy = false; // a call is out
        bool paused = false;
        int failures = 0;
        std::vector<DeadLetter> deadLetters;
        bool retryPending = false;     // offer deadLetters again before the next read
        std::unique_ptr<QTimer> timer; // the idle pause and the back-off
    };

    void next(size_t t);
    void openTarget(size_t t);
    void readSource(size_t t);
    // A page of the source's oplog moves the position past it; a page of set-aside writes being
    // retried (Page::Retry) leaves the position where it is.
    enum class Page { Source, Retry };
    // Reads the target's oplog past targetSeen into `held`, then appends what of `page` it
    // does not hold.
    void readTail(size_t t, std::shared_ptr<std::vector<LogRecord>> page, bool full,
                  Page kind = Page::Source);
    // Reads the target's oplog past targetSeen into `held`, then `then`; a failure is retried
    // with back-off (a retried page's letters are offered again).
    void readTargetTail(size_t t, Page kind, std::function<void()> then);
    // One page's writes on their way to a target, in order, a chunk per append. A chunk the
    // target refuses by a rule of its own (StoreError::refused) is cut in two, again and again,
    // until each refused write stands alone and is set aside: the others still arrive, in
    // order, and the page's position moves past them all at once.
    struct Delivery {
        std::shared_ptr<std::vector<LogRecord>> page;
        std::deque<std::vector<LogRecord>> chunks;
        qint64 held = 0; // writes the target already held
        bool full = false;
        Page kind = Page::Source;
        std::vector<DeadLetter> refused;
    };
    void append(size_t t, std::shared_ptr<std::vector<LogRecord>> page, bool full, Page kind);
    void send(size_t t, std::shared_ptr<Delivery> delivery);
    void refusedChunk(size_t t, std::shared_ptr<Delivery> delivery, const StoreError& why);
    void offerDeadLetters(size_t t);
    void keepDeadLetter(size_t t, DeadLetter letter);
    // After a page: a source page moves the position past it; a retried one leaves as the
    // target's dead letters the writes it still refuses (`refused`).
    void advance(size_t t, const std::vector<LogRecord>& page, qint64 held, bool full, Page kind,
                 std::vector<DeadLetter> refused);
    void failed(size_t t, const QString& problem, Step retry);
    void later(size_t t, int ms);
    void carryOn(size_t t, bool full);
    void settle(size_t t); // the call out answered: go on, or count towards stop()
    void announceIfSettled();
    void setState(size_t t, FollowProgress::State state);
    int busyTargets() const;

    StoreWorker* source_;
    std::vector<Target> targets_;
    bool stopping_ = false;
    bool stopAnnounced_ = false; // stopped() goes out once
    bool started_ = false;
};

} // namespace syncscope

#include "followcommand.h"

#include "clilines.h"
#include "followmeter.h"
#include "followstatefile.h"
#include "replicator.h"
#include "runcommand.h"
#include "storeworker.h"
#include "workspacefile.h"
#include "workspacestores.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace syncscope {

namespace {

std::atomic<bool> interrupted{false};
extern "C" void onSignal(int) {
    interrupted = true;
}

// Runs the replicator until it is told to stop, reporting and saving as it goes.
class FollowLoop : public QObject {
public:
    FollowLoop(Replicator& replicator, FollowState state, QString statePath, bool untilCaughtUp,
               double seconds, std::FILE* err)
        : replicator_(replicator)
        , state_(std::move(state))
        , statePath_(std::move(statePath))
        , untilCaughtUp_(untilCaughtUp)
        , seconds_(seconds)
        , err_(err)
        , meter_(replicator.targetCount()) {
        connect(&replicator_, &Replicator::delivered, this,
                [this](int t, qint64 writes, const std::vector<int64_t>& lags) {
                    meter_.delivered(static_cast<size_t>(t), writes, lags);
                });
        connect(&replicator_, &Replicator::notice, this,
                [this](const QString& message) { say(err_, message); });
        connect(&replicator_, &Replicator::setAside, this, [this](int t, const DeadLetter& d) {
            say(err_, QStringLiteral("follow %1: set aside %2: %3; the follow goes on (kept in %4; "
                                     "offer it again with --retry-dead-letters)")
                          .arg(replicator_.targetName(static_cast<size_t>(t)), d.describe(),
                               d.reason, statePath_));
        });
        connect(&replicator_, &Replicator::deadLettersRetried, this, [this](int t, qint64 done) {
            const size_t target = static_cast<size_t>(t);
            say(err_, QStringLiteral("follow %1: %2 set-aside writes delivered or already there, "
                                     "%3 still set aside")
                          .arg(replicator_.targetName(target))
                          .arg(done)
                          .arg(replicator_.deadLetters(target).size()));
        });
        connect(&replicator_, &Replicator::stopped, this, [this] {
            save();
            QCoreApplication::exit(saveFailed_     ? ExitBackend
                                   : anySetAside() ? ExitSetAside
                                                   : ExitOk);
        });
        connect(&tick_, &QTimer::timeout, this, &FollowLoop::tick);
    }

    int run() {
        clock_.start();
        lastReport_ = 0;
        tick_.start(100);
        replicator_.start();
        return QCoreApplication::exec();
    }

private:
    void tick() {
        const bool timeUp =
            seconds_ > 0 && static_cast<double>(clock_.elapsed()) >= seconds_ * 1000;
        const bool done = untilCaughtUp_ && replicator_.allCaughtUp();
        if (clock_.elapsed() - lastReport_ >= 1000 || interrupted || timeUp || done) {
            report(clock_.elapsed() - lastReport_);
            lastReport_ = clock_.elapsed();
            save();
        }
        if (interrupted || timeUp || done) {
            tick_.stop();
            replicator_.stop();
        }
    }

    void report(qint64 intervalMs) {
        for (size_t t = 0; t < replicator_.targetCount(); ++t) {
            const FollowProgress& p = replicator_.progress(t);
            const FollowInterval figures = meter_.take(t, intervalMs);
            const LagSummary& lag = figures.lag;
            const qint64 rate = qRound64(figures.writesPerSecond);
            QString line =
                QStringLiteral("follow %1: %2, position %3, %4 writes/s")
                    .arg(replicator_.targetName(t), QLatin1String(followStateName(p.state)))
                    .arg(p.position)
                    .arg(rate);
            if (lag.count > 0)
                line += QStringLiteral(", lag p50 %1 ms p99 %2 ms").arg(lag.p50).arg(lag.p99);
            say(err_, line);
        }
    }

    bool anySetAside() const {
        for (size_t t = 0; t < replicator_.targetCount(); ++t)
            if (!replicator_.deadLetters(t).empty())
                return true;
        return false;
    }

    void save() {
        const std::vector<int64_t> positions = replicator_.positions();
        for (size_t t = 0; t < positions.size(); ++t) {
            FollowState::Target& saved = state_.targets[replicator_.targetName(t)];
            saved.position = positions[t];
            saved.deadLetters = replicator_.deadLetters(t);
        }
        QString problem;
        saveFailed_ = !writeFollowState(statePath_, state_, problem);
        if (saveFailed_)
            say(err_, QStringLiteral("syncscope-cli: ") + problem);
    }

    Replicator& replicator_;
    FollowState state_;
    QString statePath_;
    bool untilCaughtUp_;
    double seconds_;
    std::FILE* err_;
    FollowMeter meter_; // since the last report
    QTimer tick_;
    QElapsedTimer clock_;
    qint64 lastReport_ = 0;
    bool saveFailed_ = false;
};

} // namespace

int followWorkspace(const FollowOptions& options, std::FILE* out, std::FILE* err) {
    WorkspaceFile ws = WorkspaceFile::load(options.workspace);
    if (!ws.error.isEmpty()) {
        say(err, QStringLiteral("syncscope-cli: ") + ws.error);
        return ExitUsage;
    }
    QString problem;
    const auto source = pickStores(ws.stores, {options.from}, problem);
    if (!source) {
        say(err, QStringLiteral("syncscope-cli: --from: ") + problem);
        return ExitUsage;
    }
    const auto targets = pickStores(ws.stores, options.to, problem);
    if (!targets) {
        say(err, QStringLiteral("syncscope-cli: --to: ") + problem);
        return ExitUsage;
    }
    for (const auto* stores : {&*source, &*targets})
        if (const QString bad = firstUriProblem(*stores); !bad.isEmpty()) {
            say(err, QStringLiteral("syncscope-cli: ") + bad);
            return ExitUsage;
        }
    const QString sourceName = QString::fromStdString(source->front().name);
    for (const StoreSpec& t : *targets)
        if (t.name == source->front().name) {
            say(err, QStringLiteral("syncscope-cli: %1 is both --from and --to").arg(sourceName));
            return ExitUsage;
        }
    const QString statePath = options.state.isEmpty()
                                  ? defaultFollowStatePath(options.workspace, sourceName)
                                  : options.state;
    std::optional<FollowState> saved = readFollowState(statePath, problem);
    if (!saved) {
        say(err, QStringLiteral("syncscope-cli: ") + problem);
        return ExitUsage;
    }

    auto sourceWorker = openStores(*source);
    if (!sourceWorker) {
        say(err, sourceWorker.error().toString());
        return ExitBackend;
    }
    StoreWorker& from = *sourceWorker.value().front();
    auto made = createWorkers(*targets);
    if (!made) {
        say(err, made.error().toString());
        return ExitBackend;
    }
    Result<StoreCounts> sourceCounts = from.counts().result();
    if (!sourceCounts) {
        say(err, sourceCounts.error().toString());
        return ExitBackend;
    }

    // Where each target resumes; a source whose oplog is now shorter than a saved position
    // was reset, and its targets start again from the beginning (nothing is written twice).
    // Targets this follow leaves out keep their positions and set-aside writes in the file.
    FollowState state;
    if (saved->source == sourceName && saved->sourceLocation == from.description().location)
        state = *saved;
    state.source = sourceName;
    state.sourceLocation = from.description().location;
    std::vector<StoreWorker*> to;
    std::vector<int64_t> positions;
    for (auto& w : made.value()) {
        const QString name = w->description().name;
        int64_t at = saved->resumeAt(state.sourceLocation, name, w->description().location);
        if (at > sourceCounts.value().lastPosition) {
            say(err, QStringLiteral("follow %1: %2's oplog ends at %3, before the saved position "
                                    "%4 (it was reset): following from its start")
                         .arg(name, sourceName)
                         .arg(sourceCounts.value().lastPosition)
                         .arg(at));
            at = 0;
        } else if (at > 0) {
            say(err, QStringLiteral("follow %1: resuming after position %2 of %3's oplog")
                         .arg(name)
                         .arg(at)
                         .arg(sourceName));
        }
        FollowState::Target& target = state.targets[name];
        target.location = w->description().location;
        target.position = at;
        to.push_back(w.get());
        positions.push_back(at);
    }
    // Another client's write to a source that pushes notifications is read at once.
    (void)from.watchChanges().result();

    Replicator replicator(&from, to, positions, /*openTargets=*/true);
    for (size_t t = 0; t < to.size(); ++t)
        replicator.setDeadLetters(t, state.targets[replicator.targetName(t)].deadLetters);
    if (options.retryDeadLetters)
        replicator.retryDeadLetters();
    interrupted = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    FollowLoop loop(replicator, state, statePath, options.untilCaughtUp, options.seconds, err);
    const int code = loop.run();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    for (size_t t = 0; t < replicator.targetCount(); ++t) {
        const FollowProgress& p = replicator.progress(t);
        QString line = QStringLiteral("follow %1: %2 writes applied, %3 already there, position %4")
                           .arg(replicator.targetName(t))
                           .arg(p.applied)
                           .arg(p.alreadyHeld)
                           .arg(p.position);
        if (const size_t aside = replicator.deadLetters(t).size(); aside > 0)
            line += QStringLiteral(", %1 set aside (listed in %2)").arg(aside).arg(statePath);
        say(out, line);
    }
    return code;
}

} // namespace syncscope

#include "followactions.h"

#include "commandsession.h"
#include "followdialog.h"
#include "followpanel.h"
#include "followplot.h"
#include "followstatefile.h"
#include "mainwindow.h"
#include "replicator.h"
#include "scriptrunner.h"
#include "storeworker.h"
#include "whenfinished.h"
#include "workspacesession.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QtConcurrent>

namespace syncscope {

namespace {
constexpr int kSampleMs = 1000;

struct ReadState {
    std::optional<FollowState> state;
    QString error;
};
} // namespace

FollowActions::FollowActions(MainWindow* window, WorkspaceSession* session,
                             CommandSession* commands, ScriptRunner* script, QMenu* dataMenu,
                             const QString& workspaceLabel, QObject* parent)
    : QObject(parent)
    , window_(window)
    , session_(session)
    , commands_(commands)
    , script_(script)
    , workspaceLabel_(workspaceLabel)
    , panel_(new FollowPanel) {
    dataMenu->addSeparator();
    QAction* open =
        dataMenu->addAction(QStringLiteral("&Follow…"), this, &FollowActions::openDialog);
    open->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F);
    open->setToolTip(QStringLiteral("Replicate one store's new writes into others, live"));
    window_->addConsoleTab(panel_, QStringLiteral("Follow"), QStringLiteral("dock-follow"));
    connect(panel_, &FollowPanel::pauseToggled, this, &FollowActions::setPaused);
    connect(panel_, &FollowPanel::stopRequested, this, &FollowActions::stop);
    connect(panel_, &FollowPanel::retryRequested, this, [this] {
        if (replicator_)
            replicator_->retryDeadLetters();
    });
    sampler_.setInterval(kSampleMs);
    connect(&sampler_, &QTimer::timeout, this, &FollowActions::sample);
}

FollowActions::~FollowActions() {
    if (replicator_) {
        // The program is closing: the last positions are written here, once (a small file).
        sample();
        QString problem;
        writeFollowState(statePath_, state_, problem);
    }
}

QString FollowActions::statePath(const QString& source) const {
    if (QFileInfo(workspaceLabel_).isFile())
        return defaultFollowStatePath(workspaceLabel_, source);
    const QString dir = WorkspaceSession::defaultDataDir();
    QDir().mkpath(dir);
    return defaultFollowStatePath(dir + QStringLiteral("/workspace.json"), source);
}

void FollowActions::openDialog() {
    QStringList names;
    for (int i = 0; i < session_->storeCount(); ++i)
        names << session_->description(i).name;
    if (names.size() < 2) {
        window_->showStatus(QStringLiteral("Following needs two stores in the workspace"));
        return;
    }
    FollowDialog dialog(names, window_);
    if (isFollowing())
        dialog.setSource(state_.source);
    if (dialog.exec() != QDialog::Accepted)
        return;
    follow(dialog.source(), dialog.targets());
}

void FollowActions::follow(const QString& source, const QStringList& targets) {
    if (replicator_) {
        // One follow at a time: the running one stops (its batch lands, its positions are
        // saved), then this one begins.
        next_ = {source, targets};
        stop();
        return;
    }
    const std::vector<StoreWorker*> workers = session_->workers();
    const auto open = [&workers](int i) { return i >= 0 && workers[static_cast<size_t>(i)]; };
    const int from = commands_->storeIndex(source);
    std::vector<int> to;
    QString why;
    if (!open(from))
        why = QStringLiteral("%1 is not an open store").arg(source);
    for (const QString& t : targets) {
        const int i = commands_->storeIndex(t);
        if (!open(i))
            why = QStringLiteral("%1 is not an open store").arg(t);
        else if (i == from)
            why = QStringLiteral("%1 cannot follow itself").arg(t);
        to.push_back(i);
    }
    if (targets.isEmpty())
        why = QStringLiteral("no target chosen");
    if (!why.isEmpty()) {
        panel_->ended(QStringLiteral("Cannot follow: ") + why);
        window_->showStatus(QStringLiteral("Cannot follow: ") + why);
        return;
    }
    statePath_ = statePath(session_->description(from).name);
    const quint64 generation = ++generation_;
    whenFinished(QtConcurrent::run([path = statePath_] {
                     ReadState r;
                     r.state = readFollowState(path, r.error);
                     return r;
                 }),
                 this, [this, from, to, generation](const ReadState& read) {
                     if (generation != generation_)
                         return;
                     if (!read.state) {
                         panel_->ended(QStringLiteral("Cannot follow: ") + read.error);
                         window_->showStatus(read.error);
                         return;
                     }
                     begin(from, to, *read.state);
                 });
}

void FollowActions::begin(int source, std::vector<int> targets, const FollowState& saved) {
    const std::vector<StoreWorker*> workers = session_->workers();
    StoreWorker* from = workers[static_cast<size_t>(source)];
    // Targets this follow leaves out keep their positions and set-aside writes in the file.
    state_ = saved.source == from->description().name &&
                     saved.sourceLocation == from->description().location
                 ? saved
                 : FollowState{};
    state_.source = from->description().name;
    state_.sourceLocation = from->description().location;
    std::vector<StoreWorker*> to;
    std::vector<int64_t> positions;
    QStringList names;
    for (int t : targets) {
        StoreWorker* w = workers[static_cast<size_t>(t)];
        const QString name = w->description().name;
        const int64_t at = saved.resumeAt(state_.sourceLocation, name, w->description().location);
        FollowState::Target& target = state_.targets[name];
        target.location = w->description().location;
        target.position = at;
        to.push_back(w);
        positions.push_back(at);
        names << name;
    }
    replicator_ = std::make_unique<Replicator>(from, to, positions, /*openTargets=*/false);
    for (size_t t = 0; t < to.size(); ++t)
        replicator_->setDeadLetters(t, state_.targets[names[static_cast<int>(t)]].deadLetters);
    meter_ = FollowMeter(to.size());
    connect(replicator_.get(), &Replicator::delivered, this,
            [this](int t, qint64 writes, const std::vector<int64_t>& lags) {
                meter_.delivered(static_cast<size_t>(t), writes, lags);
            });
    connect(replicator_.get(), &Replicator::applied, this,
            [this, targets](int t, std::shared_ptr<const std::vector<LogRecord>> writes) {
                commands_->ingestReplicated(targets[static_cast<size_t>(t)], std::move(writes));
            });
    connect(replicator_.get(), &Replicator::notice, window_, &MainWindow::showStatus);
    connect(replicator_.get(), &Replicator::progressChanged, this, [this](int t) {
        panel_->model()->setProgress(t, replicator_->progress(static_cast<size_t>(t)));
    });
    connect(replicator_.get(), &Replicator::pausedAndSettled, this, &FollowActions::refreshViews);
    connect(replicator_.get(), &Replicator::setAside, this, [this](int t, const DeadLetter& d) {
        const QString target = replicator_->targetName(static_cast<size_t>(t));
        window_->showStatus(QStringLiteral("Follow %1: set aside %2: %3; the follow goes on "
                                           "(listed in the Follow dock)")
                                .arg(target, d.describe(), d.reason));
        showDeadLetters(static_cast<size_t>(t));
    });
    connect(replicator_.get(), &Replicator::deadLettersRetried, this, [this](int t, qint64 done) {
        const size_t target = static_cast<size_t>(t);
        window_->showStatus(QStringLiteral("Follow %1: %2 set-aside writes delivered, %3 still "
                                           "set aside")
                                .arg(replicator_->targetName(target))
                                .arg(done)
                                .arg(replicator_->deadLetters(target).size()));
        showDeadLetters(target);
    });
    connect(replicator_.get(), &Replicator::stopped, this, [this] {
        sample();
        save();
        sampler_.stop();
        replicator_.release()->deleteLater();
        panel_->ended(QStringLiteral("Stopped following %1; the next follow resumes where it "
                                     "stopped.")
                          .arg(state_.source));
        refreshViews();
        Q_EMIT followStopped();
        if (next_) {
            const auto [nextSource, nextTargets] = *std::exchange(next_, std::nullopt);
            follow(nextSource, nextTargets);
        }
    });
    panel_->started(state_.source, names);
    for (size_t t = 0; t < to.size(); ++t)
        showDeadLetters(t);
    if (auto* dock = qobject_cast<QDockWidget*>(panel_->parentWidget()))
        dock->raise();
    startedMs_ = QDateTime::currentMSecsSinceEpoch();
    sampler_.start();
    replicator_->start();
    Q_EMIT followStarted();
}

void FollowActions::setPaused(bool paused) {
    if (!replicator_)
        return;
    replicator_->setPaused(paused);
    panel_->setPaused(paused);
}

void FollowActions::stop() {
    if (replicator_)
        replicator_->stop();
}

void FollowActions::showDeadLetters(size_t t) {
    panel_->deadLetters()->setLetters(replicator_->targetName(t), replicator_->deadLetters(t));
}

// Once a second: the dock's table and plot, and the positions file.
void FollowActions::sample() {
    if (!replicator_)
        return;
    const double seconds =
        static_cast<double>(QDateTime::currentMSecsSinceEpoch() - startedMs_) / 1000.0;
    for (size_t t = 0; t < replicator_->targetCount(); ++t) {
        const FollowInterval figures = meter_.take(t, kSampleMs);
        const FollowProgress& p = replicator_->progress(t);
        panel_->model()->update(static_cast<int>(t), p, figures.writesPerSecond, figures.lag);
        panel_->plot()->addSample(static_cast<int>(t), seconds, figures.writesPerSecond,
                                  static_cast<double>(figures.lag.p99));
        FollowState::Target& saved = state_.targets[replicator_->targetName(t)];
        saved.position = p.position;
        saved.deadLetters = replicator_->deadLetters(t);
    }
    save();
}

// Off the UI thread, one write at a time. A save asked for while one is out follows it with
// the positions of then, so the last positions (a stop's) always reach the file.
void FollowActions::save() {
    if (statePath_.isEmpty())
        return;
    if (saving_) {
        saveAgain_ = true;
        return;
    }
    saving_ = true;
    whenFinished(QtConcurrent::run([path = statePath_, state = state_] {
                     QString problem;
                     writeFollowState(path, state, problem);
                     return problem;
                 }),
                 this, [this](const QString& problem) {
                     saving_ = false;
                     if (!problem.isEmpty())
                         window_->showStatus(problem);
                     if (std::exchange(saveAgain_, false))
                         save();
                 });
}

// The targets' tables and the command engine read the stores again, so what the follow wrote
// shows there (and a SET typed next is decided against it).
void FollowActions::refreshViews() {
    session_->refresh();
    if (commands_->isReady() && !script_->isBusy())
        commands_->load();
    Q_EMIT viewsRefreshed();
}

} // namespace syncscope

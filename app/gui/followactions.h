#pragma once

#include "followmeter.h"
#include "followstate.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

class QMenu;

namespace syncscope {

class CommandSession;
class FollowPanel;
class MainWindow;
class Replicator;
class ScriptRunner;
class WorkspaceSession;

// Data > Follow… (Ctrl+Shift+F): the live replication in the window, through the
// stores' own workers. The Follow dock shows each target's state, position, rate and lag, and
// plots lag and throughput every second; Pause / Resume and Stop are there. The positions are
// kept in the same file `syncscope-cli follow` uses (next to the workspace), read and written
// off the UI thread, so the window and the CLI resume each other's follows.
//
// Each batch a target acknowledges enters the command engine as that store's history
// (CommandSession::ingestReplicated), so the target's table, GETs and the conflict views show
// the replicated writes while the follow runs. On pause and stop the views and the engine read
// the stores again, which also picks up anything the target got from elsewhere meanwhile.
class FollowActions : public QObject {
    Q_OBJECT
public:
    FollowActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                  ScriptRunner* script, QMenu* dataMenu, const QString& workspaceLabel,
                  QObject* parent = nullptr);
    ~FollowActions() override;

    // Starts following `source` into `targets` (names; a follow under way stops first); the
    // dock shows why when it cannot.
    void follow(const QString& source, const QStringList& targets);
    void setPaused(bool paused);
    // Stops (the batch being written lands first); the positions are saved.
    void stop();
    bool isFollowing() const { return replicator_ != nullptr; }
    QString statePath(const QString& source) const;

    FollowPanel* panel() const { return panel_; }

Q_SIGNALS:
    void followStarted();
    void followStopped();
    // The stores' tables and engine were read again after a pause or a stop.
    void viewsRefreshed();

private:
    void openDialog();
    void begin(int source, std::vector<int> targets, const FollowState& saved);
    void sample();
    void save();
    void refreshViews();
    void showDeadLetters(size_t target); // the dock's list of target's set-aside writes

    MainWindow* window_;
    WorkspaceSession* session_;
    CommandSession* commands_;
    ScriptRunner* script_;
    QString workspaceLabel_;
    FollowPanel* panel_;
    std::unique_ptr<Replicator> replicator_;
    FollowState state_;
    QString statePath_;
    QTimer sampler_;
    qint64 startedMs_ = 0;
    FollowMeter meter_; // per target, since the last sample
    bool saving_ = false;
    bool saveAgain_ = false;
    quint64 generation_ = 0; // a state read for an earlier follow is dropped
    std::optional<std::pair<QString, QStringList>> next_; // asked for while one was stopping
};

} // namespace syncscope

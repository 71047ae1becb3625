#pragma once

#include <QObject>
#include <QTimer>

class QDockWidget;

namespace syncscope {

class CommandSession;
class ConflictView;
class HistoryPlots;
class MainWindow;
class ScriptRunner;
class WorkspaceSession;

// The Conflicts and History docks and the Conflicts menu: asks the command session for a
// classification of the chosen stores and the history plots' data (made on the engine's
// thread, never the UI's), shows them in the ConflictView and the HistoryPlots, and follows
// changes: after commands, steps, imports and resets it captures again, at most one request
// in flight and the next one coalesced. Selecting a key in the grid or the timeline shows that
// key's row in every store panel and selects it in the other view.
class ConflictActions : public QObject {
    Q_OBJECT
public:
    ConflictActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                    ScriptRunner* script, QObject* parent = nullptr);

    ConflictView* view() const { return view_; }
    QDockWidget* dock() const { return dock_; }
    HistoryPlots* plots() const { return plots_; }
    QDockWidget* plotsDock() const { return plotsDock_; }
    // Shows the dock in front and classifies again.
    void showConflicts();
    void showPlots();
    // Classifies again now, or as soon as the request in flight is answered.
    void refresh();

private:
    void changed();
    void showKey(const QString& studentId, const QString& courseId);

    MainWindow* window_;
    WorkspaceSession* session_;
    CommandSession* commands_;
    ConflictView* view_;
    QDockWidget* dock_;
    HistoryPlots* plots_;
    QDockWidget* plotsDock_;
    QTimer settle_; // a burst of changes (a script run) classifies once it settles
    bool inFlight_ = false;
    bool again_ = false;
    bool stale_ = true;
};

} // namespace syncscope

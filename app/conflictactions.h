#pragma once

#include <QObject>
#include <QTimer>

class QDockWidget;

namespace syncscope {

class CommandSession;
class ConflictView;
class MainWindow;
class WorkspaceSession;

// The Conflicts dock and menu: asks the command session for a classification of the chosen
// stores (made on the engine's thread, never the UI's), shows it in the ConflictView, and
// follows changes: after commands, steps, imports and resets it classifies again, at most one
// request in flight and the next one coalesced. Selecting a key in the grid shows that key's
// row in every store panel.
class ConflictActions : public QObject {
    Q_OBJECT
public:
    ConflictActions(MainWindow* window, WorkspaceSession* session, CommandSession* commands,
                    QObject* parent = nullptr);

    ConflictView* view() const { return view_; }
    QDockWidget* dock() const { return dock_; }
    // Shows the dock in front and classifies again.
    void showConflicts();
    // Classifies again now, or as soon as the request in flight is answered.
    void refresh();

private:
    void changed();

    MainWindow* window_;
    WorkspaceSession* session_;
    CommandSession* commands_;
    ConflictView* view_;
    QDockWidget* dock_;
    QTimer settle_; // a burst of changes (a script run) classifies once it settles
    bool inFlight_ = false;
    bool again_ = false;
    bool stale_ = true;
};

} // namespace syncscope

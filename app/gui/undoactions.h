#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <vector>

class QAction;
class QMenu;

namespace syncscope {

// Edit > Undo and Redo for the writes typed in the command bar. An oplog never forgets, so
// undoing a SET or DELETE is a new write that puts back what the key held before it (a DELETE
// when it held nothing), with a new timestamp; redo writes the change again. Each runs as a
// typed line, echoed in the console, and the menu names the line it will run.
class UndoActions : public QObject {
    Q_OBJECT
public:
    // `run` runs a line as typed without offering it back for undo; false when it was refused.
    using RunLine = std::function<bool(const QString& line)>;
    UndoActions(QMenu* edit, RunLine run, QObject* parent = nullptr);

    QAction* undoAction() const { return undo_; }
    QAction* redoAction() const { return redo_; }

public Q_SLOTS:
    // A typed write became durable: it can be undone, and what was undone cannot be redone.
    void offer(const QString& undoLine, const QString& redoLine);
    void undo();
    void redo();
    // Forgets every step: after a Reset or a reload, the lines would write back values the
    // stores no longer hold.
    void clear();

private:
    struct Step {
        QString undoLine, redoLine;
    };
    void updateActions();

    RunLine run_;
    QAction* undo_;
    QAction* redo_;
    std::vector<Step> undone_; // what Redo writes again, newest last
    std::vector<Step> done_;   // what Undo puts back, newest last
};

} // namespace syncscope

#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

class QAction;
class QMenu;
class QWidget;

namespace syncscope {

// One typed write as Undo and Redo know it: the line that puts back what its key held before,
// and the line that writes it again; which step it is (lines repeat: the same SET typed twice
// is two steps), and the database its store stood for when it was written.
struct UndoStep {
    QString undoLine, redoLine;
    quint64 id = 0;
    QString target; // the store's URI then: a store edited to point elsewhere loses its steps
};

// What Undo and Redo offer, carried across a workspace change (docs/gui.md).
struct UndoHistory {
    std::vector<UndoStep> done;   // what Undo puts back, newest last
    std::vector<UndoStep> undone; // what Redo writes again, newest last
};

// Edit > Undo and Redo for the writes typed in the command bar. An oplog never forgets, so
// undoing a SET or DELETE is a new write that puts back what the key held before it (a DELETE
// when it held nothing), with a new timestamp; redo writes the change again. Each runs as a
// typed line, echoed in the console, and the menu names the line it will run.
class UndoActions : public QObject {
    Q_OBJECT
public:
    // `run` runs a line as typed without offering it back for undo, for step `stepId` (told back
    // through notWritten() when a store refuses it); false when it was refused at once.
    using RunLine = std::function<bool(const QString& line, quint64 stepId)>;
    // The database a store of the workspace stands for (its URI); empty when there is no such
    // store.
    using TargetOf = std::function<QString(const QString& store)>;
    // The grade a store's panel shows for a key now; nullopt when it lists no such key.
    using GradeNow = std::function<std::optional<QString>(const QString& store, const QString& sid,
                                                          const QString& cid)>;
    UndoActions(QMenu* edit, QWidget* window, RunLine run, GradeNow gradeNow, TargetOf targetOf,
                QObject* parent = nullptr);

    QAction* undoAction() const { return undo_; }
    QAction* redoAction() const { return redo_; }

    const UndoHistory& history() const { return history_; }
    // Takes over what a replaced window offered, less the steps whose store is no longer the
    // database it was (removed, renamed, or edited to point elsewhere): their lines would be
    // refused, or write values of one database into another. Returns the names of the stores
    // whose steps were dropped, for the user to be told.
    QStringList restore(const UndoHistory& history);

public Q_SLOTS:
    // A typed write became durable: it can be undone, and what was undone cannot be redone.
    void offer(const QString& undoLine, const QString& redoLine);
    void undo();
    void redo();
    // A store refused the write of the undo (or redo) run for step `stepId`: the step goes
    // back where it was, to be tried again. Found by its id, never by its lines: the same
    // line typed again and refused is not this step.
    void notWritten(quint64 stepId);
    // Forgets every step: after a Reset or a reload, the lines would write back values the
    // stores no longer hold.
    void clear();

private:
    // False when the key no longer holds what the step's write left (a MERGE or a later write
    // replaced it) and the user would rather keep it.
    bool mayUndo(const UndoStep& step);
    void updateActions();

    QWidget* window_;
    RunLine run_;
    GradeNow gradeNow_;
    TargetOf targetOf_;
    quint64 nextId_ = 1;
    QAction* undo_;
    QAction* redo_;
    UndoHistory history_;
};

} // namespace syncscope

#include "undoactions.h"

#include "script.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>

#include <algorithm>

namespace syncscope {

namespace {
constexpr size_t kMaxSteps = 100;

// A step's line, parsed as the command bar parses it: its one SET or DELETE.
struct StepWrite {
    QString store, sid, cid;
    std::optional<QString> value; // nullopt: a DELETE
};

std::optional<StepWrite> writeOf(const QString& line) {
    const Script s = parseScript("undo", line.toStdString());
    if (!s.ok() || s.commands.size() != 1)
        return std::nullopt;
    const Command& c = s.commands.front();
    if (c.op != Op::Set && c.op != Op::Delete)
        return std::nullopt;
    const auto text = [&](Span span) { return QString::fromUtf8(s.view(span)); };
    StepWrite w{QString::fromStdString(s.names[c.store]), text(c.studentId), text(c.courseId),
                std::nullopt};
    if (c.op == Op::Set)
        w.value = text(c.value);
    return w;
}

QString shown(const std::optional<QString>& grade) {
    return grade ? *grade : QStringLiteral("nothing (deleted)");
}
} // namespace

UndoActions::UndoActions(QMenu* edit, QWidget* window, RunLine run, GradeNow gradeNow,
                         TargetOf targetOf, QObject* parent)
    : QObject(parent)
    , window_(window)
    , run_(std::move(run))
    , gradeNow_(std::move(gradeNow))
    , targetOf_(std::move(targetOf))
    , undo_(edit->addAction(QStringLiteral("&Undo"), this, &UndoActions::undo))
    , redo_(edit->addAction(QStringLiteral("&Redo"), this, &UndoActions::redo)) {
    undo_->setShortcut(QKeySequence::Undo);
    redo_->setShortcut(QKeySequence::Redo);
    updateActions();
}

QStringList UndoActions::restore(const UndoHistory& history) {
    QStringList dropped;
    const auto gone = [&](const UndoStep& step) {
        const std::optional<StepWrite> w = writeOf(step.redoLine);
        const QString now = w ? targetOf_(w->store) : QString();
        if (!now.isEmpty() && now == step.target)
            return false;
        if (w && !dropped.contains(w->store, Qt::CaseInsensitive))
            dropped << w->store;
        return true;
    };
    history_ = history;
    std::erase_if(history_.done, gone);
    std::erase_if(history_.undone, gone);
    // Ids go on from the carried ones: a refusal still on its way finds its step.
    for (const auto* steps : {&history_.done, &history_.undone})
        for (const UndoStep& step : *steps)
            nextId_ = std::max(nextId_, step.id + 1);
    updateActions();
    return dropped;
}

void UndoActions::offer(const QString& undoLine, const QString& redoLine) {
    const std::optional<StepWrite> w = writeOf(redoLine);
    history_.done.push_back({undoLine, redoLine, nextId_++, w ? targetOf_(w->store) : QString()});
    if (history_.done.size() > kMaxSteps)
        history_.done.erase(history_.done.begin());
    history_.undone.clear();
    updateActions();
}

// An undo writes back the value from before the typed write, whatever the key holds now: after
// a MERGE brought a newer value, it would throw that value away unseen.
bool UndoActions::mayUndo(const UndoStep& step) {
    const std::optional<StepWrite> left = writeOf(step.redoLine);
    const std::optional<StepWrite> back = writeOf(step.undoLine);
    if (!left || !back || !gradeNow_)
        return true;
    const std::optional<QString> now = gradeNow_(left->store, left->sid, left->cid);
    if (now == left->value)
        return true;
    QMessageBox box(QMessageBox::Warning, QStringLiteral("Undo"),
                    QStringLiteral("%1 (%2,%3) no longer holds what the typed write left: it "
                                   "holds %4 now, from a MERGE or a later write.")
                        .arg(left->store, left->sid, left->cid, shown(now)),
                    QMessageBox::Cancel, window_);
    box.setObjectName(QStringLiteral("undoReplacesNewerValue"));
    const QString write = back->value ? QStringLiteral("writes %1 over it").arg(*back->value)
                                      : QStringLiteral("deletes the key");
    box.setInformativeText(QStringLiteral("Undo %1 (%2), as a new write: the merge's value %3 "
                                          "will be replaced.")
                               .arg(write, step.undoLine, shown(now)));
    QPushButton* anyway = box.addButton(QStringLiteral("&Replace It"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == anyway;
}

void UndoActions::undo() {
    if (history_.done.empty() || !mayUndo(history_.done.back()))
        return;
    // A refused line (its store is down) stays on the list to be tried again.
    if (!run_(history_.done.back().undoLine, history_.done.back().id))
        return;
    history_.undone.push_back(history_.done.back());
    history_.done.pop_back();
    updateActions();
}

void UndoActions::redo() {
    if (history_.undone.empty())
        return;
    if (!run_(history_.undone.back().redoLine, history_.undone.back().id))
        return;
    history_.done.push_back(history_.undone.back());
    history_.undone.pop_back();
    updateActions();
}

void UndoActions::notWritten(quint64 stepId) {
    std::vector<UndoStep>& done = history_.done;
    std::vector<UndoStep>& undone = history_.undone;
    const auto byId = [stepId](const UndoStep& step) { return step.id == stepId; };
    // An undo refused: the step is on the Redo list, and goes back to Undo's; a redo refused
    // the other way round.
    if (auto it = std::find_if(undone.begin(), undone.end(), byId); it != undone.end()) {
        done.push_back(*it);
        undone.erase(it);
    } else if (auto at = std::find_if(done.begin(), done.end(), byId); at != done.end()) {
        undone.push_back(*at);
        done.erase(at);
    } else {
        return;
    }
    updateActions();
}

void UndoActions::clear() {
    history_ = {};
    updateActions();
}

void UndoActions::updateActions() {
    const std::vector<UndoStep>& done = history_.done;
    const std::vector<UndoStep>& undone = history_.undone;
    undo_->setEnabled(!done.empty());
    redo_->setEnabled(!undone.empty());
    // The menu says what will be written, so nobody undoes blind.
    const auto named = [](const QString& line) {
        return QString(line).replace(QLatin1Char('&'), QStringLiteral("&&")); // no mnemonic
    };
    undo_->setText(done.empty() ? QStringLiteral("&Undo")
                                : QStringLiteral("&Undo: %1").arg(named(done.back().undoLine)));
    redo_->setText(undone.empty() ? QStringLiteral("&Redo")
                                  : QStringLiteral("&Redo: %1").arg(named(undone.back().redoLine)));
    undo_->setToolTip(QStringLiteral("Put back what the key held before the last typed write, "
                                     "as a new write"));
}

} // namespace syncscope

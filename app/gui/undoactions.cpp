#include "undoactions.h"

#include <QAction>
#include <QMenu>

namespace syncscope {

namespace {
constexpr size_t kMaxSteps = 100;
} // namespace

UndoActions::UndoActions(QMenu* edit, RunLine run, QObject* parent)
    : QObject(parent)
    , run_(std::move(run))
    , undo_(edit->addAction(QStringLiteral("&Undo"), this, &UndoActions::undo))
    , redo_(edit->addAction(QStringLiteral("&Redo"), this, &UndoActions::redo)) {
    undo_->setShortcut(QKeySequence::Undo);
    redo_->setShortcut(QKeySequence::Redo);
    updateActions();
}

void UndoActions::offer(const QString& undoLine, const QString& redoLine) {
    done_.push_back({undoLine, redoLine});
    if (done_.size() > kMaxSteps)
        done_.erase(done_.begin());
    undone_.clear();
    updateActions();
}

void UndoActions::undo() {
    if (done_.empty())
        return;
    // A refused line (its store is down) stays on the list to be tried again.
    if (!run_(done_.back().undoLine))
        return;
    undone_.push_back(done_.back());
    done_.pop_back();
    updateActions();
}

void UndoActions::redo() {
    if (undone_.empty())
        return;
    if (!run_(undone_.back().redoLine))
        return;
    done_.push_back(undone_.back());
    undone_.pop_back();
    updateActions();
}

void UndoActions::clear() {
    done_.clear();
    undone_.clear();
    updateActions();
}

void UndoActions::updateActions() {
    undo_->setEnabled(!done_.empty());
    redo_->setEnabled(!undone_.empty());
    // The menu says what will be written, so nobody undoes blind.
    const auto named = [](const QString& line) {
        return QString(line).replace(QLatin1Char('&'), QStringLiteral("&&")); // no mnemonic
    };
    undo_->setText(done_.empty() ? QStringLiteral("&Undo")
                                 : QStringLiteral("&Undo: %1").arg(named(done_.back().undoLine)));
    redo_->setText(undone_.empty()
                       ? QStringLiteral("&Redo")
                       : QStringLiteral("&Redo: %1").arg(named(undone_.back().redoLine)));
    undo_->setToolTip(QStringLiteral("Put back what the key held before the last typed write, "
                                     "as a new write"));
}

} // namespace syncscope

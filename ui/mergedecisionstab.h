#pragma once

#include "manualpick.h"
#include "mergepreview.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;
class QUndoStack;

namespace syncscope {

class ManualDecisionModel;

// The Merge dialog's Decisions tab: the concurrent keys of the planned merge, and the value
// kept for each one decided by hand (the target's, a store's, one typed, or a delete), with a
// note for the audit log. Every decision is an undoable command; taking, clearing, undoing or
// redoing one says picksChanged(), and the dialog plans again.
class MergeDecisionsTab : public QWidget {
    Q_OBJECT
public:
    explicit MergeDecisionsTab(QWidget* parent = nullptr);

    const ManualPicks& picks() const { return picks_; }
    // Replaces the decisions (a request set up again): nothing is left to undo.
    void setPicks(const ManualPicks& picks);
    // The keys a new plan needs decided. The selected key stays selected, and only the stores
    // that hold a write of every selected key are offered to take a value from.
    void showPreview(std::shared_ptr<const MergePreview> preview);
    // Decides the key as the undoable command "Decide (sid,cid)"; nullopt clears the decision.
    void decide(const ManualPickKey& key, std::optional<ManualPick> pick);
    // Off while a merge applies.
    void setDecidingEnabled(bool enabled);

    ManualDecisionModel* model() const { return model_; }
    QUndoStack* undoStack() const { return undo_; }

Q_SIGNALS:
    void picksChanged();
    // Why Decide did nothing: no key selected, or a typed value that cannot be a grade.
    void refused(const QString& why);

private:
    friend class SetPickCommand;
    void setPick(const ManualPickKey& key, const std::optional<ManualPick>& pick);
    void decideSelected();
    void fillActions();

    ManualPicks picks_;
    std::shared_ptr<const MergePreview> preview_;
    ManualDecisionModel* model_;
    QUndoStack* undo_;
    QTableView* table_;
    QComboBox* action_;
    QLineEdit* typedValue_;
    QLineEdit* note_;
    QPushButton* decideButton_;
};

} // namespace syncscope

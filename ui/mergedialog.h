#pragma once

#include "manualpick.h"
#include "mergedecisionstab.h"
#include "mergepreview.h"
#include "mergeproperties.h"

#include <QDialog>

#include <functional>
#include <memory>
#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QVBoxLayout;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;
class QUndoStack;

namespace syncscope {

class ManualDecisionModel;
class MergePreviewModel;

// Sets up a merge and shows what it will do before anything is written: the stores
// (MERGE: targets and sources; FULL_SYNC: the set), the strategy and, for store priority, the
// order; which of docs/script-language.md's properties the strategy keeps, with a counter-example
// when it does not; the dry run, key by key; and the keys to decide by hand, with notes and
// undo/redo (MergeDecisionsTab).
//
// It holds no engine: every change asks for a preview (previewRequested, coalesced), the
// caller plans off the UI thread and calls showPreview; Apply asks for that same plan to be
// applied, and progress, the outcome and the verification come back through show*().
class MergeDialog : public QDialog {
    Q_OBJECT
public:
    explicit MergeDialog(const QStringList& storeNames, QWidget* parent = nullptr);
    ~MergeDialog() override;

    void setRequest(const MergeRequest& request, const ManualPicks& picks);
    MergeRequest request() const;
    const ManualPicks& picks() const { return decisions_->picks(); }
    QUndoStack* undoStack() const { return decisions_->undoStack(); }

    void showPreview(std::shared_ptr<const MergePreview> preview);
    void showProgress(qint64 done, qint64 total, double perSecond, double secondsLeft);
    void showFinished(const QString& summary, bool canceled);
    void showVerified(const QString& report, qint64 differences);
    void showFailure(const QString& message);

    // Decides the key as the undoable command "Decide (sid,cid)"; nullopt clears the decision.
    void decide(const ManualPickKey& key, std::optional<ManualPick> pick) {
        decisions_->decide(key, std::move(pick));
    }

    MergePreviewModel* previewModel() const { return previewModel_; }
    ManualDecisionModel* decisionModel() const { return decisions_->model(); }
    QPushButton* applyButton() const { return apply_; }
    // Says why a request cannot be merged inside the target's own engine (empty: it can); the
    // "Merge inside" box is offered only where it returns empty.
    void setMergeInsideCheck(std::function<QString(const MergeRequest&, const ManualPicks&)> check);
    QCheckBox* mergeInsideBox() const { return inside_; }
    bool mergeInside() const;
    QString statusText() const;
    QString propertiesText() const;

Q_SIGNALS:
    void previewRequested(const syncscope::MergeRequest& request,
                          const syncscope::ManualPicks& picks);
    void applyRequested();
    void cancelRequested();

private:
    // The constructor's parts: each makes its widgets (and their members) and returns them.
    QWidget* makeSetup();
    QWidget* makeProperties();
    QWidget* makePreview();
    QVBoxLayout* makeApplyRows();
    void connectControls();
    void requestChanged();
    void checkProperties();
    void showProperties(MergeStrategy strategy, const std::vector<PropertyVerdict>& verdicts);
    void updateControls();

    QStringList storeNames_;
    std::shared_ptr<const MergePreview> preview_;
    bool applying_ = false;
    bool previewPending_ = false;

    QButtonGroup* operation_;
    QListWidget* targets_;
    QListWidget* sources_;
    QComboBox* strategy_;
    QListWidget* priority_;
    QLabel* priorityLabel_;
    QLabel* properties_;
    QPlainTextEdit* counterExamples_;
    QTabWidget* tabs_;
    MergePreviewModel* previewModel_;
    QTableView* previewTable_;
    QLabel* summary_;
    MergeDecisionsTab* decisions_;
    QProgressBar* progress_;
    QLabel* status_;
    QPushButton* apply_;
    QCheckBox* inside_;
    std::function<QString(const MergeRequest&, const ManualPicks&)> insideCheck_;
    QPushButton* cancel_;
    QTimer* previewTimer_;
};

} // namespace syncscope

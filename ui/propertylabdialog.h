#pragma once

#include "propertylab.h"

#include <QDialog>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace syncscope {

class LabOutcomeModel;
class LabSummaryModel;

// The property lab (propertylab.h): pick stores, merges and strategies; Run asks the caller
// to run every order of the merges off the UI thread and hand back the report. Shows per
// strategy which of docs/script-language.md's properties held, with a counter-example when one did
// not, and for the selected strategy its end states side by side, a column group per end state, the
// cells that differ marked.
class PropertyLabDialog : public QDialog {
    Q_OBJECT
public:
    explicit PropertyLabDialog(const QStringList& storeNames, QWidget* parent = nullptr);

    // The lab's stores (workspace indices, in the order listed: store priority trusts them
    // in that order), the merges (indices into labStores()) and the strategies to compare.
    std::vector<int> labStores() const;
    std::vector<LabStep> steps() const;
    std::vector<MergeStrategy> strategies() const;
    void setStoreChecked(int store, bool checked);
    // A merge between workspace stores (target and source of a MERGE; ignored for FULL_SYNC).
    void addStep(bool fullSync, int target, int source);
    void clearSteps();

    void showRunning();
    void showReport(std::shared_ptr<const PropertyLabReport> report, double seconds);
    void showProblem(const QString& why);

    LabSummaryModel* summaryModel() const { return summary_; }
    LabOutcomeModel* outcomeModel() const { return outcomes_; }
    QTableView* summaryView() const { return summaryView_; }
    QPushButton* runButton() const { return run_; }
    QString status() const;
    QString explanation() const;

Q_SIGNALS:
    void runRequested();

private:
    struct Step {
        bool fullSync = false;
        int target = 0, source = 0; // workspace stores
        bool operator==(const Step&) const = default;
    };
    void storesChanged();
    void showSteps();
    void showStrategy(int row);
    void addEveryPair();
    QString stepText(const Step& step) const;

    QStringList storeNames_;
    std::vector<QCheckBox*> storeBoxes_;
    std::vector<QCheckBox*> strategyBoxes_;
    std::vector<Step> steps_;
    QComboBox* target_;
    QComboBox* source_;
    QListWidget* stepList_;
    QPushButton* run_;
    QLabel* status_;
    LabSummaryModel* summary_;
    LabOutcomeModel* outcomes_;
    QTableView* summaryView_;
    QLabel* outcomeTitle_;
    QPlainTextEdit* why_;
    std::shared_ptr<const PropertyLabReport> report_;
};

} // namespace syncscope

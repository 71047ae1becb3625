#pragma once

#include "propertylab.h"

#include <QAbstractTableModel>

#include <memory>

namespace syncscope {

// The property lab's verdicts: one row per strategy, its end states and one column per
// property ("held", "fails", "not tested"), the counter-example as the tooltip.
class LabSummaryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles { VerdictRole = Qt::UserRole + 1 }; // a property column's LabVerdict::State
    static constexpr int kPropertyColumn = 2;      // the first property column

    explicit LabSummaryModel(QObject* parent = nullptr);
    void setReport(std::shared_ptr<const PropertyLabReport> report);
    const PropertyLabReport* report() const { return report_.get(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const PropertyLabReport> report_;
};

// One strategy's end states side by side: a row per listed key, and for every end state a
// column per store. A cell that differs from the same store's first end state, or from
// another store in its own end state, is flagged (DiffersRole) so the view can mark it.
class LabOutcomeModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles { DiffersRole = Qt::UserRole + 2 }; // apart from LabSummaryModel::VerdictRole

    explicit LabOutcomeModel(QObject* parent = nullptr);
    // The strategy's row of the report (-1 or no report: empty).
    void setReport(std::shared_ptr<const PropertyLabReport> report, int strategy);
    int strategy() const { return strategy_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const LabStrategyResult* result() const;
    size_t storeCount() const { return report_ ? report_->storeNames.size() : 0; }
    const std::string& cell(size_t outcome, size_t row, size_t store) const;
    bool differs(size_t outcome, size_t row, size_t store) const;

    std::shared_ptr<const PropertyLabReport> report_;
    int strategy_ = -1;
};

} // namespace syncscope

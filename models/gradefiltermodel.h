#pragma once

#include "graderows.h"

#include <QAbstractProxyModel>

#include <functional>
#include <memory>
#include <vector>

namespace syncscope {

class GradeTableModel;

// Search and ordering over a grade table: rows whose student or course contains the text
// (case-insensitive) or whose grade is exactly it, ordered by any column, ties in key order.
// Rows still loading are left out.
//
// A new search or order over a large table is computed on a worker thread from a snapshot of
// the rows, so the UI thread never sorts a million rows (QSortFilterProxyModel took 0.5 s
// there). Until it lands, the view keeps showing the previous rows, kept current. The table's
// changes meanwhile are recorded and replayed onto the worker's result, so nothing written
// during the sort is lost. Small changes (a write, a batch, a page of a load) are applied on
// the UI thread in place: renumber, then put the changed rows back by binary search.
class GradeFilterModel : public QAbstractProxyModel {
    Q_OBJECT
public:
    explicit GradeFilterModel(GradeTableModel* source, QObject* parent = nullptr);
    ~GradeFilterModel() override;

    // Shows the rows matching `search`, ordered by `column` (-1: key order); one computation
    // where setSearch() then sort() could start two.
    void setSearchAndOrder(const QString& search, int column, Qt::SortOrder order);
    void setSearch(const QString& text);
    const QString& search() const { return search_; }
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return wanted_.column; }
    Qt::SortOrder sortOrder() const { return wanted_.order; }
    // True while the rows shown still follow an earlier search or order and a worker computes
    // the one asked for last.
    bool isOrdering() const { return job_ != nullptr; }
    // Tables with at least this many loaded rows are searched and ordered on a worker thread;
    // smaller ones at once (50,000 by default: about 10 ms).
    void setBackgroundThreshold(int rows) { threshold_ = rows; }

    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A worker started (true) or there is none left (false): the view may say "sorting…".
    void orderingChanged(bool busy);

private:
    struct Job;

    void follow(const RowChange& change);
    bool changesInPlace(const RowChange& change);
    void reorder();
    void startJob();
    void finishJob();
    void dropJob();
    void install(std::vector<int> order, const GradeOrderSpec& spec);
    void relayout(const std::function<void()>& change, const std::function<int(int)>& renumbered,
                  QAbstractItemModel::LayoutChangeHint hint);
    int positionOf(int sourceRow) const;

    GradeTableModel* grades_;
    QString search_;
    GradeOrderSpec shown_;               // what order_ holds
    GradeOrderSpec wanted_;              // what was asked for last
    std::vector<int> order_;             // view row -> table row
    mutable std::vector<int> positions_; // table row -> view row or -1, rebuilt when stale
    mutable bool positionsStale_ = true;
    int threshold_ = 50000;
    std::unique_ptr<Job> job_;
};

} // namespace syncscope

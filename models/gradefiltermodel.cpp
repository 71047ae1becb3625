#include "gradefiltermodel.h"

#include "gradetablemodel.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>

#include <algorithm>
#include <functional>

namespace syncscope {

// An order being computed on a worker from a snapshot, and what the table did since: the
// moves (replayed in turn onto the result) and the rows changed, in current numbers.
struct GradeFilterModel::Job {
    GradeOrderSpec spec;
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
    QFutureWatcher<std::vector<int>>* watcher = nullptr;
    std::vector<RowChange> moves;
    std::vector<int> changed;
};

GradeFilterModel::GradeFilterModel(GradeTableModel* source, QObject* parent)
    : QAbstractProxyModel(parent)
    , grades_(source) {
    QAbstractProxyModel::setSourceModel(source);
    order_ = orderGradeRows(grades_->rowsView(), shown_);
    connect(source, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        beginResetModel();
        dropJob();
    });
    connect(source, &QAbstractItemModel::modelReset, this, [this] {
        order_ = orderGradeRows(grades_->rowsView(), wanted_);
        shown_ = wanted_;
        positionsStale_ = true;
        endResetModel();
    });
    connect(source, &GradeTableModel::rowsChanged, this, &GradeFilterModel::follow);
}

GradeFilterModel::~GradeFilterModel() {
    if (job_)
        job_->cancelled->store(true); // its watcher goes with this object; the worker ends alone
}

void GradeFilterModel::setSearchAndOrder(const QString& search, int column, Qt::SortOrder order) {
    search_ = search.trimmed();
    wanted_.needle = search_.toStdString();
    wanted_.column = column >= 0 && column < GradeTableModel::ColumnCount ? column : -1;
    wanted_.order = order;
    reorder();
}

void GradeFilterModel::setSearch(const QString& text) {
    setSearchAndOrder(text, wanted_.column, wanted_.order);
}

void GradeFilterModel::sort(int column, Qt::SortOrder order) {
    setSearchAndOrder(search_, column, order);
}

// --- computing an order ----------------------------------------------------------------------

void GradeFilterModel::reorder() {
    if (job_) {
        if (!(job_->spec == wanted_))
            job_->cancelled->store(true); // its end starts the newest wish
        return;
    }
    if (wanted_ == shown_)
        return;
    if (grades_->loadedRows() < threshold_) {
        install(orderGradeRows(grades_->rowsView(), wanted_), wanted_);
        return;
    }
    startJob();
}

void GradeFilterModel::startJob() {
    job_ = std::make_unique<Job>();
    job_->spec = wanted_;
    job_->watcher = new QFutureWatcher<std::vector<int>>(this);
    connect(job_->watcher, &QFutureWatcherBase::finished, this, &GradeFilterModel::finishJob);
    // The snapshot costs a copy of the rows (32 MB for a million, a few milliseconds); sorting
    // them is what must not happen here.
    auto promise = std::make_shared<QPromise<std::vector<int>>>();
    job_->watcher->setFuture(promise->future());
    QThreadPool::globalInstance()->start(
        [promise, rows = grades_->snapshot(), spec = wanted_, cancelled = job_->cancelled] {
            promise->start();
            promise->addResult(orderGradeRows(rows->view(), spec, cancelled.get()));
            promise->finish();
        });
    Q_EMIT orderingChanged(true);
}

void GradeFilterModel::finishJob() {
    std::unique_ptr<Job> job = std::move(job_);
    job->watcher->deleteLater(); // it is emitting this very signal
    if (!job->cancelled->load() && job->watcher->future().resultCount() > 0) {
        std::vector<int> order = job->watcher->future().takeResult();
        for (const RowChange& move : job->moves)
            renumberGradeOrder(order, move);
        placeGradeRows(order, job->changed, grades_->rowsView(), job->spec);
        install(std::move(order), job->spec);
    }
    if (!(wanted_ == shown_))
        reorder();
    if (!job_)
        Q_EMIT orderingChanged(false);
}

void GradeFilterModel::dropJob() {
    if (!job_)
        return;
    job_->cancelled->store(true);
    job_->watcher->disconnect(this);
    job_->watcher->deleteLater();
    job_.reset();
    Q_EMIT orderingChanged(false);
}

// A new search shows other rows: a reset. A new order of the same rows is a layout change, so
// the selection and the current row stay on their rows.
void GradeFilterModel::install(std::vector<int> order, const GradeOrderSpec& spec) {
    if (spec.needle != shown_.needle) {
        beginResetModel();
        order_ = std::move(order);
        shown_ = spec;
        positionsStale_ = true;
        endResetModel();
        return;
    }
    relayout(
        [&] {
            order_ = std::move(order);
            shown_ = spec;
        },
        [](int row) { return row; }, QAbstractItemModel::VerticalSortHint);
}

// Changes order_ inside a layout change, keeping the persistent indexes (selection, current
// row) on their table rows; `renumbered` gives a table row's number after the change, or -1.
void GradeFilterModel::relayout(const std::function<void()>& change,
                                const std::function<int(int)>& renumbered,
                                QAbstractItemModel::LayoutChangeHint hint) {
    Q_EMIT layoutAboutToBeChanged({}, hint);
    const QModelIndexList before = persistentIndexList();
    std::vector<int> rows;
    rows.reserve(static_cast<size_t>(before.size()));
    for (const QModelIndex& idx : before)
        rows.push_back(renumbered(order_[static_cast<size_t>(idx.row())]));
    change();
    positionsStale_ = true;
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        const int source = rows[static_cast<size_t>(i)];
        const int row = source < 0 ? -1 : positionOf(source);
        after << (row < 0 ? QModelIndex() : createIndex(row, before[i].column()));
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, hint);
}

// --- following the table ---------------------------------------------------------------------

void GradeFilterModel::follow(const RowChange& change) {
    if (job_) {
        if (change.movesRows()) {
            job_->moves.push_back({change.insertedAt, change.removedAt, {}});
            renumberGradeOrder(job_->changed, change);
        }
        std::vector<int> merged;
        merged.reserve(job_->changed.size() + change.changed.size());
        std::set_union(job_->changed.begin(), job_->changed.end(), change.changed.begin(),
                       change.changed.end(), std::back_inserter(merged));
        job_->changed = std::move(merged);
    }
    if (changesInPlace(change))
        return;
    relayout(
        [&] {
            renumberGradeOrder(order_, change);
            placeGradeRows(order_, change.changed, grades_->rowsView(), shown_);
        },
        [&change](int row) { return change.renumbered(row); },
        QAbstractItemModel::NoLayoutChangeHint);
}

// Rows whose new content leaves them where they are (still shown between the same neighbours,
// or still hidden) need only a dataChanged: the common SET of a grade that moves nothing.
bool GradeFilterModel::changesInPlace(const RowChange& change) {
    if (change.movesRows() || change.changed.empty())
        return change.changed.empty() && !change.movesRows();
    const GradeRowsView rows = grades_->rowsView();
    const auto before = [&](int a, int b) { return gradeRowBefore(rows, shown_, a, b); };
    int first = INT32_MAX, last = -1;
    for (int source : change.changed) {
        const bool shows = static_cast<size_t>(source) < rows.count &&
                           (shown_.needle.empty() || rows.matches(source, shown_.needle));
        const int at = positionOf(source);
        if (at < 0 && !shows)
            continue;
        if (at < 0 || !shows)
            return false;
        const auto p = static_cast<size_t>(at);
        if ((p > 0 && !before(order_[p - 1], source)) ||
            (p + 1 < order_.size() && !before(source, order_[p + 1])))
            return false;
        first = std::min(first, at);
        last = std::max(last, at);
    }
    if (last >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1));
    return true;
}

int GradeFilterModel::positionOf(int sourceRow) const {
    if (positionsStale_) {
        positions_.assign(static_cast<size_t>(grades_->loadedRows()), -1);
        for (size_t i = 0; i < order_.size(); ++i)
            if (static_cast<size_t>(order_[i]) < positions_.size())
                positions_[static_cast<size_t>(order_[i])] = static_cast<int>(i);
        positionsStale_ = false;
    }
    return sourceRow >= 0 && static_cast<size_t>(sourceRow) < positions_.size()
               ? positions_[static_cast<size_t>(sourceRow)]
               : -1;
}

// --- the proxy's mapping ---------------------------------------------------------------------

QModelIndex GradeFilterModel::mapToSource(const QModelIndex& proxyIndex) const {
    if (!proxyIndex.isValid() || proxyIndex.model() != this ||
        static_cast<size_t>(proxyIndex.row()) >= order_.size())
        return {};
    return grades_->index(order_[static_cast<size_t>(proxyIndex.row())], proxyIndex.column());
}

QModelIndex GradeFilterModel::mapFromSource(const QModelIndex& sourceIndex) const {
    if (!sourceIndex.isValid() || sourceIndex.model() != grades_)
        return {};
    const int row = positionOf(sourceIndex.row());
    return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}

QModelIndex GradeFilterModel::index(int row, int column, const QModelIndex& parent) const {
    if (parent.isValid() || row < 0 || column < 0 || static_cast<size_t>(row) >= order_.size() ||
        column >= GradeTableModel::ColumnCount)
        return {};
    return createIndex(row, column);
}

QModelIndex GradeFilterModel::parent(const QModelIndex&) const {
    return {};
}

QModelIndex GradeFilterModel::sibling(int row, int column, const QModelIndex& idx) const {
    return idx.isValid() ? index(row, column) : QModelIndex();
}

int GradeFilterModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(order_.size());
}

int GradeFilterModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : GradeTableModel::ColumnCount;
}

bool GradeFilterModel::hasChildren(const QModelIndex& parent) const {
    return !parent.isValid() && !order_.empty();
}

QVariant GradeFilterModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal)
        return grades_->headerData(section, orientation, role);
    return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
}

} // namespace syncscope

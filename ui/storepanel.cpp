#include "storepanel.h"

#include "progresstext.h"

#include "columnfit.h"
#include "elidedlabel.h"
#include "gradefiltermodel.h"
#include "gradetablemodel.h"
#include "oplogmodel.h"
#include "tablecopy.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace syncscope {

namespace {
// More changed rows than this are a batch (an import, a reload), not a step to follow: they are
// neither flashed nor selected.
constexpr int kFlashedRowsAtMost = 64;
} // namespace

namespace {

// Rows still loading are drawn dimmed (the model only says which they are); rows a step just
// changed are drawn highlighted for a moment.
class GradeDelegate : public QStyledItemDelegate {
public:
    GradeDelegate(const StorePanel* panel, QObject* parent)
        : QStyledItemDelegate(parent)
        , panel_(panel) {}

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(GradeTableModel::PlaceholderRole).toBool())
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
        if (panel_->isFlashing(index.row()))
            option->backgroundBrush = QColor(254, 240, 138);
    }

private:
    const StorePanel* panel_;
};

// A write that lost on arrival (OplogModel::LostOnArrivalRole) is drawn struck through and
// dimmed: it is in the log, but it never showed in the table.
class OplogDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (!index.data(OplogModel::LostOnArrivalRole).toBool())
            return;
        option->font.setStrikeOut(true);
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
    }
};

QTableView* makeView(QAbstractItemModel* model, QWidget* parent) {
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Fixed row heights: a million rows must not be measured one by one.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    // Interactive widths: ResizeToContents would measure every row of a million-row table.
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setDefaultSectionSize(72);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace

StorePanel::StorePanel(const StoreDescription& store, GradeTableModel* grades, OplogModel* oplog,
                       QWidget* parent)
    : QWidget(parent)
    , name_(store.name)
    , kind_(store.embedded ? QStringLiteral("embedded (%1)").arg(store.kind) : store.kind)
    , capture_(store.capture.isEmpty() ? QString() : QStringLiteral("capture: ") + store.capture)
    , state_(QStringLiteral("connecting")) {
    setObjectName(QStringLiteral("store-panel-") + store.name);
    nameLabel_ = new QLabel(this);
    // Bold through markup, not a font of its own: its size follows the window's (zoom).
    nameLabel_->setTextFormat(Qt::RichText);
    nameLabel_->setText(QStringLiteral("<b>%1</b>").arg(store.name.toHtmlEscaped()));
    nameLabel_->setToolTip(store.location);
    header_ = new ElidedLabel(QString(), this, Qt::ElideRight);
    header_->setObjectName(QStringLiteral("store-header"));
    gradeModel_ = grades;
    grades_ = makeView(grades, this);
    grades_->setItemDelegate(new GradeDelegate(this, grades_));
    flashTimer_ = new QTimer(this);
    flashTimer_->setSingleShot(true);
    flashTimer_->setInterval(700);
    connect(flashTimer_, &QTimer::timeout, this, [this] {
        flashing_.clear();
        grades_->viewport()->update();
    });
    grades_->setObjectName(QStringLiteral("grades"));
    // The key's ids give way before the grade: the column the panel is for stays in view.
    new ColumnFit(grades_, {{GradeTableModel::Student, 80, true},
                            {GradeTableModel::Course, 64, true},
                            {GradeTableModel::Grade, 46, false}});
    for (auto [column, width] :
         {std::pair{GradeTableModel::Timestamp, 44}, {GradeTableModel::Origin, 56}})
        grades_->setColumnWidth(column, width);
    oplog_ = makeView(oplog, this);
    oplog_->setObjectName(QStringLiteral("oplog"));
    oplog_->setItemDelegate(new OplogDelegate(oplog_));
    // In the seed files' order, ts first, so it is never the column cut off at the edge.
    for (auto [column, width] : {std::pair{OplogModel::Position, 60},
                                 {OplogModel::Timestamp, 64},
                                 {OplogModel::Op, 58},
                                 {OplogModel::Student, 80},
                                 {OplogModel::Course, 64},
                                 {OplogModel::Value, 52},
                                 {OplogModel::Origin, 56},
                                 {OplogModel::Seq, 40}})
        oplog_->setColumnWidth(column, width);
    enableCopyAsCsv(grades_);
    enableCopyAsCsv(oplog_);
    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->addWidget(grades_);
    splitter_->addWidget(oplog_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 1);
    splitter_->setSizes({300, 300});

    oplogModel_ = oplog;
    // A reload (the store opened, a Reset, an import, a store added beside it) is not a step:
    // nothing of it is to be revealed. But the view stays where it was: at the log's newest
    // entries, as at first open, or where the user scrolled up to read.
    connect(oplog, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const QScrollBar* bar = oplog_->verticalScrollBar();
        const bool atEnd = oplogToEnd_ || oplogModel_->rowCount() == 0 ||
                           (oplogModel_->reachedEnd() && bar->value() >= bar->maximum());
        keptOplogRow_ = atEnd ? -1 : std::max(0, oplog_->rowAt(0));
    });
    connect(oplog, &QAbstractItemModel::modelReset, this, [this] {
        revealOplog_ = false;
        oplogToEnd_ = keptOplogRow_ < 0;
        if (oplogToEnd_)
            oplogModel_->fetchToEnd();
        else
            oplogModel_->fetchMore({});
    });
    // After a step on a long log whose end is not loaded yet, the pages up to the end are
    // fetched and the view shows the last entry; Ctrl+End goes to the log's real end too.
    connect(oplog, &OplogModel::endReached, this, [this] {
        if (!revealOplog_ && !oplogToEnd_)
            return;
        revealOplog_ = oplogToEnd_ = false;
        const int last = oplog_->model()->rowCount() - 1;
        if (last < 0)
            return;
        oplog_->scrollToBottom();
        oplog_->setCurrentIndex(oplog_->model()->index(last, 0));
        oplog_->selectRow(last);
    });
    oplog_->installEventFilter(this);
    connect(
        oplog, &QAbstractItemModel::rowsInserted, this,
        [this](const QModelIndex&, int first, int last) {
            if (keptOplogRow_ >= 0) {
                // The model takes its `more` after the rows are in: carry on from the loop.
                QTimer::singleShot(0, this, &StorePanel::keepOplogPlace);
                return;
            }
            if (!revealOplog_ || !oplogModel_->reachedEnd())
                return;
            revealOplog_ = false;
            oplog_->scrollTo(oplog_->model()->index(last, 0));
            // A step's few entries are selected; an import's or a reloaded log's hundreds would
            // leave every row highlighted: the last one is current, alone.
            if (last - first >= kFlashedRowsAtMost)
                first = last;
            oplog_->setCurrentIndex(oplog_->model()->index(last, 0));
            oplog_->selectionModel()->select(
                QItemSelection(oplog_->model()->index(first, 0),
                               oplog_->model()->index(last, oplog_->model()->columnCount() - 1)),
                QItemSelectionModel::ClearAndSelect);
        });
    search_ = new QLineEdit(this);
    search_->setObjectName(QStringLiteral("grade-search"));
    search_->setPlaceholderText(QStringLiteral("Search student, course or grade"));
    search_->setClearButtonEnabled(true);
    search_->setMaximumWidth(240);
    search_->setMinimumWidth(80);
    connect(search_, &QLineEdit::textChanged, this, &StorePanel::setSearch);
    // Header clicks order the table (ascending, descending, key order); the panel, not the
    // view, applies them, so the plain table can stay in the view until an order is asked for.
    QHeaderView* gradeHeader = grades_->horizontalHeader();
    gradeHeader->setSectionsClickable(true);
    gradeHeader->setSortIndicatorShown(true);
    gradeHeader->setSortIndicatorClearable(true);
    gradeHeader->setSortIndicator(-1, Qt::AscendingOrder);
    connect(gradeHeader, &QHeaderView::sortIndicatorChanged, this, &StorePanel::showSearchAndOrder);
    sorting_ = new QLabel(QStringLiteral("sorting…"), this);
    sorting_->setObjectName(QStringLiteral("grade-sorting"));
    sorting_->hide();
    auto* top = new QHBoxLayout;
    top->addWidget(nameLabel_);
    top->addWidget(header_, 1);
    top->addWidget(sorting_);
    top->addWidget(search_);
    buildProblemBanner();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(problem_);
    layout->addWidget(splitter_, 1);
    updateHeader();
}

void StorePanel::buildProblemBanner() {
    problem_ = new QFrame(this);
    problem_->setObjectName(QStringLiteral("store-problem"));
    problem_->setFrameShape(QFrame::StyledPanel);
    problem_->setAutoFillBackground(true);
    QPalette tint = problem_->palette();
    tint.setColor(QPalette::Window, QColor(254, 226, 226));
    tint.setColor(QPalette::WindowText, QColor(127, 29, 29));
    problem_->setPalette(tint);
    problemText_ = new QLabel(problem_);
    problemText_->setObjectName(QStringLiteral("store-problem-text"));
    problemText_->setWordWrap(true);
    problemText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wraps to the panel's width; a long unbroken URI is cut rather than widening the window
    // (the whole text is in the tooltip and can be selected).
    problemText_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    problemText_->setMinimumWidth(1);
    problemText_->setMinimumHeight(5 * problemText_->fontMetrics().lineSpacing());
    auto* retry = new QPushButton(QStringLiteral("&Retry"), problem_);
    retry->setObjectName(QStringLiteral("store-retry"));
    retry->setToolTip(QStringLiteral("Open the store again"));
    auto* edit = new QPushButton(QStringLiteral("E&dit…"), problem_); // Alt+E is the Edit menu
    edit->setObjectName(QStringLiteral("store-edit"));
    edit->setToolTip(QStringLiteral("Change its address or name (the session is kept)"));
    auto* remove = new QPushButton(QStringLiteral("Re&move"), problem_);
    remove->setObjectName(QStringLiteral("store-remove"));
    remove->setToolTip(QStringLiteral("Take it out of the workspace; its data stays where it is"));
    connect(retry, &QPushButton::clicked, this, &StorePanel::retryRequested);
    connect(edit, &QPushButton::clicked, this, &StorePanel::editRequested);
    connect(remove, &QPushButton::clicked, this, &StorePanel::removeRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(retry);
    buttons->addWidget(edit);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(problem_);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(problemText_);
    layout->addLayout(buttons);
    problem_->hide();
}

void StorePanel::showProblem(const QString& why) {
    problemText_->setText(
        QStringLiteral("Not connected; lines naming it are refused until it is: %1").arg(why));
    problemText_->setToolTip(problemText_->text());
    problem_->show();
}

void StorePanel::clearProblem() {
    problem_->hide();
}

bool StorePanel::hasProblem() const {
    return !problem_->isHidden();
}

QString StorePanel::problemText() const {
    return problemText_->text();
}

void StorePanel::revealNextOplogRows() {
    revealOplog_ = true;
    if (!oplogModel_->reachedEnd())
        oplogModel_->fetchToEnd();
}

void StorePanel::keepOplogPlace() {
    if (keptOplogRow_ < 0)
        return;
    const int rows = oplogModel_->rowCount();
    if (rows <= keptOplogRow_ && oplogModel_->canFetchMore({})) {
        oplogModel_->fetchMore({});
        return;
    }
    if (rows <= keptOplogRow_ && !oplogModel_->reachedEnd())
        return; // a page is on its way
    const int row = std::min(keptOplogRow_, rows - 1);
    keptOplogRow_ = -1;
    if (row < 0)
        return;
    // The view lays out inserted rows later (a zero timer of its own): until then its scroll
    // range is the one of the rows before, and the place would be clamped to it.
    oplog_->doItemsLayout();
    oplog_->scrollTo(oplogModel_->index(row, 0), QAbstractItemView::PositionAtTop);
}

void StorePanel::showOplogEnd() {
    oplogToEnd_ = true;
    oplogModel_->fetchToEnd();
}

bool StorePanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == oplog_ && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_End && (key->modifiers() & Qt::ControlModifier)) {
            showOplogEnd();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void StorePanel::setSearch(const QString& text) {
    if (search_->text() != text)
        search_->setText(text); // comes back here through textChanged
    showSearchAndOrder();
}

void StorePanel::setSortOrder(int column, Qt::SortOrder order) {
    QHeaderView* header = grades_->horizontalHeader();
    if (header->sortIndicatorSection() != column || header->sortIndicatorOrder() != order)
        header->setSortIndicator(column, order); // comes back here through sortIndicatorChanged
    showSearchAndOrder();
}

bool StorePanel::isSorting() const {
    return filter_ && filter_->isOrdering();
}

// The plain table while there is neither search nor order (no copy of a million row numbers);
// otherwise the filter, made on first use and dropped again afterwards so that it stops
// following the table's changes.
void StorePanel::showSearchAndOrder() {
    const QString text = search_->text().trimmed();
    const QHeaderView* header = grades_->horizontalHeader();
    const int column = header->sortIndicatorSection();
    const bool ordered = column >= 0 && column < GradeTableModel::ColumnCount;
    if (text.isEmpty() && !ordered) {
        if (grades_->model() != gradeModel_)
            grades_->setModel(gradeModel_);
        if (filter_) {
            filter_->deleteLater();
            filter_ = nullptr;
            sorting_->hide();
        }
        return;
    }
    if (!filter_) {
        filter_ = new GradeFilterModel(gradeModel_, this);
        connect(filter_, &GradeFilterModel::orderingChanged, sorting_, &QWidget::setVisible);
    }
    filter_->setSearchAndOrder(text, ordered ? column : -1, header->sortIndicatorOrder());
    if (grades_->model() != filter_)
        grades_->setModel(filter_);
}

void StorePanel::showCommittedWrites(const std::vector<GradeRecord>& keys, bool following) {
    const int lastRow = gradeModel_->applyWrites(keys);
    if (lastRow >= 0 && following)
        showGradeRow(lastRow, false);
    // The step's changed rows flash (a few: a big batch is not a step to follow).
    if (keys.size() <= kFlashedRowsAtMost) {
        std::vector<int> rows;
        for (const GradeRecord& g : keys)
            if (const int r = gradeModel_->rowOf(g.studentId, g.courseId); r >= 0)
                rows.push_back(r);
        flashGradeRows(rows);
    }
    // A step's entries are shown at the log's end; a Run is not chased page by page (the
    // view shows the end once the run stops).
    if (following)
        revealNextOplogRows();
    if (!gradeModel_->isLoading())
        setCounts(StoreCounts{gradeModel_->rowCount(), -1});
}

void StorePanel::flashGradeRows(const std::vector<int>& sourceRows) {
    flashing_.clear();
    for (int row : sourceRows) {
        QModelIndex index = gradeModel_->index(row, 0);
        if (grades_->model() == filter_ && filter_)
            index = filter_->mapFromSource(index);
        if (index.isValid())
            flashing_.insert(index.row());
    }
    grades_->viewport()->update();
    flashTimer_->start();
}

bool StorePanel::showGradeRow(int sourceRow, bool select) {
    QModelIndex index = gradeModel_->index(sourceRow, 0);
    if (grades_->model() == filter_ && filter_)
        index = filter_->mapFromSource(index);
    if (!index.isValid())
        return false;
    grades_->scrollTo(index);
    if (select)
        grades_->selectRow(index.row());
    return true;
}

void StorePanel::setState(const QString& state) {
    state_ = state;
    updateHeader();
}

void StorePanel::setCounts(const StoreCounts& counts) {
    keys_ = counts.liveKeys;
    updateHeader();
}

void StorePanel::setCaptureProgress(const CaptureProgress& progress) {
    capture_ = QStringLiteral("capture: ") + captureText(progress);
    updateHeader();
}

void StorePanel::updateHeader() {
    const QString keys = keys_ < 0 ? QStringLiteral("…") : QLocale().toString(keys_);
    // The count first: it is what changes, and what is left when the panel is narrow.
    QString text =
        QStringLiteral("%1 %2  ·  %3  ·  %4")
            .arg(keys, keys_ == 1 ? QStringLiteral("key") : QStringLiteral("keys"), state_, kind_);
    if (!capture_.isEmpty())
        text += QStringLiteral("  ·  ") + capture_;
    header_->setText(text);
}

} // namespace syncscope

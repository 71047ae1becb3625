#include "conflictview.h"

#include "clockskewpanel.h"
#include "conflictcolors.h"
#include "conflictexplain.h"
#include "conflictmodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace syncscope {

namespace {

constexpr ConflictKind kFilterKinds[] = {ConflictKind::Concurrent, ConflictKind::FastForward,
                                         ConflictKind::Missing};

// "Fast-forward" for a button: the bucket's name, capitalised.
QString kindLabel(ConflictKind kind) {
    QString name = conflictKindName(kind);
    name[0] = name[0].toUpper();
    return name;
}
} // namespace

ConflictView::ConflictView(const QStringList& storeNames, QWidget* parent)
    : QWidget(parent)
    , model_(new ConflictModel(this)) {
    setObjectName(QStringLiteral("conflict-view"));

    auto* stores = new QHBoxLayout;
    stores->addWidget(new QLabel(QStringLiteral("Compare:"), this));
    for (const QString& name : storeNames) {
        auto* b = new QToolButton(this);
        b->setText(name);
        b->setCheckable(true);
        b->setChecked(true);
        b->setToolTip(QStringLiteral("Include %1 in the comparison").arg(name));
        connect(b, &QToolButton::toggled, this, &ConflictView::refreshRequested);
        stores->addWidget(b);
        storeButtons_.push_back(b);
    }
    stores->addStretch(1);
    busy_ = new QLabel(QStringLiteral("Classifying…"), this);
    busy_->hide();
    stores->addWidget(busy_);
    auto_ = new QCheckBox(QStringLiteral("Follow changes"), this);
    auto_->setChecked(true);
    auto_->setToolTip(QStringLiteral("Classify again after every command, step or merge"));
    stores->addWidget(auto_);
    auto* refresh = new QToolButton(this);
    refresh->setObjectName(QStringLiteral("conflicts-refresh"));
    refresh->setText(QStringLiteral("Refresh"));
    refresh->setToolTip(QStringLiteral("Classify every key again (Ctrl+Shift+K)"));
    connect(refresh, &QToolButton::clicked, this, &ConflictView::refreshRequested);
    stores->addWidget(refresh);

    auto* kinds = new QHBoxLayout;
    kindButtons_.assign(kConflictKinds, nullptr);
    for (ConflictKind kind : kFilterKinds) {
        auto* b = new QToolButton(this);
        b->setCheckable(true);
        b->setChecked(true);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setToolTip(QStringLiteral("Show or hide the %1 keys").arg(conflictKindName(kind)));
        connect(b, &QToolButton::toggled, this, &ConflictView::applyKindFilter);
        kinds->addWidget(b);
        kindButtons_[static_cast<size_t>(kind)] = b;
    }
    summary_ = new QLabel(this);
    kinds->addWidget(summary_, 1);

    grid_ = new QTableView(this);
    grid_->setObjectName(QStringLiteral("conflict-grid"));
    auto* colors = new ConflictColors(this);
    colors->setSourceModel(model_);
    grid_->setModel(colors);
    grid_->setSelectionBehavior(QAbstractItemView::SelectRows);
    grid_->setSelectionMode(QAbstractItemView::SingleSelection);
    grid_->setWordWrap(false);
    grid_->verticalHeader()->setDefaultSectionSize(grid_->fontMetrics().height() + 6);
    grid_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    grid_->horizontalHeader()->setStretchLastSection(true);
    connect(grid_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateWhy();
        const QModelIndex current = grid_->currentIndex();
        if (current.isValid() && !restoringSelection_)
            Q_EMIT keySelected(model_->index(current.row(), 0).data().toString(),
                               model_->index(current.row(), 1).data().toString());
    });

    why_ = new QTextBrowser(this);
    why_->setObjectName(QStringLiteral("conflict-why"));
    why_->setPlaceholderText(QStringLiteral("Select a key to see which write wins and why."));
    stale_ = new QListWidget(this);
    stale_->setObjectName(QStringLiteral("stale-reads"));
    stale_->setWordWrap(true);
    details_ = new QTabWidget(this);
    details_->addTab(why_, QStringLiteral("Why"));
    details_->addTab(stale_, QStringLiteral("Stale reads"));
    skew_ = new ClockSkewPanel(storeNames, this);
    // Scrolled, so its sliders do not set the height of the whole dock.
    auto* skewScroll = new QScrollArea(this);
    skewScroll->setWidgetResizable(true);
    skewScroll->setFrameShape(QFrame::NoFrame);
    skewScroll->setWidget(skew_);
    details_->addTab(skewScroll, QStringLiteral("Clock skew"));
    // Small minimums: the dock shares the height of a 720-line projector with the stores.
    const int line = grid_->fontMetrics().height() + 6;
    grid_->setMinimumHeight(3 * line);
    details_->setMinimumHeight(4 * line);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(grid_);
    split->addWidget(details_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(stores);
    layout->addLayout(kinds);
    layout->addWidget(split, 1);
    updateCounts();
}

void ConflictView::setStoreAvailable(int store, bool available) {
    QToolButton* b = storeButtons_[static_cast<size_t>(store)];
    b->setEnabled(available);
    b->setChecked(available);
    b->setToolTip(available ? QStringLiteral("Include %1 in the comparison").arg(b->text())
                            : QStringLiteral("%1 is not connected (see its panel)").arg(b->text()));
}

std::vector<int> ConflictView::chosenStores() const {
    std::vector<int> out;
    for (size_t i = 0; i < storeButtons_.size(); ++i)
        if (storeButtons_[i]->isChecked())
            out.push_back(static_cast<int>(i));
    return out;
}

bool ConflictView::autoRefresh() const {
    return auto_->isChecked();
}

void ConflictView::setBusy(bool busy) {
    busy_->setVisible(busy);
}

QAbstractButton* ConflictView::kindButton(ConflictKind kind) const {
    return kindButtons_[static_cast<size_t>(kind)];
}

QString ConflictView::whyText() const {
    return why_->toPlainText();
}

void ConflictView::setSnapshot(std::shared_ptr<const ConflictSnapshot> snapshot) {
    // Keep the selected key selected across refreshes, when it is still listed.
    QString sid, cid;
    if (const QModelIndex current = grid_->currentIndex(); current.isValid()) {
        sid = model_->index(current.row(), 0).data().toString();
        cid = model_->index(current.row(), 1).data().toString();
    }
    model_->setSnapshot(std::move(snapshot));
    // Neither the restored key nor the first one (something to read at once) is a pick of the
    // user's: the store panels, which follow picks, stay where a script step put them.
    restoringSelection_ = true;
    if ((sid.isEmpty() || !selectKey(sid, cid)) && model_->rowCount() > 0)
        grid_->setCurrentIndex(grid_->model()->index(0, 0));
    restoringSelection_ = false;
    grid_->resizeColumnsToContents();
    updateCounts();
    updateWhy();

    stale_->clear();
    const ConflictSnapshot* s = model_->snapshot();
    if (!s)
        return;
    // A few hundred explanations are plenty to read; the count says how many there are.
    constexpr size_t kListed = 500;
    for (size_t i = 0; i < s->staleReads().size() && i < kListed; ++i)
        stale_->addItem(explainStaleRead(*s, s->staleReads()[i]));
    details_->setTabText(1, QStringLiteral("Stale reads (%1)").arg(s->staleReads().size()));
}

bool ConflictView::selectKey(const QString& studentId, const QString& courseId) {
    const int row = model_->rowOf(studentId, courseId);
    if (row < 0)
        return false;
    const QModelIndex index = grid_->model()->index(row, 0);
    grid_->setCurrentIndex(index);
    grid_->scrollTo(index);
    return true;
}

void ConflictView::applyKindFilter() {
    unsigned mask = 0;
    for (ConflictKind kind : kFilterKinds)
        if (kindButton(kind)->isChecked())
            mask |= 1u << static_cast<unsigned>(kind);
    model_->setVisibleKinds(mask);
    updateWhy();
}

void ConflictView::updateCounts() {
    const ConflictSnapshot* s = model_->snapshot();
    for (ConflictKind kind : kFilterKinds)
        kindButton(kind)->setText(QStringLiteral("%1 (%2)").arg(
            kindLabel(kind), QString::number(s ? s->count(kind) : 0)));
    if (!s) {
        summary_->setText(QStringLiteral("Not classified yet"));
        return;
    }
    QStringList names;
    for (size_t i = 0; i < s->storeCount(); ++i)
        names << QString::fromUtf8(s->storeName(i));
    summary_->setText(QStringLiteral("%1 identical · comparing %2")
                          .arg(QString::number(s->count(ConflictKind::Identical)),
                               names.join(QStringLiteral(", "))));
}

void ConflictView::updateWhy() {
    const QModelIndex current = grid_->currentIndex();
    const ConflictSnapshot* s = model_->snapshot();
    if (!s || !current.isValid() || current.row() >= model_->rowCount()) {
        why_->clear();
        return;
    }
    why_->setPlainText(explainConflict(*s, model_->snapshotRow(current.row())));
}

} // namespace syncscope

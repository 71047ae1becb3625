#include "propertylabdialog.h"

#include "counttext.h"
#include "propertylabmodels.h"

#include <QBrush>
#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace syncscope {

namespace {

// Tints for the lab's models, which speak in roles (QtCore only): a property that held green,
// one that failed red; a cell that ends differently amber.
class LabColors : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex& index, int role) const override {
        if (role != Qt::BackgroundRole)
            return QIdentityProxyModel::data(index, role);
        const QVariant verdict = QIdentityProxyModel::data(index, LabSummaryModel::VerdictRole);
        if (verdict.isValid()) {
            switch (static_cast<LabVerdict::State>(verdict.toInt())) {
            case LabVerdict::State::Held:
                return QBrush(QColor(46, 160, 67, 70));
            case LabVerdict::State::Failed:
                return QBrush(QColor(207, 34, 46, 80));
            case LabVerdict::State::NotTested:
                return {};
            }
        }
        if (QIdentityProxyModel::data(index, LabOutcomeModel::DiffersRole).toBool())
            return QBrush(QColor(219, 171, 9, 80));
        return {};
    }
};

QTableView* tableOf(QAbstractItemModel* model, QWidget* parent) {
    auto* proxy = new LabColors(parent);
    proxy->setSourceModel(model);
    auto* view = new QTableView(parent);
    view->setModel(proxy);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return view;
}

size_t ordersOf(size_t steps) {
    size_t n = 1;
    for (size_t i = 2; i <= steps; ++i)
        n *= i;
    return n;
}

} // namespace

PropertyLabDialog::PropertyLabDialog(const QStringList& storeNames, QWidget* parent)
    : QDialog(parent)
    , storeNames_(storeNames)
    , summary_(new LabSummaryModel(this))
    , outcomes_(new LabOutcomeModel(this)) {
    setObjectName(QStringLiteral("property-lab"));
    setWindowTitle(QStringLiteral("Property Lab"));

    auto* stores = new QHBoxLayout;
    stores->addWidget(new QLabel(QStringLiteral("Stores:"), this));
    for (const QString& name : storeNames) {
        auto* box = new QCheckBox(name, this);
        box->setChecked(true);
        connect(box, &QCheckBox::toggled, this, &PropertyLabDialog::storesChanged);
        stores->addWidget(box);
        storeBoxes_.push_back(box);
    }
    stores->addStretch(1);
    auto* priorityNote =
        new QLabel(QStringLiteral("Store priority trusts them in this order."), this);
    stores->addWidget(priorityNote);

    target_ = new QComboBox(this);
    target_->setToolTip(QStringLiteral("The store that merges"));
    source_ = new QComboBox(this);
    source_->setToolTip(QStringLiteral("The store it merges from"));
    auto* addMerge = new QPushButton(QStringLiteral("&Add MERGE"), this);
    connect(addMerge, &QPushButton::clicked, this, [this] {
        addStep(false, target_->currentData().toInt(), source_->currentData().toInt());
    });
    auto* addSync = new QPushButton(QStringLiteral("Add &FULL_SYNC"), this);
    connect(addSync, &QPushButton::clicked, this, [this] { addStep(true, 0, 0); });
    auto* everyPair = new QPushButton(QStringLiteral("&Every pair"), this);
    everyPair->setToolTip(
        QStringLiteral("Every store merges from every other (gossip), as far as %1 merges go")
            .arg(kMaxLabSteps));
    connect(everyPair, &QPushButton::clicked, this, &PropertyLabDialog::addEveryPair);
    auto* clear = new QPushButton(QStringLiteral("C&lear"), this);
    connect(clear, &QPushButton::clicked, this, &PropertyLabDialog::clearSteps);
    auto* builder = new QHBoxLayout;
    builder->addWidget(target_);
    builder->addWidget(new QLabel(QStringLiteral(".MERGE("), this));
    builder->addWidget(source_);
    builder->addWidget(new QLabel(QStringLiteral(")"), this));
    builder->addWidget(addMerge);
    builder->addWidget(addSync);
    builder->addWidget(everyPair);
    builder->addWidget(clear);
    builder->addStretch(1);

    stepList_ = new QListWidget(this);
    stepList_->setObjectName(QStringLiteral("lab-steps"));
    stepList_->setMaximumHeight(fontMetrics().height() * 7);
    stepList_->setToolTip(QStringLiteral("The merges, run in every order (Delete removes one)"));
    auto* remove =
        new QShortcut(QKeySequence::Delete, stepList_, nullptr, nullptr, Qt::WidgetShortcut);
    connect(remove, &QShortcut::activated, this, [this] {
        const int row = stepList_->currentRow();
        if (row < 0)
            return;
        steps_.erase(steps_.begin() + row);
        showSteps();
    });

    auto* strategies = new QHBoxLayout;
    strategies->addWidget(new QLabel(QStringLiteral("Strategies:"), this));
    for (MergeStrategy s : labStrategies()) {
        auto* box = new QCheckBox(QString::fromUtf8(mergeStrategyTitle(s)), this);
        box->setChecked(true);
        strategies->addWidget(box);
        strategyBoxes_.push_back(box);
    }
    strategies->addStretch(1);

    run_ = new QPushButton(QStringLiteral("&Run every order"), this);
    run_->setShortcut(Qt::CTRL | Qt::Key_Return);
    run_->setToolTip(QStringLiteral("Runs the merges in every order, once per strategy, on a "
                                    "copy of the stores' history (Ctrl+Return)"));
    connect(run_, &QPushButton::clicked, this, &PropertyLabDialog::runRequested);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(run_);
    runRow->addWidget(status_, 1);

    summaryView_ = tableOf(summary_, this);
    summaryView_->setObjectName(QStringLiteral("lab-summary"));
    auto* outcomeView = tableOf(outcomes_, this);
    outcomeView->setObjectName(QStringLiteral("lab-outcomes"));
    outcomeView->setSelectionBehavior(QAbstractItemView::SelectItems);
    connect(summaryView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showStrategy(current.row()); });
    outcomeTitle_ = new QLabel(this);
    outcomeTitle_->setWordWrap(true);
    why_ = new QPlainTextEdit(this);
    why_->setReadOnly(true);
    why_->setObjectName(QStringLiteral("lab-why"));
    auto* outcomeBox = new QWidget(this);
    auto* outcomeLayout = new QVBoxLayout(outcomeBox);
    outcomeLayout->setContentsMargins(0, 0, 0, 0);
    outcomeLayout->addWidget(outcomeTitle_);
    outcomeLayout->addWidget(outcomeView, 1);
    auto* results = new QSplitter(Qt::Vertical, this);
    results->addWidget(summaryView_);
    results->addWidget(outcomeBox);
    results->addWidget(why_);
    results->setStretchFactor(1, 2);

    // The controls scroll rather than grow the dialog past the screen: at 150 % on a 1280×720
    // projector it reached the bottom of the screen. Run stays put; the results below shrink on
    // their own (each table scrolls).
    auto* controls = new QWidget;
    auto* controlLayout = new QVBoxLayout(controls);
    controlLayout->setContentsMargins(0, 0, 0, 0);
    controlLayout->addLayout(stores);
    controlLayout->addLayout(builder);
    controlLayout->addWidget(stepList_);
    controlLayout->addLayout(strategies);
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("labScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setFocusPolicy(Qt::NoFocus); // the first control takes the focus, not the frame
    scroll->setWidget(controls);
    // As tall as the controls where there is room, and no taller: the results take the rest.
    scroll->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll);
    layout->addLayout(runRow); // Run and what it says stay in view, as the Merge dialog's Apply
    layout->addWidget(results, 1);
    // 900×700 where there is room; on a projector's 1280×720, the screen less the window
    // manager's title bar and a taskbar, as the Merge dialog.
    if (const QScreen* screen = QGuiApplication::primaryScreen()) {
        const QRect room = screen->availableGeometry();
        resize(std::min(900, room.width() - 20), std::min(700, room.height() - 60));
    } else {
        resize(900, 700);
    }
    storesChanged();
}

std::vector<int> PropertyLabDialog::labStores() const {
    std::vector<int> out;
    for (size_t i = 0; i < storeBoxes_.size(); ++i)
        if (storeBoxes_[i]->isChecked())
            out.push_back(static_cast<int>(i));
    return out;
}

std::vector<LabStep> PropertyLabDialog::steps() const {
    const std::vector<int> stores = labStores();
    const auto labIndex = [&](int store) {
        return static_cast<size_t>(std::find(stores.begin(), stores.end(), store) - stores.begin());
    };
    std::vector<LabStep> out;
    for (const Step& s : steps_)
        out.push_back({s.fullSync, labIndex(s.target), labIndex(s.source)});
    return out;
}

std::vector<MergeStrategy> PropertyLabDialog::strategies() const {
    const std::vector<MergeStrategy> all = labStrategies();
    std::vector<MergeStrategy> out;
    for (size_t i = 0; i < all.size(); ++i)
        if (strategyBoxes_[i]->isChecked())
            out.push_back(all[i]);
    return out;
}

void PropertyLabDialog::setStoreChecked(int store, bool checked) {
    storeBoxes_[static_cast<size_t>(store)]->setChecked(checked);
}

void PropertyLabDialog::addStep(bool fullSync, int target, int source) {
    if (steps_.size() >= kMaxLabSteps) {
        status_->setText(QStringLiteral("At most %1 merges: that is %2 orders already.")
                             .arg(kMaxLabSteps)
                             .arg(ordersOf(kMaxLabSteps)));
        return;
    }
    if (!fullSync && target == source) {
        status_->setText(QStringLiteral("A store cannot merge from itself."));
        return;
    }
    steps_.push_back(fullSync ? Step{true, 0, 0} : Step{false, target, source});
    showSteps();
}

void PropertyLabDialog::clearSteps() {
    steps_.clear();
    showSteps();
}

void PropertyLabDialog::addEveryPair() {
    const std::vector<int> stores = labStores();
    for (int t : stores)
        for (int s : stores)
            if (t != s && steps_.size() < kMaxLabSteps &&
                std::find(steps_.begin(), steps_.end(), Step{false, t, s}) == steps_.end())
                steps_.push_back({false, t, s});
    showSteps();
}

QString PropertyLabDialog::stepText(const Step& step) const {
    if (step.fullSync)
        return QStringLiteral("FULL_SYNC (every store of the lab)");
    return QStringLiteral("%1.MERGE(%2)").arg(storeNames_[step.target], storeNames_[step.source]);
}

void PropertyLabDialog::storesChanged() {
    const std::vector<int> stores = labStores();
    const auto inLab = [&](int s) {
        return std::find(stores.begin(), stores.end(), s) != stores.end();
    };
    // A merge with a store that left the lab goes with it.
    std::erase_if(steps_, [&](const Step& s) {
        return !s.fullSync && !(inLab(s.target) && inLab(s.source));
    });
    for (QComboBox* box : {target_, source_}) {
        const int was = box->currentData().toInt();
        box->clear();
        for (int s : stores)
            box->addItem(storeNames_[s], s);
        box->setCurrentIndex(std::max(0, box->findData(was)));
    }
    if (source_->count() > 1 && source_->currentIndex() == target_->currentIndex())
        source_->setCurrentIndex(target_->currentIndex() == 0 ? 1 : 0);
    showSteps();
}

void PropertyLabDialog::showSteps() {
    stepList_->clear();
    for (const Step& s : steps_)
        stepList_->addItem(stepText(s));
    const size_t orders = ordersOf(steps_.size());
    const bool enough = labStores().size() >= 2 && !steps_.empty();
    run_->setEnabled(enough);
    status_->setText(
        labStores().size() < 2 ? QStringLiteral("Choose at least two stores.")
        : steps_.empty()
            ? QStringLiteral("Add the merges to try: each order of them runs on a copy of the "
                             "stores' history, once per strategy.")
            : QStringLiteral("%1: up to %2 per strategy.")
                  .arg(countOf(static_cast<qint64>(steps_.size()), "merge"),
                       countOf(static_cast<qint64>(orders), "order")));
}

void PropertyLabDialog::showRunning() {
    run_->setEnabled(false);
    status_->setText(QStringLiteral("Running every order…"));
}

void PropertyLabDialog::showProblem(const QString& why) {
    showSteps();
    status_->setText(QStringLiteral("The lab could not run: %1").arg(why));
}

void PropertyLabDialog::showReport(std::shared_ptr<const PropertyLabReport> report,
                                   double seconds) {
    showSteps();
    if (!report->problem.empty()) {
        showProblem(QString::fromStdString(report->problem));
        return;
    }
    report_ = std::move(report);
    summary_->setReport(report_);
    QString keys = QStringLiteral("%1 the stores disagree on")
                       .arg(countOf(static_cast<qint64>(report_->labKeys), "key"));
    if (report_->differingKeys > report_->labKeys)
        keys = QStringLiteral("the first %1 of the %2 keys the stores disagree on")
                   .arg(report_->labKeys)
                   .arg(report_->differingKeys);
    const QString took = seconds < 1 ? QStringLiteral("%1 ms").arg(qRound(seconds * 1000))
                                     : QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    status_->setText(
        QStringLiteral("Ran %1 × %2 over %3, in %4.")
            .arg(countOf(static_cast<qint64>(report_->orders), "order"),
                 countOf(static_cast<qint64>(report_->strategies.size()), "strategy", "strategies"),
                 keys, took));
    summaryView_->selectRow(0);
    showStrategy(report_->strategies.empty() ? -1 : 0);
}

void PropertyLabDialog::showStrategy(int row) {
    outcomes_->setReport(report_, row);
    why_->clear();
    if (!report_ || row < 0 || static_cast<size_t>(row) >= report_->strategies.size()) {
        outcomeTitle_->clear();
        return;
    }
    const LabStrategyResult& r = report_->strategies[static_cast<size_t>(row)];
    const QString title = QString::fromUtf8(mergeStrategyTitle(r.strategy));
    if (!r.problem.empty()) {
        outcomeTitle_->setText(
            QStringLiteral("%1 was not run: %2").arg(title, QString::fromStdString(r.problem)));
        return;
    }
    outcomeTitle_->setText(
        QStringLiteral("%1 ends in %2; each column group is one (hover its header for the "
                       "orders that reach it). Amber: a value that differs from another store or "
                       "from end state 1.")
            .arg(title, r.outcomes.size() == 1
                            ? QStringLiteral("one state")
                            : QStringLiteral("%1 different states").arg(r.outcomes.size())));
    QString why;
    for (size_t p = 0; p < kLabProperties; ++p) {
        const LabVerdict& v = r.verdicts[p];
        const QString name = QString::fromUtf8(labPropertyName(static_cast<LabProperty>(p)));
        if (v.state == LabVerdict::State::Failed)
            why += QStringLiteral("%1 fails: %2\n").arg(name, QString::fromStdString(v.why));
        else if (v.state == LabVerdict::State::NotTested)
            why += QStringLiteral("%1 not tested: %2\n").arg(name, QString::fromStdString(v.why));
        else
            why += QStringLiteral("%1 %2\n").arg(
                name,
                QString::fromStdString(describeHeld(static_cast<LabProperty>(p), report_->orders)));
    }
    why_->setPlainText(why.trimmed());
}

QString PropertyLabDialog::status() const {
    return status_->text();
}

QString PropertyLabDialog::explanation() const {
    return why_->toPlainText();
}

} // namespace syncscope

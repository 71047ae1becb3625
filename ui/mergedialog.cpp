#include "mergedialog.h"

#include "counttext.h"
#include "mergepreviewmodel.h"
#include "progresstext.h"
#include "roletint.h"
#include "whenfinished.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QScreen>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

namespace syncscope {

namespace {

QListWidget* storeList(const QStringList& names, bool reorderable) {
    auto* list = new QListWidget;
    for (const QString& n : names) {
        auto* item = new QListWidgetItem(n, list);
        if (!reorderable)
            item->setCheckState(Qt::Unchecked);
    }
    if (reorderable)
        list->setDragDropMode(QAbstractItemView::InternalMove);
    list->setMaximumHeight(130);
    return list;
}

std::vector<size_t> checkedRows(const QListWidget* list) {
    std::vector<size_t> rows;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked && !list->item(i)->isHidden())
            rows.push_back(static_cast<size_t>(i));
    return rows;
}

// The concurrent keys this plan still decides something for: one that needs a decision, one
// decided by hand, one the merge writes. A key the targets already hold as the merge would
// leave it stays listed (it can be decided), but is not counted: the tab's title would
// otherwise still say "(1)" once a merge applied, beside "Nothing to change".
size_t keysDecidedByThisPlan(const MergePreview& p, const ManualPicks& picks) {
    std::set<std::pair<std::string_view, std::string_view>> written;
    for (size_t i = 0; i < p.rowCount(); ++i)
        written.emplace(p.studentId(i), p.courseId(i));
    size_t n = 0;
    for (const MergePreview::DecisionKey& k : p.decisionKeys())
        if (k.undecided || written.count({k.studentId, k.courseId}) != 0 ||
            picks.count(
                {QString::fromStdString(k.studentId), QString::fromStdString(k.courseId)}) != 0)
            ++n;
    return n;
}

} // namespace

MergeDialog::MergeDialog(const QStringList& storeNames, QWidget* parent)
    : QDialog(parent)
    , storeNames_(storeNames)
    , decisions_(new MergeDecisionsTab)
    , previewTimer_(new QTimer(this)) {
    setWindowTitle(QStringLiteral("Merge"));
    setObjectName(QStringLiteral("mergeDialog"));
    // 1100×720 where there is room; on a projector's 1280×720, the screen less the window
    // manager's title bar, so the buttons at the bottom are never off-screen.
    if (const QScreen* screen = QGuiApplication::primaryScreen()) {
        const QRect room = screen->availableGeometry();
        resize(std::min(1100, room.width() - 20), std::min(720, room.height() - 60));
    } else {
        resize(1100, 720);
    }

    QWidget* setup = makeSetup();
    QWidget* properties = makeProperties();
    tabs_ = new QTabWidget;
    tabs_->addTab(makePreview(), QStringLiteral("Preview"));
    tabs_->addTab(decisions_, QStringLiteral("Decisions"));
    QVBoxLayout* applyRows = makeApplyRows();

    auto* top = new QHBoxLayout;
    top->addWidget(setup, 3);
    top->addWidget(properties, 2);
    // The setup and the tabs scroll rather than widen the dialog past the screen: at 125 % on a
    // 1280×720 projector it asked for 1443 pixels and its right edge, Apply among it, was cut.
    // Only the status and the buttons stay put, so Apply and Close are always on screen.
    auto* content = new QWidget;
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addLayout(top);
    contentLayout->addWidget(tabs_, 1);
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("mergeScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setFocusPolicy(Qt::NoFocus); // the first control takes the focus, not the frame
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addWidget(status_);
    layout->addLayout(applyRows);
    connectControls();
    checkProperties();
    updateControls();
}

// What to merge: MERGE or FULL_SYNC, the stores, the strategy and, for store priority, the order.
QWidget* MergeDialog::makeSetup() {
    auto* mergeButton = new QRadioButton(QStringLiteral("&MERGE: targets take from sources"));
    auto* syncButton = new QRadioButton(QStringLiteral("&FULL_SYNC: every chosen store"));
    operation_ = new QButtonGroup(this);
    operation_->addButton(mergeButton, 0);
    operation_->addButton(syncButton, 1);
    mergeButton->setChecked(true);
    targets_ = storeList(storeNames_, false);
    targets_->setObjectName(QStringLiteral("mergeTargets"));
    sources_ = storeList(storeNames_, false);
    sources_->setObjectName(QStringLiteral("mergeSources"));
    strategy_ = new QComboBox;
    strategy_->setObjectName(QStringLiteral("mergeStrategy"));
    for (size_t s = 0; s < kMergeStrategies; ++s)
        strategy_->addItem(QString::fromUtf8(mergeStrategyTitle(static_cast<MergeStrategy>(s))));
    priority_ = storeList(storeNames_, true);
    priority_->setToolTip(QStringLiteral("Drag to order: the first store is trusted most"));
    priorityLabel_ = new QLabel(QStringLiteral("Priority (drag, most trusted first):"));

    auto* setup = new QGroupBox(QStringLiteral("What to merge"));
    auto* form = new QFormLayout(setup);
    auto* ops = new QHBoxLayout;
    ops->addWidget(mergeButton);
    ops->addWidget(syncButton);
    form->addRow(ops);
    auto* lists = new QHBoxLayout;
    auto* targetBox = new QVBoxLayout;
    targetBox->addWidget(new QLabel(QStringLiteral("Targets (change):")));
    targetBox->addWidget(targets_);
    auto* sourceBox = new QVBoxLayout;
    sourceBox->addWidget(new QLabel(QStringLiteral("Sources (read only):")));
    sourceBox->addWidget(sources_);
    auto* priorityBox = new QVBoxLayout;
    priorityBox->addWidget(priorityLabel_);
    priorityBox->addWidget(priority_);
    lists->addLayout(targetBox);
    lists->addLayout(sourceBox);
    lists->addLayout(priorityBox);
    form->addRow(lists);
    form->addRow(QStringLiteral("&Strategy:"), strategy_);
    return setup;
}

// What the strategy keeps of docs/script-language.md.
QWidget* MergeDialog::makeProperties() {
    properties_ = new QLabel;
    properties_->setObjectName(QStringLiteral("mergeProperties"));
    properties_->setTextFormat(Qt::RichText);
    properties_->setWordWrap(true); // the four verdicts on one line were the widest thing
    counterExamples_ = new QPlainTextEdit;
    counterExamples_->setReadOnly(true);
    counterExamples_->setMaximumHeight(110);
    counterExamples_->setPlaceholderText(
        QStringLiteral("Counter-examples for the properties the strategy breaks show here."));
    auto* propertyBox = new QGroupBox(QStringLiteral("Properties of this strategy"));
    auto* propertyLayout = new QVBoxLayout(propertyBox);
    propertyLayout->addWidget(properties_);
    propertyLayout->addWidget(counterExamples_);
    return propertyBox;
}

// The dry run, key by key.
QWidget* MergeDialog::makePreview() {
    previewModel_ = new MergePreviewModel(this);
    auto* previewTint = new RoleTint(MergePreviewModel::DecisionRole, MergePreviewModel::After,
                                     QColor(255, 236, 179), this);
    previewTint->setSourceModel(previewModel_);
    previewTable_ = new QTableView;
    previewTable_->setObjectName(QStringLiteral("mergePreview"));
    previewTable_->setModel(previewTint);
    previewTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    previewTable_->horizontalHeader()->setStretchLastSection(true);
    previewTable_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    summary_ = new QLabel(QStringLiteral("Choose a target and a source."));
    summary_->setWordWrap(true);
    summary_->setObjectName(QStringLiteral("mergeSummary"));
    auto* previewPage = new QWidget;
    auto* previewLayout = new QVBoxLayout(previewPage);
    previewLayout->addWidget(summary_);
    previewLayout->addWidget(previewTable_);
    return previewPage;
}

// Apply, with its progress, Merge inside, Cancel and Close: the progress on a line of its own,
// so the buttons' line is short enough for a large scale.
QVBoxLayout* MergeDialog::makeApplyRows() {
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("mergeStatus"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    apply_ = new QPushButton(QStringLiteral("&Apply"));
    apply_->setObjectName(QStringLiteral("mergeApply"));
    apply_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    apply_->setToolTip(QStringLiteral("Apply exactly the preview (Ctrl+Enter)"));
    inside_ = new QCheckBox(QStringLiteral("Merge &inside the target"));
    inside_->setObjectName(QStringLiteral("mergeInside"));
    cancel_ = new QPushButton(QStringLiteral("Cancel &merge"));
    cancel_->setEnabled(false);
    auto* close = new QPushButton(QStringLiteral("Close"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(inside_);
    buttons->addStretch(1);
    buttons->addWidget(apply_);
    buttons->addWidget(cancel_);
    buttons->addWidget(close);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    auto* bottom = new QVBoxLayout;
    bottom->addWidget(progress_);
    bottom->addLayout(buttons);
    return bottom;
}

void MergeDialog::connectControls() {
    previewTimer_->setSingleShot(true);
    previewTimer_->setInterval(120);
    connect(previewTimer_, &QTimer::timeout, this, [this] {
        previewPending_ = true;
        updateControls();
        Q_EMIT previewRequested(request(), picks());
    });
    connect(operation_, &QButtonGroup::idClicked, this, &MergeDialog::requestChanged);
    for (QListWidget* list : {targets_, sources_})
        connect(list, &QListWidget::itemChanged, this, &MergeDialog::requestChanged);
    connect(priority_->model(), &QAbstractItemModel::rowsMoved, this, &MergeDialog::requestChanged);
    connect(strategy_, &QComboBox::currentIndexChanged, this, [this] {
        checkProperties();
        requestChanged();
    });
    connect(decisions_, &MergeDecisionsTab::picksChanged, this, [this] {
        previewTimer_->start();
        updateControls();
    });
    connect(decisions_, &MergeDecisionsTab::refused, status_, &QLabel::setText);
    // Undo and redo from anywhere in the dialog, not only on the Decisions tab.
    auto* undoKey = new QShortcut(QKeySequence::Undo, this);
    connect(undoKey, &QShortcut::activated, undoStack(), &QUndoStack::undo);
    auto* redoKey = new QShortcut(QKeySequence::Redo, this);
    connect(redoKey, &QShortcut::activated, undoStack(), &QUndoStack::redo);
    connect(apply_, &QPushButton::clicked, this, [this] {
        if (!apply_->isEnabled())
            return;
        applying_ = true;
        updateControls();
        status_->setText(QStringLiteral("Applying…"));
        Q_EMIT applyRequested();
    });
    connect(cancel_, &QPushButton::clicked, this, [this] {
        cancel_->setEnabled(false);
        status_->setText(QStringLiteral("Canceling after the current batch…"));
        Q_EMIT cancelRequested();
    });
}

MergeDialog::~MergeDialog() = default;

void MergeDialog::setRequest(const MergeRequest& r, const ManualPicks& picks) {
    const QSignalBlocker blockTargets(targets_);
    const QSignalBlocker blockSources(sources_);
    const QSignalBlocker blockStrategy(strategy_);
    operation_->button(r.fullSync ? 1 : 0)->setChecked(true);
    for (int i = 0; i < targets_->count(); ++i) {
        const auto has = [i](const std::vector<size_t>& v) {
            return std::find(v.begin(), v.end(), static_cast<size_t>(i)) != v.end();
        };
        targets_->item(i)->setCheckState(has(r.targets) ? Qt::Checked : Qt::Unchecked);
        sources_->item(i)->setCheckState(has(r.sources) ? Qt::Checked : Qt::Unchecked);
    }
    if (!r.priority.empty()) {
        priority_->clear();
        for (size_t s : r.priority)
            priority_->addItem(storeNames_[static_cast<qsizetype>(s)]);
    }
    strategy_->setCurrentIndex(static_cast<int>(r.strategy));
    decisions_->setPicks(picks);
    checkProperties();
    requestChanged();
}

MergeRequest MergeDialog::request() const {
    MergeRequest r;
    r.fullSync = operation_->checkedId() == 1;
    r.strategy = static_cast<MergeStrategy>(strategy_->currentIndex());
    r.targets = checkedRows(targets_);
    if (!r.fullSync)
        r.sources = checkedRows(sources_);
    for (int i = 0; i < priority_->count(); ++i)
        r.priority.push_back(static_cast<size_t>(storeNames_.indexOf(priority_->item(i)->text())));
    return r;
}

void MergeDialog::requestChanged() {
    const bool fullSync = operation_->checkedId() == 1;
    sources_->setEnabled(!fullSync);
    const bool byPriority =
        static_cast<MergeStrategy>(strategy_->currentIndex()) == MergeStrategy::StorePriority;
    priority_->setVisible(byPriority);
    priorityLabel_->setVisible(byPriority);
    previewTimer_->start();
    updateControls();
}

void MergeDialog::checkProperties() {
    const auto strategy = static_cast<MergeStrategy>(strategy_->currentIndex());
    properties_->setText(QStringLiteral("Checking %1 on random histories…")
                             .arg(QString::fromUtf8(mergeStrategyTitle(strategy))));
    // A few milliseconds of work, but off the UI thread all the same.
    whenFinished(QtConcurrent::run([strategy] { return checkMergeProperties(strategy); }), this,
                 [this, strategy](const std::vector<PropertyVerdict>& verdicts) {
                     if (static_cast<MergeStrategy>(strategy_->currentIndex()) == strategy)
                         showProperties(strategy, verdicts);
                 });
}

void MergeDialog::showProperties(MergeStrategy strategy,
                                 const std::vector<PropertyVerdict>& verdicts) {
    QStringList parts;
    QString examples;
    for (const PropertyVerdict& v : verdicts) {
        const QString name = QString::fromUtf8(mergePropertyName(v.property));
        parts << (v.held
                      ? QStringLiteral("<span style='color:#2e7d32'>✓&nbsp;%1</span>").arg(name)
                      : QStringLiteral("<span style='color:#c62828'>✗&nbsp;%1</span>").arg(name));
        if (!v.held)
            examples += QStringLiteral("Not %1. %2\n\n")
                            .arg(name, QString::fromStdString(v.counterExample));
    }
    QString text = parts.join(QStringLiteral(" &nbsp; "));
    text += QStringLiteral("<br><small>%1 random three-store histories tried per property")
                .arg(verdicts.empty() ? 0 : verdicts.front().trials);
    if (strategy == MergeStrategy::Manual)
        text += QStringLiteral("; keys you leave undecided follow last-writer-wins, and each "
                               "decision is a new write every later merge keeps");
    text += QStringLiteral(".</small>");
    properties_->setText(text);
    counterExamples_->setPlainText(examples.trimmed());
}

QString MergeDialog::propertiesText() const {
    return properties_->text() + QLatin1Char('\n') + counterExamples_->toPlainText();
}

void MergeDialog::showPreview(std::shared_ptr<const MergePreview> preview) {
    previewPending_ = false;
    preview_ = std::move(preview);
    previewModel_->setPreview(preview_);
    previewTable_->resizeColumnsToContents(); // Qt measures the first 1,000 rows only
    decisions_->showPreview(preview_);
    const MergePreview& p = *preview_;
    if (!p.problem().empty()) {
        summary_->setText(QString::fromStdString(p.problem()));
    } else {
        QStringList perTarget;
        for (size_t t = 0; t < p.request().targets.size(); ++t)
            perTarget << QStringLiteral("%1 in %2")
                             .arg(p.writesInto(t))
                             .arg(QString::fromStdString(p.storeName(p.request().targets[t])));
        QString text =
            p.totalWrites() == 0
                ? QStringLiteral("Nothing to change: the targets already hold what "
                                 "this merge would give them.")
                : QStringLiteral("%1: %2. %3 (amber) where the strategy or your "
                                 "decision overrides last-writer-wins.")
                      .arg(countOf(static_cast<qint64>(p.totalWrites()), "write"),
                           perTarget.join(QStringLiteral(", ")),
                           p.decisions() == 1
                               ? QStringLiteral("1 of them is a new write")
                               : QStringLiteral("%1 of them are new writes").arg(p.decisions()));
        if (p.rowCount() < p.totalWrites())
            text += QStringLiteral(" Listing the first %1.").arg(p.rowCount());
        if (p.undecided() > 0)
            text += QStringLiteral(" %1 your decision (Decisions tab) before this can be "
                                   "applied.")
                        .arg(p.undecided() == 1
                                 ? QStringLiteral("1 concurrent key needs")
                                 : QStringLiteral("%1 concurrent keys need").arg(p.undecided()));
        summary_->setText(text);
    }
    const size_t deciding = keysDecidedByThisPlan(p, picks());
    tabs_->setTabText(1, deciding == 0 ? QStringLiteral("Decisions")
                                       : QStringLiteral("Decisions (%1)").arg(deciding));
    updateControls();
}

void MergeDialog::updateControls() {
    const bool ready = preview_ && !previewPending_ && !previewTimer_->isActive();
    apply_->setEnabled(!applying_ && ready && preview_->canApply() && preview_->totalWrites() > 0);
    cancel_->setEnabled(applying_);
    for (QWidget* w : std::initializer_list<QWidget*>{targets_, strategy_, priority_})
        w->setEnabled(!applying_);
    decisions_->setDecidingEnabled(!applying_);
    sources_->setEnabled(!applying_ && operation_->checkedId() == 0);
    const QString problem =
        insideCheck_ ? insideCheck_(request(), picks()) : QStringLiteral("no store offers it");
    inside_->setEnabled(!applying_ && problem.isEmpty());
    if (!problem.isEmpty())
        inside_->setChecked(false);
    inside_->setToolTip(problem.isEmpty()
                            ? QStringLiteral("One statement in the target's own engine (Hive: "
                                             "INSERT … SELECT): no row passes through Syncscope")
                            : QStringLiteral("Not for this merge: ") + problem);
}

void MergeDialog::setMergeInsideCheck(
    std::function<QString(const MergeRequest&, const ManualPicks&)> check) {
    insideCheck_ = std::move(check);
    updateControls();
}

// The box is unchecked whenever the request does not allow it (and disabled while a merge
// applies, which is when this is asked).
bool MergeDialog::mergeInside() const {
    return inside_->isChecked();
}

void MergeDialog::showProgress(qint64 done, qint64 total, double perSecond, double secondsLeft) {
    progress_->setRange(0, static_cast<int>(std::min<qint64>(total, INT_MAX)));
    progress_->setValue(static_cast<int>(std::min<qint64>(done, INT_MAX)));
    status_->setText(
        progressText(done, total, QStringLiteral("writes applied"), perSecond, secondsLeft));
}

void MergeDialog::showFinished(const QString& summary, bool) {
    applying_ = false;
    status_->setText(summary);
    updateControls();
    // What is left (nothing, after a complete merge) is planned again at once.
    previewTimer_->start();
}

void MergeDialog::showVerified(const QString& report, qint64) {
    status_->setText(status_->text() + QLatin1Char('\n') + report);
}

void MergeDialog::showFailure(const QString& message) {
    status_->setText(message);
}

QString MergeDialog::statusText() const {
    return status_->text();
}

} // namespace syncscope

#include "mergedecisionstab.h"

#include "counttext.h"
#include "identifiers.h"
#include "manualdecisionmodel.h"
#include "roletint.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>

namespace syncscope {

namespace {
// The actions offered besides "Take X's value", whose data is the store's index.
constexpr int kKeepTarget = -1;
constexpr int kTypeValue = -2;
constexpr int kDeleteKey = -3;
constexpr int kClear = -4;
} // namespace

// One decision taken or cleared: undoable, and each undo/redo re-plans the preview.
class SetPickCommand : public QUndoCommand {
public:
    SetPickCommand(MergeDecisionsTab* tab, ManualPickKey key, std::optional<ManualPick> before,
                   std::optional<ManualPick> after)
        : tab_(tab)
        , key_(std::move(key))
        , before_(std::move(before))
        , after_(std::move(after)) {
        setText(QStringLiteral("Decide (%1,%2)").arg(key_.first, key_.second));
    }
    void redo() override { tab_->setPick(key_, after_); }
    void undo() override { tab_->setPick(key_, before_); }

private:
    MergeDecisionsTab* tab_;
    ManualPickKey key_;
    std::optional<ManualPick> before_, after_;
};

MergeDecisionsTab::MergeDecisionsTab(QWidget* parent)
    : QWidget(parent)
    , model_(new ManualDecisionModel(this))
    , undo_(new QUndoStack(this))
    , table_(new QTableView)
    , action_(new QComboBox)
    , typedValue_(new QLineEdit)
    , note_(new QLineEdit)
    , decideButton_(new QPushButton(QStringLiteral("&Decide"))) {
    auto* tint =
        new RoleTint(ManualDecisionModel::NeedsDecisionRole, -1, QColor(255, 205, 210), this);
    tint->setSourceModel(model_);
    table_->setObjectName(QStringLiteral("mergeDecisions"));
    table_->setModel(tint);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->horizontalHeader()->setStretchLastSection(true);
    action_->setObjectName(QStringLiteral("decisionAction"));
    typedValue_->setPlaceholderText(QStringLiteral("grade"));
    typedValue_->setObjectName(QStringLiteral("decisionValue"));
    note_->setPlaceholderText(QStringLiteral("why (kept in the audit log)"));
    note_->setObjectName(QStringLiteral("decisionNote"));
    auto* undoButton = new QPushButton(QStringLiteral("&Undo"));
    auto* redoButton = new QPushButton(QStringLiteral("&Redo"));
    auto* decideRow = new QHBoxLayout;
    decideRow->addWidget(action_);
    decideRow->addWidget(typedValue_);
    decideRow->addWidget(note_, 1);
    decideRow->addWidget(decideButton_);
    decideRow->addWidget(undoButton);
    decideRow->addWidget(redoButton);
    auto* layout = new QVBoxLayout(this);
    auto* why = new QLabel(
        QStringLiteral("Concurrent keys: no store had seen the others' writes, so last-writer-"
                       "wins would discard some unseen. Pick the value to keep; it is written "
                       "as a new write that beats every write of the key."));
    why->setWordWrap(true); // on one line it made the Merge dialog wider than a projector
    layout->addWidget(why);
    layout->addWidget(table_);
    layout->addLayout(decideRow);

    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MergeDecisionsTab::fillActions);
    connect(decideButton_, &QPushButton::clicked, this, &MergeDecisionsTab::decideSelected);
    connect(note_, &QLineEdit::returnPressed, this, &MergeDecisionsTab::decideSelected);
    connect(typedValue_, &QLineEdit::returnPressed, this, &MergeDecisionsTab::decideSelected);
    connect(undoButton, &QPushButton::clicked, undo_, &QUndoStack::undo);
    connect(redoButton, &QPushButton::clicked, undo_, &QUndoStack::redo);
    connect(undo_, &QUndoStack::canUndoChanged, undoButton, &QWidget::setEnabled);
    connect(undo_, &QUndoStack::canRedoChanged, redoButton, &QWidget::setEnabled);
    undoButton->setEnabled(false);
    redoButton->setEnabled(false);
    connect(action_, &QComboBox::currentIndexChanged, this,
            [this] { typedValue_->setEnabled(action_->currentData().toInt() == kTypeValue); });
}

void MergeDecisionsTab::setPicks(const ManualPicks& picks) {
    picks_ = picks;
    undo_->clear();
    model_->setPicks(picks_);
}

void MergeDecisionsTab::showPreview(std::shared_ptr<const MergePreview> preview) {
    preview_ = std::move(preview);
    // Keep the selected key selected across re-planning.
    const QModelIndex current = table_->currentIndex();
    const std::optional<ManualPickKey> selected =
        current.isValid() ? std::optional(model_->keyAt(current.row())) : std::nullopt;
    model_->setPreview(preview_);
    model_->setPicks(picks_);
    if (selected)
        if (const int row = model_->rowOf(*selected); row >= 0)
            table_->selectRow(row);
    fillActions();
}

void MergeDecisionsTab::setDecidingEnabled(bool enabled) {
    decideButton_->setEnabled(enabled);
}

void MergeDecisionsTab::fillActions() {
    const int keep =
        action_->currentData().isValid() ? action_->currentData().toInt() : kKeepTarget;
    const QSignalBlocker block(action_);
    action_->clear();
    action_->addItem(QStringLiteral("Keep the target's value"), kKeepTarget);
    // A store is offered only when it holds a write of every selected key: taking a value from
    // a store that has none would decide nothing (nothing selected: every participant).
    if (preview_) {
        const QModelIndexList rows = table_->selectionModel()->selectedRows();
        const std::vector<size_t>& participants = preview_->participants();
        for (size_t i = 0; i < participants.size(); ++i) {
            const bool held = std::all_of(rows.begin(), rows.end(), [&](const QModelIndex& row) {
                const auto& keys = preview_->decisionKeys();
                const auto k = static_cast<size_t>(row.row());
                return k < keys.size() && !keys[k].writes[i].isNone();
            });
            if (held)
                action_->addItem(
                    QStringLiteral("Take %1's value")
                        .arg(QString::fromStdString(preview_->storeName(participants[i]))),
                    static_cast<int>(participants[i]));
        }
    }
    action_->addItem(QStringLiteral("Type a value"), kTypeValue);
    action_->addItem(QStringLiteral("Delete the key"), kDeleteKey);
    action_->addItem(QStringLiteral("Clear my decision"), kClear);
    const int at = action_->findData(keep);
    action_->setCurrentIndex(at >= 0 ? at : 0);
    typedValue_->setEnabled(action_->currentData().toInt() == kTypeValue);
}

void MergeDecisionsTab::decideSelected() {
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        Q_EMIT refused(QStringLiteral("Select the key(s) to decide in the table first."));
        return;
    }
    const int action = action_->currentData().toInt();
    std::optional<ManualPick> pick;
    if (action != kClear) {
        ManualPick p;
        p.note = note_->text().trimmed();
        if (action == kKeepTarget) {
            p.kind = ManualChoice::Kind::KeepTarget;
        } else if (action == kTypeValue || action == kDeleteKey) {
            p.kind = ManualChoice::Kind::TypeValue;
            if (action == kTypeValue) {
                const QString value = typedValue_->text().trimmed();
                if (const char* problem = valueProblem(value.toStdString())) {
                    Q_EMIT refused(QStringLiteral("The value %1 cannot be a grade: %2")
                                       .arg(value, QString::fromUtf8(problem)));
                    return;
                }
                p.value = value;
            }
        } else {
            p.kind = ManualChoice::Kind::TakeStore;
            p.store = static_cast<size_t>(action);
        }
        pick = p;
    }
    undo_->beginMacro(QStringLiteral("Decide %1").arg(countOf(rows.size(), "key")));
    for (const QModelIndex& row : rows)
        decide(model_->keyAt(row.row()), pick);
    undo_->endMacro();
}

void MergeDecisionsTab::decide(const ManualPickKey& key, std::optional<ManualPick> pick) {
    const auto it = picks_.find(key);
    std::optional<ManualPick> before =
        it != picks_.end() ? std::optional(it->second) : std::nullopt;
    if (before == pick)
        return;
    undo_->push(new SetPickCommand(this, key, std::move(before), std::move(pick)));
}

void MergeDecisionsTab::setPick(const ManualPickKey& key, const std::optional<ManualPick>& pick) {
    if (pick)
        picks_[key] = *pick;
    else
        picks_.erase(key);
    model_->setPicks(picks_);
    Q_EMIT picksChanged();
}

} // namespace syncscope

#include "clockskewpanel.h"
#include "counttext.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace syncscope {

ClockSkewPanel::ClockSkewPanel(const QStringList& storeNames, QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("clock-skew"));
    auto* grid = new QGridLayout;
    for (int i = 0; i < storeNames.size(); ++i) {
        auto* spin = new QSpinBox(this);
        spin->setRange(-1000000, 1000000);
        spin->setPrefix(QStringLiteral("%1 clock ").arg(storeNames[i]));
        spin->setToolTip(QStringLiteral("How far %1's clock is ahead (positive) or behind "
                                        "(negative), in timestamp units")
                             .arg(storeNames[i]));
        spin->setAccelerated(true);
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            showState();
            Q_EMIT offsetsChanged();
        });
        grid->addWidget(spin, i / 3, i % 3);
        spins_.push_back(spin);
    }
    apply_ = new QCheckBox(QStringLiteral("Skew the SETs and DELETEs I type from now on"), this);
    apply_->setChecked(true);
    apply_->setToolTip(QStringLiteral("Commands typed in the command bar or the form are written "
                                      "at their timestamp plus their store's offset"));
    connect(apply_, &QCheckBox::toggled, this, &ClockSkewPanel::offsetsChanged);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    flips_ = new QListWidget(this);
    flips_->setObjectName(QStringLiteral("clock-skew-flips"));
    flips_->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(grid);
    layout->addWidget(apply_);
    layout->addWidget(summary_);
    layout->addWidget(flips_, 1);
    showState();
}

std::vector<int64_t> ClockSkewPanel::offsets() const {
    std::vector<int64_t> out;
    for (const QSpinBox* spin : spins_)
        out.push_back(spin->value());
    return out;
}

bool ClockSkewPanel::anyOffset() const {
    return std::any_of(spins_.begin(), spins_.end(),
                       [](const QSpinBox* spin) { return spin->value() != 0; });
}

std::vector<int64_t> ClockSkewPanel::appliedOffsets() const {
    return apply_->isChecked() && anyOffset() ? offsets() : std::vector<int64_t>{};
}

void ClockSkewPanel::setOffset(int store, int64_t offset) {
    spins_[static_cast<size_t>(store)]->setValue(static_cast<int>(offset));
}

void ClockSkewPanel::setApplyToCommands(bool apply) {
    apply_->setChecked(apply);
}

QString ClockSkewPanel::summary() const {
    return summary_->text();
}

void ClockSkewPanel::setReport(std::shared_ptr<const ClockSkewReport> report) {
    report_ = std::move(report);
    showState();
}

void ClockSkewPanel::showState() {
    flips_->clear();
    if (!anyOffset()) {
        summary_->setText(QStringLiteral("Every clock is right. Put one ahead or behind to see "
                                         "which keys would end with a different value."));
        return;
    }
    if (!report_) {
        summary_->setText(QStringLiteral("Comparing…"));
        return;
    }
    summary_->setText(
        report_->flips == 0
            ? QStringLiteral("No winner flips: over %1, last-writer-wins keeps the same "
                             "write for every key with these clocks.")
                  .arg(countOf(static_cast<qint64>(report_->writesCompared), "write"))
            : QStringLiteral("%1 would end with a different winner (%2 compared; a "
                             "FULL_SYNC keeps the greatest write of each key).")
                  .arg(report_->flips == 1 ? QStringLiteral("1 of the keys")
                                           : QStringLiteral("%1 of the keys").arg(report_->flips))
                  .arg(countOf(static_cast<qint64>(report_->writesCompared), "write")));
    for (const ClockSkewFlip& flip : report_->listed)
        flips_->addItem(QString::fromStdString(describeFlip(flip)));
}

} // namespace syncscope

#include "followdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace syncscope {

FollowDialog::FollowDialog(const QStringList& stores, QWidget* parent)
    : QDialog(parent)
    , source_(new QComboBox)
    , targets_(new QListWidget)
    , buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel)) {
    setWindowTitle(QStringLiteral("Follow a Store"));
    source_->setObjectName(QStringLiteral("follow-source"));
    targets_->setObjectName(QStringLiteral("follow-targets"));
    source_->addItems(stores);
    for (const QString& s : stores) {
        auto* item = new QListWidgetItem(s, targets_);
        item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
        item->setCheckState(Qt::Checked);
    }
    buttons_->button(QDialogButtonBox::Ok)->setText(QStringLiteral("&Follow"));
    auto* explain = new QLabel(QStringLiteral(
        "Every write the source's oplog gains, from Syncscope or (where the store captures them) "
        "from other clients, goes on to the targets as the same write. Each target resumes where "
        "the last follow of this source left it; a write a target already holds is never "
        "written twice."));
    explain->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("&Source:"), source_);
    form->addRow(QStringLiteral("&Targets:"), targets_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explain);
    layout->addLayout(form);
    layout->addWidget(buttons_);
    connect(source_, &QComboBox::currentIndexChanged, this, &FollowDialog::sourceChanged);
    connect(targets_, &QListWidget::itemChanged, this, &FollowDialog::updateOk);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    sourceChanged();
}

QString FollowDialog::source() const {
    return source_->currentText();
}

QStringList FollowDialog::targets() const {
    QStringList out;
    for (int i = 0; i < targets_->count(); ++i) {
        const QListWidgetItem* item = targets_->item(i);
        if (item->checkState() == Qt::Checked && item->text() != source())
            out << item->text();
    }
    return out;
}

void FollowDialog::setSource(const QString& store) {
    source_->setCurrentText(store);
}

void FollowDialog::setTargets(const QStringList& stores) {
    for (int i = 0; i < targets_->count(); ++i)
        targets_->item(i)->setCheckState(
            stores.contains(targets_->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
}

// The source cannot be its own target: its row is shown but cannot be ticked.
void FollowDialog::sourceChanged() {
    for (int i = 0; i < targets_->count(); ++i) {
        QListWidgetItem* item = targets_->item(i);
        const bool isSource = item->text() == source();
        item->setFlags(isSource ? Qt::ItemIsUserCheckable
                                : Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
    }
    updateOk();
}

void FollowDialog::updateOk() {
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(!targets().isEmpty());
}

} // namespace syncscope

#include "followpanel.h"

#include "followplot.h"

#include "elidedlabel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace syncscope {

FollowPanel::FollowPanel(QWidget* parent)
    : QWidget(parent)
    , title_(new ElidedLabel(QString(), nullptr, Qt::ElideRight))
    , pause_(new QPushButton(QStringLiteral("&Pause")))
    , stop_(new QPushButton(QStringLiteral("S&top")))
    , table_(new QTableView)
    , plot_(new FollowPlot)
    , deadTable_(new QTableView)
    , retry_(new QPushButton(QStringLiteral("Retry &Set-Aside"))) {
    setObjectName(QStringLiteral("follow-panel"));
    pause_->setCheckable(true);
    pause_->setShortcut(Qt::Key_F8);
    pause_->setToolTip(QStringLiteral("Pause or resume every target (F8); a batch being written "
                                      "lands whole first"));
    stop_->setShortcut(Qt::SHIFT | Qt::Key_F8);
    stop_->setToolTip(QStringLiteral("Stop following (Shift+F8); the positions are kept, and the "
                                     "next follow of this source resumes there"));
    auto* exportPlot = new QPushButton(QStringLiteral("Export Plot…"));
    table_->setModel(&model_);
    table_->setObjectName(QStringLiteral("follow-table"));
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    deadTable_->setModel(&deadLetters_);
    deadTable_->setObjectName(QStringLiteral("follow-dead-letters"));
    deadTable_->verticalHeader()->hide();
    deadTable_->horizontalHeader()->setStretchLastSection(true);
    deadTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    retry_->setToolTip(QStringLiteral("Offer the writes set aside again: those a target now "
                                      "takes leave the list"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(title_, 1);
    bar->addWidget(retry_);
    bar->addWidget(pause_);
    bar->addWidget(stop_);
    bar->addWidget(exportPlot);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(table_);
    split->addWidget(deadTable_);
    split->addWidget(plot_);
    split->setStretchFactor(2, 1);
    // Small minimums: the dock shares the height of a 720-line projector with the stores.
    const int line = fontMetrics().height() + 6;
    table_->setMinimumHeight(3 * line);
    plot_->setMinimumHeight(4 * line);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    connect(pause_, &QPushButton::toggled, this, [this](bool paused) {
        pause_->setText(paused ? QStringLiteral("&Resume") : QStringLiteral("&Pause"));
        Q_EMIT pauseToggled(paused);
    });
    connect(stop_, &QPushButton::clicked, this, &FollowPanel::stopRequested);
    connect(exportPlot, &QPushButton::clicked, plot_, &FollowPlot::saveWithDialog);
    connect(retry_, &QPushButton::clicked, this, &FollowPanel::retryRequested);
    connect(&deadLetters_, &QAbstractItemModel::modelReset, this, &FollowPanel::showDeadLetters);
    showDeadLetters();
    ended(QStringLiteral("Not following. Data ▸ Follow… (Ctrl+Shift+F) starts a follow."));
}

// The list takes room only while it has something to show (a 720-line projector is short).
void FollowPanel::showDeadLetters() {
    const bool any = deadLetters_.rowCount() > 0;
    deadTable_->setVisible(any);
    retry_->setVisible(any);
}

void FollowPanel::started(const QString& source, const QStringList& targets) {
    if (source != source_)
        sourceCapture_.clear();
    source_ = source;
    following_ =
        QStringLiteral("Following %1 → %2").arg(source, targets.join(QStringLiteral(", ")));
    showTitle();
    model_.setTargets(targets);
    deadLetters_.clear();
    plot_->setTargets(targets);
    pause_->setEnabled(true);
    stop_->setEnabled(true);
    setPaused(false);
}

void FollowPanel::setSourceCapture(const QString& source, const QString& capture) {
    if (source != source_)
        return;
    sourceCapture_ = capture;
    if (!following_.isEmpty())
        showTitle();
}

void FollowPanel::showTitle() {
    title_->setText(
        sourceCapture_.isEmpty()
            ? following_
            : QStringLiteral("%1  ·  %2's capture: %3").arg(following_, source_, sourceCapture_));
}

void FollowPanel::ended(const QString& why) {
    following_.clear();
    title_->setText(why);
    pause_->setEnabled(false);
    stop_->setEnabled(false);
}

void FollowPanel::setPaused(bool paused) {
    pause_->setChecked(paused);
}

QString FollowPanel::title() const {
    return title_->text();
}

} // namespace syncscope

#include "historyplots.h"

#include "divergenceplot.h"
#include "plotsupport.h"
#include "timelineplot.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace syncscope {

HistoryPlots::HistoryPlots(QWidget* parent)
    : QWidget(parent)
    , timeline_(new TimelinePlot(this))
    , divergence_(new DivergencePlot(this))
    , disagreement_(new DisagreementPlot(this))
    , tabs_(new QTabWidget(this)) {
    setObjectName(QStringLiteral("history-plots"));
    tabs_->addTab(timeline_, QStringLiteral("Timeline"));
    tabs_->addTab(divergence_, QStringLiteral("Divergence"));
    tabs_->addTab(disagreement_, QStringLiteral("Disagreement"));
    connect(timeline_, &TimelinePlot::keySelected, this, &HistoryPlots::keySelected);

    legend_ = new QLabel(
        QStringLiteral("● SET  ○ merged in (colour of its store)  ✕ DELETE  △ GET  ■ seed  "
                       "red ring: discarded unseen · drag or scroll to pan and zoom, click a "
                       "point to select its key"),
        this);
    legend_->setWordWrap(true);
    auto* exportButton = new QToolButton(this);
    exportButton->setObjectName(QStringLiteral("plot-export"));
    exportButton->setText(QStringLiteral("Export…"));
    exportButton->setToolTip(QStringLiteral("Save the plot in front as PNG or PDF"));
    connect(exportButton, &QToolButton::clicked, this, &HistoryPlots::exportWithDialog);
    connect(tabs_, &QTabWidget::currentChanged, this,
            [this] { legend_->setVisible(tabs_->currentWidget() == timeline_); });

    // A small minimum: the dock shares the height of a 720-line projector with the stores.
    tabs_->setMinimumHeight(6 * (fontMetrics().height() + 6));

    auto* bar = new QHBoxLayout;
    bar->addWidget(legend_, 1);
    bar->addWidget(exportButton, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(tabs_, 1);
}

void HistoryPlots::setCapture(std::shared_ptr<const PlotCapture> capture) {
    timeline_->setSnapshot(
        capture ? std::shared_ptr<const TimelineSnapshot>(capture, &capture->timeline) : nullptr);
    divergence_->setCapture(capture);
    disagreement_->setCapture(capture);
}

void HistoryPlots::selectKey(const QString& studentId, const QString& courseId) {
    timeline_->selectKey(studentId, courseId);
}

QCustomPlot* HistoryPlots::currentPlot() const {
    return qobject_cast<QCustomPlot*>(tabs_->currentWidget());
}

bool HistoryPlots::exportCurrent(const QString& path, QString* error) {
    // The timeline's marks are exported as shapes, so a PDF stays sharp when zoomed.
    const bool timeline = currentPlot() == timeline_;
    if (timeline)
        timeline_->setVectorMarks(true);
    const bool saved = savePlot(currentPlot(), path, error);
    if (timeline)
        timeline_->setVectorMarks(false);
    return saved;
}

void HistoryPlots::exportWithDialog() {
    savePlotWithDialog(
        this, tabs_->tabText(tabs_->currentIndex()).toLower(),
        [this](const QString& path, QString* error) { return exportCurrent(path, error); });
}

} // namespace syncscope

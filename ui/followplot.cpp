#include "followplot.h"

#include "plotsupport.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace syncscope {

FollowPlot::FollowPlot(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this)) {
    plot_->setObjectName(QStringLiteral("follow-plot"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    addPlotTitle(plot_, QStringLiteral("Lag (p99, solid) and writes applied per second (dashed)"));
    followWidgetFont(plot_);
    plot_->xAxis->setLabel(QStringLiteral("seconds since the follow began"));
    plot_->yAxis->setLabel(QStringLiteral("lag p99 (ms)"));
    plot_->yAxis2->setLabel(QStringLiteral("writes/s"));
    plot_->yAxis2->setVisible(true);
    plot_->legend->setVisible(true);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    followUserRange(plot_, &userRange_, [this] { refit(); });
    refit();
}

void FollowPlot::setTargets(const QStringList& names) {
    plot_->clearGraphs();
    newest_ = 0;
    userRange_ = false;
    for (qsizetype t = 0; t < names.size(); ++t) {
        const QColor color = storeColor(static_cast<size_t>(t));
        QCPGraph* lag = plot_->addGraph(plot_->xAxis, plot_->yAxis);
        lag->setName(names[t] + QStringLiteral(" lag"));
        lag->setPen(QPen(color, 2));
        QCPGraph* rate = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
        rate->setName(names[t] + QStringLiteral(" writes/s"));
        rate->setPen(QPen(color, 1, Qt::DashLine));
    }
    refit();
}

void FollowPlot::addSample(int target, double seconds, double writesPerSecond, double lagP99Ms) {
    if (target < 0 || 2 * target + 1 >= plot_->graphCount())
        return;
    QCPGraph* lag = plot_->graph(2 * target);
    QCPGraph* rate = plot_->graph(2 * target + 1);
    lag->addData(seconds, lagP99Ms);
    rate->addData(seconds, writesPerSecond);
    for (QCPGraph* g : {lag, rate})
        g->data()->removeBefore(seconds - kKeptSeconds);
    newest_ = std::max(newest_, seconds);
    if (!userRange_)
        refit();
    else
        plot_->replot(QCustomPlot::rpQueuedReplot);
}

int FollowPlot::sampleCount(int target) const {
    if (target < 0 || 2 * target >= plot_->graphCount())
        return 0;
    return plot_->graph(2 * target)->dataCount();
}

void FollowPlot::refit() {
    userRange_ = false;
    plot_->xAxis->setRange(std::max(0.0, newest_ - 120), std::max(10.0, newest_));
    // Both value axes from zero to a little over the highest point (lag on even graphs).
    double lagTop = 10, rateTop = 10;
    for (int g = 0; g < plot_->graphCount(); ++g) {
        bool found = false;
        const QCPRange r = plot_->graph(g)->getValueRange(found);
        double& top = g % 2 == 0 ? lagTop : rateTop;
        if (found)
            top = std::max(top, r.upper);
    }
    plot_->yAxis->setRange(0, lagTop * 1.1);
    plot_->yAxis2->setRange(0, rateTop * 1.1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool FollowPlot::save(const QString& path, QString* error) {
    return savePlot(plot_, path, error);
}

void FollowPlot::saveWithDialog() {
    savePlotWithDialog(this, QStringLiteral("follow"),
                       [this](const QString& path, QString* error) { return save(path, error); });
}

} // namespace syncscope

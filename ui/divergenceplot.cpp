#include "divergenceplot.h"

#include "plotsupport.h"

#include <QToolTip>

#include <algorithm>

namespace syncscope {

namespace {

// The pairs of compared stores, as (pair index among all stores, "A–B").
std::vector<std::pair<size_t, QString>> comparedPairs(const PlotCapture& c) {
    std::vector<std::pair<size_t, QString>> out;
    const size_t n = c.storeNames.size();
    for (size_t i = 0; i < c.chosen.size(); ++i)
        for (size_t j = i + 1; j < c.chosen.size(); ++j) {
            const size_t a = std::min(c.chosen[i], c.chosen[j]);
            const size_t b = std::max(c.chosen[i], c.chosen[j]);
            out.emplace_back(pairIndex(a, b, n),
                             QStringLiteral("%1–%2").arg(QString::fromStdString(c.storeNames[a]),
                                                         QString::fromStdString(c.storeNames[b])));
        }
    return out;
}

// Why a plot is empty, or nothing when it has something to draw.
QString emptyReason(const PlotCapture* c) {
    if (!c)
        return QStringLiteral("nothing captured yet");
    if (!c->divergenceTracked)
        return QStringLiteral("not tracked for more than %1 stores").arg(kMaxDivergenceStores);
    if (c->chosen.size() < 2)
        return QStringLiteral("compare at least two stores");
    if (c->divergence.samples().empty())
        return QStringLiteral("nothing captured yet");
    return {};
}

} // namespace

DivergencePlot::DivergencePlot(QWidget* parent)
    : QCustomPlot(parent) {
    setObjectName(QStringLiteral("divergence-plot"));
    title_ = addPlotTitle(this, QStringLiteral("Differing keys per pair of stores"));
    followWidgetFont(this);
    xAxis->setLabel(QStringLiteral("commands run"));
    yAxis->setLabel(QStringLiteral("keys that differ"));
    // Counts of commands and keys: whole numbers on both axes.
    for (QCPAxis* axis : {xAxis, yAxis}) {
        auto whole = QSharedPointer<QCPAxisTickerFixed>::create();
        whole->setTickStep(1.0);
        whole->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        axis->setTicker(whole);
    }
    legend->setVisible(true);
    // Beside the plot, not over its lines (row 0 is the title).
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(1, 1, legend);
    plotLayout()->setColumnStretchFactor(1, 0.001);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    setMouseTracking(true);
    followUserRange(this, &userRange_, [this] { setCapture(capture_); });
    connect(this, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const QString text = describeNear(xAxis->pixelToCoord(e->position().x()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, this);
    });
    setCapture(nullptr);
}

void DivergencePlot::setCapture(std::shared_ptr<const PlotCapture> capture) {
    capture_ = std::move(capture);
    clearGraphs();
    if (const QString why = emptyReason(capture_.get()); !why.isEmpty()) {
        title_->setText(QStringLiteral("Differing keys per pair of stores: %1").arg(why));
        replotWhenShown(this);
        return;
    }
    title_->setText(QStringLiteral("Differing keys per pair of stores"));
    const auto& samples = capture_->divergence.samples();
    const auto pairs = comparedPairs(*capture_);
    double top = 1;
    for (size_t s = 0; s < pairs.size(); ++s) {
        QCPGraph* g = addGraph();
        g->setName(pairs[s].second);
        g->setLineStyle(QCPGraph::lsStepLeft);
        g->setPen(QPen(seriesColor(s), 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, seriesColor(s), 4));
        QVector<double> x, y;
        x.reserve(static_cast<qsizetype>(samples.size()));
        y.reserve(static_cast<qsizetype>(samples.size()));
        for (const DivergenceSample& sample : samples) {
            x << static_cast<double>(sample.tick);
            y << static_cast<double>(sample.differing[pairs[s].first]);
            top = std::max(top, y.back());
        }
        g->setData(x, y, true);
    }
    const double last = static_cast<double>(samples.back().tick);
    if (!userRange_) {
        xAxis->setRange(-0.5, std::max(1.0, last) + 0.5);
        yAxis->setRange(0, top * 1.1);
    }
    replotWhenShown(this);
}

QString DivergencePlot::describeNear(double tick) const {
    if (!emptyReason(capture_.get()).isEmpty())
        return {};
    const auto& samples = capture_->divergence.samples();
    auto it = std::lower_bound(
        samples.begin(), samples.end(), tick,
        [](const DivergenceSample& s, double t) { return static_cast<double>(s.tick) + 0.5 < t; });
    if (it == samples.end())
        return {};
    QStringList lines;
    lines << QStringLiteral("After %1 (#%2)").arg(QString::fromStdString(it->label)).arg(it->tick);
    for (const auto& [pair, name] : comparedPairs(*capture_))
        lines << QStringLiteral("%1: %2").arg(name).arg(it->differing[pair]);
    return lines.join(QLatin1Char('\n'));
}

DisagreementPlot::DisagreementPlot(QWidget* parent)
    : QCustomPlot(parent) {
    setObjectName(QStringLiteral("disagreement-plot"));
    title_ = addPlotTitle(this, QStringLiteral("Keys that differ between two stores, now"));
    followWidgetFont(this);
    map_ = new QCPColorMap(xAxis, yAxis);
    scale_ = new QCPColorScale(this);
    plotLayout()->addElement(1, 1, scale_);
    scale_->setLabel(QStringLiteral("keys"));
    map_->setColorScale(scale_);
    QCPColorGradient gradient;
    gradient.setColorStopAt(0, QColor(255, 255, 255));
    gradient.setColorStopAt(0.5, QColor(253, 174, 97));
    gradient.setColorStopAt(1, QColor(189, 0, 38));
    map_->setGradient(gradient);
    map_->setInterpolate(false);
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);
    setCapture(nullptr);
}

void DisagreementPlot::setCapture(std::shared_ptr<const PlotCapture> capture) {
    clearItems();
    const QString why = emptyReason(capture.get());
    const size_t n = why.isEmpty() ? capture->chosen.size() : 0;
    title_->setText(why.isEmpty()
                        ? QStringLiteral("Keys that differ between two stores, now")
                        : QStringLiteral("Keys that differ between two stores: %1").arg(why));
    map_->data()->setSize(static_cast<int>(std::max<size_t>(n, 1)),
                          static_cast<int>(std::max<size_t>(n, 1)));
    map_->data()->setRange(QCPRange(0, static_cast<double>(std::max<size_t>(n, 1) - 1)),
                           QCPRange(0, static_cast<double>(std::max<size_t>(n, 1) - 1)));
    map_->data()->fill(0);
    auto xTicks = QSharedPointer<QCPAxisTickerText>::create();
    auto yTicks = QSharedPointer<QCPAxisTickerText>::create();
    double top = 1;
    std::vector<std::pair<QCPItemText*, double>> labels;
    if (n > 0) {
        const DivergenceSample& now = capture->divergence.samples().back();
        const size_t all = capture->storeNames.size();
        for (size_t i = 0; i < n; ++i) {
            const QString name = QString::fromStdString(capture->storeNames[capture->chosen[i]]);
            xTicks->addTick(static_cast<double>(i), name);
            // The first store on top, as in the timeline.
            yTicks->addTick(static_cast<double>(n - 1 - i), name);
        }
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) {
                const size_t a = std::min(capture->chosen[i], capture->chosen[j]);
                const size_t b = std::max(capture->chosen[i], capture->chosen[j]);
                const double v = a == b ? 0 : now.differing[pairIndex(a, b, all)];
                map_->data()->setCell(static_cast<int>(i), static_cast<int>(n - 1 - j), v);
                top = std::max(top, v);
                auto* label = new QCPItemText(this);
                label->position->setCoords(static_cast<double>(i), static_cast<double>(n - 1 - j));
                label->setText(QString::number(v, 'f', 0));
                label->setSelectable(false);
                labels.push_back({label, v});
            }
    }
    // White on the dark half of the scale, black on the light half: readable on every cell.
    for (const auto& [label, v] : labels)
        label->setColor(v > top * 0.6 ? Qt::white : Qt::black);
    xAxis->setTicker(xTicks);
    yAxis->setTicker(yTicks);
    map_->setDataRange(QCPRange(0, top));
    // Whole counts: ticks at whole numbers only.
    auto counts = QSharedPointer<QCPAxisTickerFixed>::create();
    counts->setTickStep(1);
    counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    scale_->axis()->setTicker(counts);
    const double span = static_cast<double>(std::max<size_t>(n, 1));
    xAxis->setRange(-0.5, span - 0.5);
    yAxis->setRange(-0.5, span - 0.5);
    replotWhenShown(this);
}

double DisagreementPlot::cellValue(size_t a, size_t b) const {
    const int n = map_->data()->keySize();
    return map_->data()->cell(static_cast<int>(a), n - 1 - static_cast<int>(b));
}

} // namespace syncscope

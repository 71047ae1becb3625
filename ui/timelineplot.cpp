#include "timelineplot.h"

#include "plotsupport.h"

#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace syncscope {

namespace {

// Below this many merged-in writes every one is linked to its origin; above, only the
// selected key's are (a thousand arrows hide the points they join).
constexpr size_t kLinkEveryMergeBelow = 200;
constexpr double kPickRadius = 8.0; // pixels

enum class Mark { Local, MergedIn, Delete, Get, Seed };

Mark markOf(const TimelineSnapshot::Point& p) {
    switch (p.kind) {
    case EntryKind::Get:
        return Mark::Get;
    case EntryKind::Seed:
        return Mark::Seed;
    case EntryKind::Delete:
        return Mark::Delete;
    case EntryKind::Set:
        break;
    }
    return p.mergedIn ? Mark::MergedIn : Mark::Local;
}

QCPScatterStyle styleOf(Mark mark, const QColor& color) {
    switch (mark) {
    case Mark::Local:
        return QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 8);
    case Mark::MergedIn:
        return QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color, 2), Qt::white, 9);
    case Mark::Delete:
        return QCPScatterStyle(QCPScatterStyle::ssCross, QPen(color, 2), Qt::NoBrush, 9);
    case Mark::Get:
        return QCPScatterStyle(QCPScatterStyle::ssTriangle, QPen(color, 1.5), Qt::NoBrush, 8);
    case Mark::Seed:
        return QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(Qt::gray), Qt::lightGray, 4);
    }
    return {};
}

QCPGraph* scatterGraph(QCustomPlot* plot, const QCPScatterStyle& style) {
    QCPGraph* g = plot->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(style);
    g->setSelectable(QCP::stNone);
    return g;
}

} // namespace

TimelinePlot::TimelinePlot(QWidget* parent)
    : QCustomPlot(parent) {
    setObjectName(QStringLiteral("timeline-plot"));
    title_ = addPlotTitle(this, QStringLiteral("Oplogs over time"));
    followWidgetFont(this);
    xAxis->setLabel(QStringLiteral("timestamp"));
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    setMouseTracking(true);
    followUserRange(
        this, &userRange_, [this] { rebuild(); },
        [this](QMouseEvent* e) {
            const std::optional<Hit> hit = pointAt(e->position());
            if (!hit)
                return;
            const auto& p = snapshot_->points(hit->lane)[hit->index];
            const QString sid = QString::fromStdString(snapshot_->studentId(p.keyRow));
            const QString cid = QString::fromStdString(snapshot_->courseId(p.keyRow));
            selectKey(sid, cid);
            Q_EMIT keySelected(sid, cid);
        });
    connect(this, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const std::optional<Hit> hit = pointAt(e->position());
        if (!hit) {
            QToolTip::hideText();
            return;
        }
        const auto& p = snapshot_->points(hit->lane)[hit->index];
        QToolTip::showText(e->globalPosition().toPoint(),
                           QString::fromStdString(snapshot_->describe(hit->lane, p)), this);
    });
    // The lanes' labels are thinned to the height the layout gave the axis; that height is
    // known after the layout, the labels are made before it: a change waits for the next draw.
    connect(this, &QCustomPlot::afterLayout, this, [this] {
        if (laneLabelStep() != laneLabelStep_) {
            labelLanes();
            replot(rpQueuedReplot);
        }
    });
    rebuild();
}

// Every lane's name where the lanes are far enough apart; every second, third… one where they
// are closer than a line of the labels' font, so no two labels overlap. A long name is cut
// with "…" (the tooltip of a point says its store whole).
int TimelinePlot::laneLabelStep() const {
    const size_t lanes = snapshot_ ? snapshot_->laneCount() : 0;
    if (lanes == 0)
        return 1;
    // The lanes' axis runs from -0.6 to lanes - 0.4 (rebuild).
    const double perLane = axisRect()->height() / (static_cast<double>(lanes) + 0.2);
    const int lineHeight = QFontMetrics(yAxis->tickLabelFont()).height();
    return perLane <= 0 ? static_cast<int>(lanes)
                        : std::max(1, static_cast<int>(std::ceil(lineHeight / perLane)));
}

void TimelinePlot::labelLanes() {
    laneLabelStep_ = laneLabelStep();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const QFontMetrics metrics(yAxis->tickLabelFont());
    const size_t lanes = snapshot_ ? snapshot_->laneCount() : 0;
    for (size_t lane = 0; lane < lanes; ++lane)
        ticker->addTick(laneY(lane),
                        lane % static_cast<size_t>(laneLabelStep_) == 0
                            ? metrics.elidedText(QString::fromStdString(snapshot_->laneName(lane)),
                                                 Qt::ElideRight, metrics.averageCharWidth() * 12)
                            : QString());
    yAxis->setTicker(ticker);
}

double TimelinePlot::laneY(size_t lane) const {
    // The first store on top, as the store panels read left to right.
    return static_cast<double>(snapshot_->laneCount() - 1 - lane);
}

void TimelinePlot::setSnapshot(std::shared_ptr<const TimelineSnapshot> snapshot) {
    snapshot_ = std::move(snapshot);
    rebuild();
}

void TimelinePlot::selectKey(const QString& studentId, const QString& courseId) {
    selectedStudent_ = studentId;
    selectedCourse_ = courseId;
    drawSelection();
    replot();
}

void TimelinePlot::rebuild() {
    clearGraphs();
    clearItems();
    selection_ = nullptr;
    selectionLinks_.clear();
    const size_t lanes = snapshot_ ? snapshot_->laneCount() : 0;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    if (lanes == 0) {
        title_->setText(QStringLiteral("Oplogs over time: nothing captured yet"));
        yAxis->setTicker(ticker);
        replotWhenShown(this);
        return;
    }
    size_t omitted = 0, mergedIn = 0;
    int64_t minTs = INT64_MAX, maxTs = INT64_MIN;
    // One graph per (lane, mark, colour); points go in already sorted by timestamp.
    std::map<std::tuple<size_t, Mark, size_t>, QCPGraph*> graphs;
    QVector<double> discardedTs, discardedY;
    for (size_t lane = 0; lane < lanes; ++lane) {
        omitted += snapshot_->omitted(lane);
        const double y = laneY(lane);
        for (const TimelineSnapshot::Point& p : snapshot_->points(lane)) {
            const Mark mark = markOf(p);
            // A write merged in is drawn in the colour of the store that made it.
            const size_t colour =
                p.mergedIn && p.originLane >= 0 ? static_cast<size_t>(p.originLane) : lane;
            QCPGraph*& g = graphs[{lane, mark, colour}];
            if (!g)
                g = scatterGraph(this, markStyle(static_cast<int>(mark), storeColor(colour)));
            g->addData(static_cast<double>(p.ts), y);
            if (p.discarded) {
                discardedTs << static_cast<double>(p.ts);
                discardedY << y;
            }
            minTs = std::min(minTs, p.ts);
            maxTs = std::max(maxTs, p.ts);
            mergedIn += p.mergedIn ? 1 : 0;
        }
    }
    // Added last, so the rings are drawn over the marks they circle.
    QCPGraph* discarded =
        scatterGraph(this, QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(207, 34, 46), 2),
                                           Qt::NoBrush, 15));
    discarded->setName(QStringLiteral("discarded unseen"));
    discarded->setData(discardedTs, discardedY);
    labelLanes();
    yAxis->setRange(-0.6, static_cast<double>(lanes) - 0.4);
    if (minTs <= maxTs && !userRange_) {
        const double pad = std::max(1.0, static_cast<double>(maxTs - minTs) * 0.04);
        xAxis->setRange(static_cast<double>(minTs) - pad, static_cast<double>(maxTs) + pad);
    }
    title_->setText(
        omitted == 0
            ? QStringLiteral("Oplogs over time")
            : QStringLiteral("Oplogs over time (newest entries; %1 older not drawn)").arg(omitted));
    if (mergedIn <= kLinkEveryMergeBelow)
        for (size_t lane = 0; lane < lanes; ++lane)
            for (const TimelineSnapshot::Point& p : snapshot_->points(lane)) {
                if (!p.mergedIn || p.originLane < 0)
                    continue;
                auto* link = new QCPItemLine(this);
                QColor c = storeColor(static_cast<size_t>(p.originLane));
                c.setAlpha(90);
                link->setPen(QPen(c, 1, Qt::DashLine));
                link->start->setCoords(static_cast<double>(p.ts),
                                       laneY(static_cast<size_t>(p.originLane)));
                link->end->setCoords(static_cast<double>(p.ts), laneY(lane));
                link->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 6, 8));
                link->setSelectable(false);
            }
    drawSelection();
    replotWhenShown(this);
}

void TimelinePlot::setVectorMarks(bool vector) {
    if (vector == vectorMarks_)
        return;
    vectorMarks_ = vector;
    rebuild();
}

QCPScatterStyle TimelinePlot::markStyle(int mark, const QColor& colour) {
    const QCPScatterStyle shape = styleOf(static_cast<Mark>(mark), colour);
    if (vectorMarks_)
        return shape;
    auto [it, added] = pixmapMarks_.try_emplace({mark, colour.rgb()});
    if (added) {
        // Drawn once, antialiased, into a pixmap with room for the pen.
        const int side = static_cast<int>(shape.size()) + 4;
        QPixmap pixmap(side, side);
        pixmap.fill(Qt::transparent);
        QCPPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        shape.applyTo(&painter, QPen());
        shape.drawShape(&painter, side / 2.0, side / 2.0);
        painter.end();
        it->second = QCPScatterStyle(pixmap);
    }
    return it->second;
}

void TimelinePlot::drawSelection() {
    for (QCPAbstractItem* item : std::as_const(selectionLinks_))
        removeItem(item);
    selectionLinks_.clear();
    if (selection_) {
        removeGraph(selection_);
        selection_ = nullptr;
    }
    if (!snapshot_ || selectedStudent_.isEmpty())
        return;
    const int64_t selectedRow =
        snapshot_->keyRowOf(selectedStudent_.toStdString(), selectedCourse_.toStdString());
    if (selectedRow < 0)
        return;
    selection_ = scatterGraph(this, QCPScatterStyle(QCPScatterStyle::ssSquare,
                                                    QPen(palette().color(QPalette::WindowText), 2),
                                                    Qt::NoBrush, 16));
    selection_->setName(QStringLiteral("selected key"));
    for (size_t lane = 0; lane < snapshot_->laneCount(); ++lane)
        for (const TimelineSnapshot::Point& p : snapshot_->points(lane)) {
            if (static_cast<int64_t>(p.keyRow) != selectedRow)
                continue;
            selection_->addData(static_cast<double>(p.ts), laneY(lane));
            if (!p.mergedIn || p.originLane < 0)
                continue;
            auto* link = new QCPItemLine(this);
            link->setPen(QPen(storeColor(static_cast<size_t>(p.originLane)), 2));
            link->start->setCoords(static_cast<double>(p.ts),
                                   laneY(static_cast<size_t>(p.originLane)));
            link->end->setCoords(static_cast<double>(p.ts), laneY(lane));
            link->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 8, 10));
            link->setSelectable(false);
            selectionLinks_ << link;
        }
}

QPointF TimelinePlot::pixelOf(size_t lane, size_t index) const {
    const auto& p = snapshot_->points(lane)[index];
    return {xAxis->coordToPixel(static_cast<double>(p.ts)), yAxis->coordToPixel(laneY(lane))};
}

std::optional<TimelinePlot::Hit> TimelinePlot::pointAt(const QPointF& pos) const {
    if (!snapshot_)
        return std::nullopt;
    std::optional<Hit> best;
    double bestDistance = kPickRadius;
    for (size_t lane = 0; lane < snapshot_->laneCount(); ++lane) {
        if (std::abs(yAxis->coordToPixel(laneY(lane)) - pos.y()) > kPickRadius)
            continue;
        const auto points = snapshot_->points(lane);
        // Points within the radius on the time axis, found by binary search on timestamps.
        const double lo = xAxis->pixelToCoord(pos.x() - kPickRadius);
        const double hi = xAxis->pixelToCoord(pos.x() + kPickRadius);
        auto it = std::lower_bound(points.begin(), points.end(), std::min(lo, hi),
                                   [](const TimelineSnapshot::Point& p, double ts) {
                                       return static_cast<double>(p.ts) < ts;
                                   });
        for (; it != points.end() && static_cast<double>(it->ts) <= std::max(lo, hi); ++it) {
            const size_t index = static_cast<size_t>(it - points.begin());
            const double d =
                std::hypot(pixelOf(lane, index).x() - pos.x(), pixelOf(lane, index).y() - pos.y());
            // Among points drawn on one spot, the newest entry (last in log order) wins.
            if (d <= bestDistance) {
                bestDistance = d;
                best = Hit{lane, index};
            }
        }
    }
    return best;
}

} // namespace syncscope

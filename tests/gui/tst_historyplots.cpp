// The history plots, offscreen: the timeline puts each entry where its lane and timestamp say,
// rings the write LWW discards, selects a key on a click and frames it; the divergence chart
// and heat map draw exactly the tracker's counts; every plot exports to PNG and PDF.
#include "divergenceplot.h"
#include "engine.h"
#include "historyplots.h"
#include "plotsupport.h"
#include "timelineplot.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

using namespace syncscope;

namespace {

// Three stores: SQL and HIVE write SID1 concurrently, MONGO writes SID2 and SQL merges it in;
// then a FULL_SYNC. The tracker samples after each step.
struct Demo {
    Catalog catalog;
    Engine engine{catalog};
    DivergenceTracker tracker;
    std::shared_ptr<PlotCapture> capture = std::make_shared<PlotCapture>();

    explicit Demo(bool sync) {
        for (const char* n : {"SQL", "HIVE", "MONGO"})
            engine.addReplica(n);
        tracker.rebuild(engine, "loaded");
        const KeyId k1 = catalog.internKey("SID1", "C1"), k2 = catalog.internKey("SID2", "C1");
        engine.set(0, k1, catalog.internValue("B"), 3);
        tracker.advance(engine, "SQL.SET", true);
        engine.set(1, k1, catalog.internValue("A"), 5);
        tracker.advance(engine, "HIVE.SET", true);
        engine.set(2, k2, catalog.internValue("C"), 1);
        tracker.advance(engine, "MONGO.SET", true);
        engine.merge(0, 2);
        tracker.advance(engine, "SQL.MERGE(MONGO)", true);
        if (sync) {
            const std::vector<size_t> all{0, 1, 2};
            engine.fullSync(all);
            tracker.advance(engine, "FULL_SYNC", true);
        }
        capture->chosen = {0, 1, 2};
        capture->storeNames = {"SQL", "HIVE", "MONGO"};
        capture->timeline = TimelineSnapshot::capture(engine, capture->chosen, 1000);
        capture->divergence = tracker.history();
    }
};

int colouredPixels(const QImage& image, const QColor& colour) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                             std::abs(c.blue() - colour.blue()) <
                         40
                     ? 1
                     : 0;
        }
    return n;
}

} // namespace

class TestHistoryPlots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void timelinePlacesEveryEntryAndRingsTheDiscardedWrite();
    void clickingAPointSelectsItsKey();
    void timelineLaneLabelsNeverOverlap();
    void onlyTheVisiblePlotIsDrawnAtACapture();
    void zoomSurvivesNewSnapshotsUntilDoubleClick();
    void divergenceAndHeatMapDrawTheTrackersCounts();
    void emptyAndUntrackedCapturesSayWhy();
    void everyPlotExportsAsPngAndPdf();
    void badExportTargetsAreRefusedWithTheReason();
};

void TestHistoryPlots::timelinePlacesEveryEntryAndRingsTheDiscardedWrite() {
    Demo demo(false);
    TimelinePlot plot;
    plot.resize(800, 320);
    plot.setSnapshot(
        std::shared_ptr<const TimelineSnapshot>(demo.capture, &demo.capture->timeline));
    plot.replot();
    const TimelineSnapshot& t = *plot.snapshot();
    size_t drawn = 0;
    for (size_t lane = 0; lane < t.laneCount(); ++lane)
        for (size_t i = 0; i < t.points(lane).size(); ++i) {
            const QPointF at = plot.pixelOf(lane, i);
            QVERIFY(plot.axisRect()->rect().contains(at.toPoint()));
            // The point found at its own pixel is on the same lane and timestamp.
            const auto hit = plot.pointAt(at);
            QVERIFY(hit);
            QCOMPARE(hit->lane, lane);
            QCOMPARE(t.points(lane)[hit->index].ts, t.points(lane)[i].ts);
            ++drawn;
        }
    QCOMPARE(drawn, size_t(4)); // SQL: own SET + merged-in; HIVE: SET; MONGO: SET
    QVERIFY(!plot.pointAt(QPointF(2, 2)));
    // The first lane is on top.
    QVERIFY(plot.pixelOf(0, 0).y() < plot.pixelOf(1, 0).y());
    // SQL's discarded B is ringed in red; nothing else is red.
    const QImage image = plot.toPixmap(800, 320).toImage();
    QVERIFY(colouredPixels(image, QColor(207, 34, 46)) > 30);
    Demo synced(true); // after the FULL_SYNC no write is discarded unseen any more
    plot.setSnapshot(
        std::shared_ptr<const TimelineSnapshot>(synced.capture, &synced.capture->timeline));
    QCOMPARE(colouredPixels(plot.toPixmap(800, 320).toImage(), QColor(207, 34, 46)), 0);
}

void TestHistoryPlots::clickingAPointSelectsItsKey() {
    Demo demo(false);
    HistoryPlots plots;
    plots.resize(900, 400);
    plots.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plots));
    plots.setCapture(demo.capture);
    TimelinePlot* plot = plots.timeline();
    plot->replot();
    QSignalSpy selected(&plots, &HistoryPlots::keySelected);
    // MONGO's SET of SID2 (lane 2, its only point).
    const QPoint at = plot->pixelOf(2, 0).toPoint();
    QTest::mouseClick(plot, Qt::LeftButton, {}, at);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.at(0).at(0).toString(), QStringLiteral("SID2"));
    QCOMPARE(selected.at(0).at(1).toString(), QStringLiteral("C1"));
    // The selection frames the key's points: a graph with one point per lane that has it.
    const QCPGraph* frame = nullptr;
    for (int g = 0; g < plot->graphCount(); ++g)
        if (plot->graph(g)->name() == QStringLiteral("selected key"))
            frame = plot->graph(g);
    QVERIFY(frame);
    QCOMPARE(frame->dataCount(), 2);    // MONGO's own write and SQL's merged-in copy
    QCOMPARE(plot->itemCount(), 1 + 1); // the merged-in link, and the arrow for the selection
    // A click on empty space selects nothing.
    QTest::mouseClick(plot, Qt::LeftButton, {}, QPoint(3, 3));
    QCOMPARE(selected.count(), 1);
}

void TestHistoryPlots::zoomSurvivesNewSnapshotsUntilDoubleClick() {
    Demo demo(false);
    TimelinePlot plot;
    plot.resize(800, 320);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const auto snapshot =
        std::shared_ptr<const TimelineSnapshot>(demo.capture, &demo.capture->timeline);
    plot.setSnapshot(snapshot);
    const QCPRange fitted = plot.xAxis->range();
    // Scrolling zooms the time axis in.
    const QPointF centre = plot.axisRect()->rect().center();
    QWheelEvent wheel(centre, plot.mapToGlobal(centre), {}, QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&plot, &wheel);
    const QCPRange zoomed = plot.xAxis->range();
    QVERIFY(zoomed.size() < fitted.size());
    // A new snapshot (a script step) keeps the range the user chose…
    plot.setSnapshot(snapshot);
    QCOMPARE(plot.xAxis->range(), zoomed);
    // …and so does exporting, which redraws the marks as shapes.
    plot.setVectorMarks(true);
    QCOMPARE(plot.xAxis->range(), zoomed);
    plot.setVectorMarks(false);
    // A double click shows everything again, and new snapshots follow the data.
    QTest::mouseDClick(&plot, Qt::LeftButton, {}, centre.toPoint());
    QCOMPARE(plot.xAxis->range(), fitted);
}

void TestHistoryPlots::divergenceAndHeatMapDrawTheTrackersCounts() {
    Demo demo(true);
    DivergencePlot chart;
    chart.resize(700, 300);
    chart.setCapture(demo.capture);
    QCOMPARE(chart.graphCount(), 3); // SQL–HIVE, SQL–MONGO, HIVE–MONGO
    const auto& samples = demo.capture->divergence.samples();
    QCOMPARE(samples.size(), size_t(6));
    for (int g = 0; g < chart.graphCount(); ++g) {
        QCOMPARE(chart.graph(g)->dataCount(), 6);
        // Everything differs somewhere before the FULL_SYNC, nothing after it.
        QCOMPARE(chart.graph(g)->data()->at(5)->value, 0.0);
    }
    QCOMPARE(chart.graph(0)->name(), QStringLiteral("SQL–HIVE"));
    // After HIVE's SET, SQL and HIVE hold different writes of SID1: one key.
    QCOMPARE(chart.graph(0)->data()->at(2)->value, 1.0);
    QVERIFY(chart.describeNear(5).contains(QStringLiteral("After FULL_SYNC (#5)")));
    QVERIFY(chart.describeNear(4).contains(QStringLiteral("SQL–MONGO: 1")));

    Demo before(false);
    DisagreementPlot heat;
    heat.resize(400, 400);
    heat.setCapture(before.capture);
    const std::vector<uint32_t>& now = before.tracker.differing();
    QCOMPARE(heat.cellValue(0, 1), double(now[pairIndex(0, 1, 3)]));
    QCOMPARE(heat.cellValue(1, 0), heat.cellValue(0, 1));
    QCOMPARE(heat.cellValue(1, 2), double(now[pairIndex(1, 2, 3)]));
    QCOMPARE(heat.cellValue(2, 2), 0.0);
    QCOMPARE(heat.cellValue(0, 1), 2.0); // SID1 (B against A), SID2 (only SQL received it)
    QCOMPARE(heat.cellValue(0, 2), 1.0); // SID1 only: SQL holds MONGO's own write of SID2
    QCOMPARE(heat.cellValue(1, 2), 2.0); // SID1 (HIVE only), SID2 (MONGO only)
    QCOMPARE(heat.itemCount(), 9);       // a count in every cell
}

void TestHistoryPlots::emptyAndUntrackedCapturesSayWhy() {
    DivergencePlot chart;
    QCOMPARE(chart.graphCount(), 0);
    QCOMPARE(chart.describeNear(0), QString());
    auto capture = std::make_shared<PlotCapture>();
    capture->divergenceTracked = false;
    capture->storeNames = {"A", "B"};
    capture->chosen = {0, 1};
    chart.setCapture(capture);
    QCOMPARE(chart.graphCount(), 0);
    auto* title = qobject_cast<QCPTextElement*>(chart.plotLayout()->element(0, 0));
    QVERIFY(title);
    QVERIFY2(title->text().contains(QStringLiteral("more than 11 stores")),
             qPrintable(title->text()));
    Demo demo(false);
    auto one = std::make_shared<PlotCapture>(*demo.capture);
    one->chosen = {1};
    chart.setCapture(one);
    QVERIFY(title->text().contains(QStringLiteral("at least two stores")));
}

void TestHistoryPlots::everyPlotExportsAsPngAndPdf() {
    Demo demo(true);
    HistoryPlots plots;
    plots.resize(900, 420);
    plots.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plots));
    plots.setCapture(demo.capture);
    QTemporaryDir dir;
    for (int tab = 0; tab < plots.tabs()->count(); ++tab) {
        plots.tabs()->setCurrentIndex(tab);
        QCustomPlot* plot = plots.currentPlot();
        QVERIFY(plot);
        const QString png = dir.filePath(QStringLiteral("plot%1.PNG").arg(tab));
        const QString pdf = dir.filePath(QStringLiteral("plot%1.pdf").arg(tab));
        QString error;
        QVERIFY2(plots.exportCurrent(png, &error), qPrintable(error));
        QVERIFY2(plots.exportCurrent(pdf, &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), plot->size() * 2); // exported at twice the screen's resolution
        // Not blank: the axes and labels at least.
        QVERIFY(colouredPixels(image, Qt::black) > 200);
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray head = file.read(5);
        QCOMPARE(head, QByteArray("%PDF-"));
        QVERIFY(file.size() > 1000);
    }
}

void TestHistoryPlots::badExportTargetsAreRefusedWithTheReason() {
    HistoryPlots plots;
    QTemporaryDir dir;
    QString error;
    const QString svg = dir.filePath(QStringLiteral("plot.svg"));
    QVERIFY(!plots.exportCurrent(svg, &error));
    QVERIFY(error.contains(svg));
    QVERIFY(error.contains(QStringLiteral(".png or .pdf")));
    QVERIFY(!QFile::exists(svg));
    const QString missing = dir.filePath(QStringLiteral("no/such/folder/plot.png"));
    QVERIFY(!plots.exportCurrent(missing, &error));
    QVERIFY(error.contains(missing));
}

// A small History dock (a projector's, at a large scale): the lanes come closer than a line of
// the labels' font, and the names are thinned out instead of drawn over each other; with room,
// every lane is named again.
void TestHistoryPlots::timelineLaneLabelsNeverOverlap() {
    Demo demo(false);
    TimelinePlot plot;
    plot.setSnapshot(
        std::shared_ptr<const TimelineSnapshot>(demo.capture, &demo.capture->timeline));
    QFont large = plot.yAxis->tickLabelFont();
    large.setPointSizeF(large.pointSizeF() * 1.5);
    plot.yAxis->setTickLabelFont(large);
    const int lineHeight = QFontMetrics(large).height();
    plot.show(); // a hidden widget is resized only when shown
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const auto shownLabels = [&](int height) {
        plot.resize(600, height);
        plot.replot();
        QCoreApplication::processEvents(); // the queued replot with the thinned labels
        plot.replot();
        QList<double> at;
        const QVector<double> ticks = plot.yAxis->tickVector();
        const QVector<QString> labels = plot.yAxis->tickVectorLabels();
        for (qsizetype i = 0; i < ticks.size(); ++i)
            if (!labels.value(i).isEmpty())
                at << plot.yAxis->coordToPixel(ticks[i]);
        std::sort(at.begin(), at.end());
        return at;
    };
    for (int height : {90, 110, 140, 400}) {
        const QList<double> at = shownLabels(height);
        QVERIFY(!at.isEmpty());
        for (qsizetype i = 1; i < at.size(); ++i)
            QVERIFY2(at[i] - at[i - 1] >= lineHeight,
                     qPrintable(QStringLiteral("%1 px high: labels %2 px apart, a line is %3")
                                    .arg(height)
                                    .arg(at[i] - at[i - 1])
                                    .arg(lineHeight)));
    }
    QCOMPARE(shownLabels(400).size(), 3);
}

// A Run captures the plots again and again: the plot in front is drawn at each capture, those on
// the tabs behind it when they are next shown (with the newest capture).
void TestHistoryPlots::onlyTheVisiblePlotIsDrawnAtACapture() {
    Demo demo(true);
    HistoryPlots plots;
    plots.resize(900, 420);
    plots.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plots));
    QCOMPARE(plots.currentPlot(), plots.timeline());
    QSignalSpy timelineDrawn(plots.timeline(), &QCustomPlot::afterReplot);
    QSignalSpy divergenceDrawn(plots.divergence(), &QCustomPlot::afterReplot);
    plots.setCapture(demo.capture);
    QVERIFY(timelineDrawn.count() >= 1);
    QCOMPARE(divergenceDrawn.count(), 0);
    QCOMPARE(plots.divergence()->capture(), demo.capture.get()); // its data is there, undrawn
    plots.tabs()->setCurrentWidget(plots.divergence());
    QTRY_VERIFY(divergenceDrawn.count() >= 1);
    QCOMPARE(plots.divergence()->graphCount(), 3); // SQL-HIVE, SQL-MONGO, HIVE-MONGO
}

QTEST_MAIN(TestHistoryPlots)
#include "tst_historyplots.moc"

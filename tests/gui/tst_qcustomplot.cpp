// QCustomPlot, built here against Qt 6, links and draws: a line plot rendered offscreen must
// put the graph's colour on the image.
#include <qcustomplot.h>

#include <QTest>

class TestQCustomPlot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawsOffscreen();
};

void TestQCustomPlot::drawsOffscreen() {
    QCustomPlot plot;
    plot.resize(320, 200);
    QCPGraph* graph = plot.addGraph();
    graph->setPen(QPen(QColor(255, 0, 0), 3));
    QVector<double> x, y;
    for (int i = 0; i <= 100; ++i) {
        x << i;
        y << (i % 20);
    }
    graph->setData(x, y);
    plot.rescaleAxes();
    plot.replot();
    const QImage image = plot.toPixmap(320, 200).toImage();
    QCOMPARE(image.size(), QSize(320, 200));
    int red = 0;
    for (int py = 0; py < image.height(); ++py)
        for (int px = 0; px < image.width(); ++px) {
            const QColor c = image.pixelColor(px, py);
            if (c.red() > 200 && c.green() < 80 && c.blue() < 80)
                ++red;
        }
    QVERIFY2(red > 200, qPrintable(QStringLiteral("only %1 red pixels").arg(red)));
    // The QCP namespace's enums reach the meta-object system (what the moc patch is for).
    QCOMPARE(QMetaEnum::fromType<QCP::Interaction>().valueToKey(QCP::iRangeDrag), "iRangeDrag");
}

QTEST_MAIN(TestQCustomPlot)
#include "tst_qcustomplot.moc"

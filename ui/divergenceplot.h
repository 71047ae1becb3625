#pragma once

#include "plotcapture.h"

#include <qcustomplot.h>

#include <memory>

namespace syncscope {

// Differing keys per pair of the compared stores as the session advances: one step line per
// pair, x = commands run (and merges, imports, outside writes). Students watch the lines fall
// to zero at a FULL_SYNC. Hovering names the command at that point and every pair's count;
// drag and wheel pan and zoom the command axis (double click: everything again).
class DivergencePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit DivergencePlot(QWidget* parent = nullptr);

    void setCapture(std::shared_ptr<const PlotCapture> capture);
    const PlotCapture* capture() const { return capture_.get(); }
    // The text the tooltip shows for the sample nearest to a tick, or empty.
    QString describeNear(double tick) const;

private:
    std::shared_ptr<const PlotCapture> capture_;
    QCPTextElement* title_ = nullptr;
    bool userRange_ = false; // the user zoomed or panned: new captures keep the range
};

// The disagreement heat map: for each pair of the compared stores, how many keys they hold
// different writes for now. Each cell shows its count.
class DisagreementPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit DisagreementPlot(QWidget* parent = nullptr);

    void setCapture(std::shared_ptr<const PlotCapture> capture);
    // The count drawn in the cell of stores a and b (indices among the compared ones).
    double cellValue(size_t a, size_t b) const;

private:
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QCPTextElement* title_ = nullptr;
};

} // namespace syncscope

#pragma once

#include "plotcapture.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QLabel;
class QTabWidget;

namespace syncscope {

class DisagreementPlot;
class DivergencePlot;
class TimelinePlot;

// The history plots in tabs: the oplog timeline, the divergence of each pair of stores as the
// session advances, the disagreement heat map, each exportable as PNG or PDF. It displays
// captures; who makes them (off the UI thread) is the caller's business.
class HistoryPlots : public QWidget {
    Q_OBJECT
public:
    explicit HistoryPlots(QWidget* parent = nullptr);

    void setCapture(std::shared_ptr<const PlotCapture> capture);
    void selectKey(const QString& studentId, const QString& courseId);

    TimelinePlot* timeline() const { return timeline_; }
    DivergencePlot* divergence() const { return divergence_; }
    DisagreementPlot* disagreement() const { return disagreement_; }
    QTabWidget* tabs() const { return tabs_; }
    QCustomPlot* currentPlot() const;

    // Saves the plot in front as PNG or PDF (by the suffix); false with the reason otherwise.
    bool exportCurrent(const QString& path, QString* error);
    // Asks for a file name, then exports the plot in front; a failure is shown in a message box.
    void exportWithDialog();

Q_SIGNALS:
    void keySelected(const QString& studentId, const QString& courseId);

private:
    TimelinePlot* timeline_;
    DivergencePlot* divergence_;
    DisagreementPlot* disagreement_;
    QTabWidget* tabs_;
    QLabel* legend_;
};

} // namespace syncscope

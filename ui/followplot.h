#pragma once

#include <QStringList>
#include <QWidget>

class QCustomPlot;

namespace syncscope {

// A follow's lag and throughput over time, one colour per target: the lag's p99 over each
// second as a solid line (left axis, ms), the writes applied per second as a dashed one (right
// axis). The last ten minutes are kept; the view scrolls with the newest unless the user
// dragged or zoomed (double click: back to following). Exportable as PNG or PDF.
class FollowPlot : public QWidget {
    Q_OBJECT
public:
    static constexpr double kKeptSeconds = 600;

    explicit FollowPlot(QWidget* parent = nullptr);

    void setTargets(const QStringList& names);
    // One second's figures for a target, at `seconds` since the follow began.
    void addSample(int target, double seconds, double writesPerSecond, double lagP99Ms);
    // Points of the lag line of a target (what is drawn).
    int sampleCount(int target) const;

    bool save(const QString& path, QString* error);
    void saveWithDialog();
    QCustomPlot* plot() const { return plot_; }

private:
    void refit();

    QCustomPlot* plot_ = nullptr;
    bool userRange_ = false;
    double newest_ = 0;
};

} // namespace syncscope

#pragma once
// The UI thread's longest stall, for the GUI benchmarks and the tests that hold the window to
// staying responsive: a timer every 5 ms that records how late each tick came.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>

namespace bench {

// Fires every 5 ms and records how late each tick came: the UI thread's longest stall.
class LatencyProbe : public QObject {
public:
    LatencyProbe() {
        timer_.setTimerType(Qt::PreciseTimer);
        connect(&timer_, &QTimer::timeout, this, [this] {
            const qint64 now = clock_.nsecsElapsed();
            if (last_ >= 0)
                worst_ = std::max(worst_, static_cast<double>(now - last_) / 1e6 - 5.0);
            last_ = now;
        });
    }
    void start() {
        worst_ = 0;
        last_ = -1;
        clock_.start();
        timer_.start(5);
    }
    double stop() {
        timer_.stop();
        return worst_;
    }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = -1;
    double worst_ = 0;
};

} // namespace bench

#pragma once

#include "clockskew.h"

#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QLabel;
class QListWidget;
class QSpinBox;

namespace syncscope {

// The clock-skew what-if: an offset per store, the keys whose last-writer-wins winner would
// flip had those clocks been off all along, and (when ticked) the same offsets applied to
// the SETs and DELETEs typed from now on, so the flip can be watched happening. It displays
// reports; who computes them (off the UI thread) is the caller's business.
class ClockSkewPanel : public QWidget {
    Q_OBJECT
public:
    explicit ClockSkewPanel(const QStringList& storeNames, QWidget* parent = nullptr);

    std::vector<int64_t> offsets() const;
    bool anyOffset() const;
    // The offsets typed commands get: offsets() when the box is ticked, else none.
    std::vector<int64_t> appliedOffsets() const;
    void setOffset(int store, int64_t offset);
    void setApplyToCommands(bool apply);

    void setReport(std::shared_ptr<const ClockSkewReport> report);
    QListWidget* flipList() const { return flips_; }
    QString summary() const;

Q_SIGNALS:
    void offsetsChanged();

private:
    void showState();

    std::vector<QSpinBox*> spins_;
    QCheckBox* apply_;
    QLabel* summary_;
    QListWidget* flips_;
    std::shared_ptr<const ClockSkewReport> report_;
};

} // namespace syncscope

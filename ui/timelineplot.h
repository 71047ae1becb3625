#pragma once

#include "timeline.h"

#include <qcustomplot.h>

#include <map>
#include <memory>
#include <optional>

namespace syncscope {

// The oplogs on a time axis: one lane per store, x = timestamp. A filled dot is a SET the store
// made, a hollow one a write merged in (in the colour of the store that made it), a cross a
// DELETE, a triangle a GET, a small square a CSV seed. A red ring marks a write last-writer-wins
// discards unseen. The selected key's points are framed and its merged-in writes are linked to
// their origin by arrows (every merged-in write is, while there are few). Drag and wheel pan
// and zoom the time axis (double click: everything again); clicking a point selects its key;
// hovering explains the point.
class TimelinePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit TimelinePlot(QWidget* parent = nullptr);

    void setSnapshot(std::shared_ptr<const TimelineSnapshot> snapshot);
    const TimelineSnapshot* snapshot() const { return snapshot_.get(); }
    // Frames the key's points (and links its merged-in writes); an unknown key clears it.
    void selectKey(const QString& studentId, const QString& courseId);

    struct Hit {
        size_t lane = 0;
        size_t index = 0; // into snapshot()->points(lane)
    };
    // The point drawn nearest to a widget position, within a few pixels.
    std::optional<Hit> pointAt(const QPointF& pos) const;
    // Where a point is drawn, in widget coordinates.
    QPointF pixelOf(size_t lane, size_t index) const;
    // Marks drawn as shapes (for PDF export: sharp at any zoom) instead of the prerendered
    // pixmaps the screen uses (tens of thousands of antialiased shapes take 100+ ms to draw,
    // the same as pixmaps about 5 ms).
    void setVectorMarks(bool vector);

Q_SIGNALS:
    void keySelected(const QString& studentId, const QString& courseId);

private:
    double laneY(size_t lane) const;
    int laneLabelStep() const;
    void labelLanes();
    void rebuild();
    void drawSelection();
    QCPScatterStyle markStyle(int mark, const QColor& colour);

    std::shared_ptr<const TimelineSnapshot> snapshot_;
    QString selectedStudent_, selectedCourse_;
    QCPGraph* selection_ = nullptr;
    QList<QCPAbstractItem*> selectionLinks_;
    QCPTextElement* title_ = nullptr;
    bool vectorMarks_ = false;
    int laneLabelStep_ = 1;  // every how many lanes a name is shown
    bool userRange_ = false; // the user zoomed or panned: new snapshots keep the time range
    std::map<std::pair<int, QRgb>, QCPScatterStyle> pixmapMarks_; // by (mark, colour)
};

} // namespace syncscope

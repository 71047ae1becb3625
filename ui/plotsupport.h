#pragma once

#include <QColor>
#include <QString>

#include <cstddef>
#include <functional>

class QCPTextElement;
class QCustomPlot;
class QMouseEvent;
class QWidget;

namespace syncscope {

// What the history plots share: one colour per store (the same store has the same colour in
// every plot), a title row, and saving as PNG or PDF.

QColor storeColor(size_t store);
// Colours for series that are not stores (store pairs), distinguishable side by side.
QColor seriesColor(size_t series);

// Puts a title row above the plot's axes; returns the element so its text can change.
QCPTextElement* addPlotTitle(QCustomPlot* plot, const QString& title);

// Axis labels, tick labels, legend and title follow the plot widget's font, so the window's
// zoom (presentation mode) scales plots with everything else.
void followWidgetFont(QCustomPlot* plot);

// Remembers in *chosen whether the user picked the visible range (dragged or scrolled): new
// data then keeps that range instead of showing everything, so a zoomed view survives the
// refreshes a running script causes. A double click shows everything again (refit). A press
// and release without a drag between them is a click, passed to onClick when given.
void followUserRange(QCustomPlot* plot, bool* chosen, std::function<void()> refit,
                     std::function<void(QMouseEvent*)> onClick = {});

// Saves the plot as it is shown, as PNG or PDF by the file's suffix (case-insensitive). On
// failure returns false with a reason naming the file.
bool savePlot(QCustomPlot* plot, const QString& path, QString* error);

// Replots now if the plot can be seen, else when it is next shown: a plot on a tab behind
// another, or in a dock behind the console, is not drawn at every capture of a run (the
// History dock's three plots were all drawn, two of them unseen, on the UI thread). A plot
// not in a shown window (a test's, an export's) is drawn at once.
void replotWhenShown(QCustomPlot* plot);

// Export Plot…: asks for a PNG or PDF file (a name typed without a suffix takes the chosen
// filter's), then saves through `save`; a failure is shown in a message box.
void savePlotWithDialog(QWidget* parent, const QString& defaultName,
                        const std::function<bool(const QString& path, QString* error)>& save);

} // namespace syncscope

#pragma once

#include <QColor>
#include <QString>

#include <cstddef>

class QCPTextElement;
class QCustomPlot;

namespace syncscope {

// What the history plots share: one colour per store (the same store has the same colour in
// every plot), a title row, and saving as PNG or PDF.

QColor storeColor(size_t store);
// Colours for series that are not stores (store pairs), distinguishable side by side.
QColor seriesColor(size_t series);

// Puts a title row above the plot's axes; returns the element so its text can change.
QCPTextElement* addPlotTitle(QCustomPlot* plot, const QString& title);

// Saves the plot as it is shown, as PNG or PDF by the file's suffix (case-insensitive). On
// failure returns false with a reason naming the file.
bool savePlot(QCustomPlot* plot, const QString& path, QString* error);

} // namespace syncscope

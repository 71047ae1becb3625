#pragma once

#include <QObject>

#include <vector>

class QTableView;

namespace syncscope {

// Keeps the first columns of a narrow table in view: each has a width it wants at 100 % (scaled
// with the table's font, so it follows the zoom); where the view is too narrow for all of
// them, the columns marked `gives` share what is left after the others, elided, down to a few
// characters. A store panel's grade table: with five or six stores at 125 % on 1280×720 its
// ids took the room and the Grade column was cut off or out of sight. A column the user has
// dragged to a width keeps it (scaled with the zoom, as the others): only the others are fitted.
class ColumnFit : public QObject {
    Q_OBJECT
public:
    struct Column {
        int section;
        int width;  // at 100 %
        bool gives; // may be narrower than it wants
    };
    ColumnFit(QTableView* table, std::vector<Column> columns);

    // Sets the widths for the view's width and font now.
    void fit();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // The font's scale against the table's at construction (the zoom).
    double scale() const;
    // A header section resized: by the user's drag (or double-click), or by fit() or the zoom.
    void sectionResized(int section, int size);

    QTableView* table_;
    std::vector<Column> columns_;
    std::vector<double> dragged_; // per column: the width the user gave it, at 100 % (0: none)
    bool fitting_ = false;        // fit() is resizing
    bool mouseDown_ = false;      // a button is down on the header: a resize now is the user's
    double basePointSize_;
    int baseHeight_;
    bool queued_ = false;
};

} // namespace syncscope

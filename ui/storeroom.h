#pragma once

#include <QList>

class QDockWidget;
class QMainWindow;

namespace syncscope {

// Presentation mode's first rule: a larger scale is worth nothing if the store tables behind it
// show one row each. The store panels get the height they need first (the console and the
// script below give it up, down to their minimum); a scale that cannot keep the rows is
// refused by the window. Four, not five: at 1280×720 five stores then present at 125 % rather
// than 110 %.
constexpr int kUsableTableRows = 4;

// The fewest grade-table rows any docked, visible store panel shows whole.
int fewestTableRows(const QList<QDockWidget*>& storeDocks);

// Makes each row of docked store panels tall enough for `rows` table rows, taking the height
// from the docks below them; true when every visible panel then shows that many.
bool giveStoresRoom(QMainWindow* window, const QList<QDockWidget*>& storeDocks,
                    int rows = kUsableTableRows);

} // namespace syncscope

#include "storeroom.h"

#include "storepanel.h"

#include <QDockWidget>
#include <QHeaderView>
#include <QLayout>
#include <QMainWindow>
#include <QTableView>

#include <algorithm>
#include <climits>
#include <map>

namespace syncscope {

namespace {

QTableView* gradesOf(const QDockWidget* dock) {
    const auto* panel = qobject_cast<const StorePanel*>(dock->widget());
    return panel && dock->isVisible() && !dock->isFloating() ? panel->gradeView() : nullptr;
}

int rowHeight(const QTableView* table) {
    return std::max(1, table->verticalHeader()->defaultSectionSize());
}

int shownRows(const QTableView* table) {
    return table->viewport()->height() / rowHeight(table);
}

} // namespace

int fewestTableRows(const QList<QDockWidget*>& storeDocks) {
    int fewest = INT_MAX;
    for (const QDockWidget* dock : storeDocks)
        if (const QTableView* table = gradesOf(dock))
            fewest = std::min(fewest, shownRows(table));
    return fewest;
}

bool giveStoresRoom(QMainWindow* window, const QList<QDockWidget*>& storeDocks, int rows) {
    window->layout()->activate();
    // Docks side by side share a height: one per row of panels, the one showing the fewest.
    std::map<int, QDockWidget*> shortestInRow;
    for (QDockWidget* dock : storeDocks) {
        const QTableView* table = gradesOf(dock);
        if (!table)
            continue;
        QDockWidget*& kept = shortestInRow[dock->y()];
        if (!kept || shownRows(table) < shownRows(gradesOf(kept)))
            kept = dock;
    }
    QList<QDockWidget*> grow;
    QList<int> heights;
    for (const auto& [y, dock] : shortestInRow) {
        const QTableView* table = gradesOf(dock);
        const int missing = rows * rowHeight(table) - table->viewport()->height();
        if (missing > 0) {
            grow << dock;
            heights << dock->height() + missing;
        }
    }
    if (!grow.isEmpty()) {
        window->resizeDocks(grow, heights, Qt::Vertical);
        window->layout()->activate();
    }
    return fewestTableRows(storeDocks) >= rows;
}

} // namespace syncscope

#include "columnfit.h"

#include <QEvent>
#include <QHeaderView>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace syncscope {

ColumnFit::ColumnFit(QTableView* table, std::vector<Column> columns)
    : QObject(table)
    , table_(table)
    , columns_(std::move(columns))
    , basePointSize_(table->font().pointSizeF())
    , baseHeight_(table->fontMetrics().height()) {
    table_->setTextElideMode(Qt::ElideMiddle); // "SID1…33": both ends of an id tell it apart
    table_->installEventFilter(this);
    table_->viewport()->installEventFilter(this);
    fit();
}

void ColumnFit::fit() {
    const double points = table_->font().pointSizeF();
    const double scale = points > 0 && basePointSize_ > 0
                             ? points / basePointSize_
                             : table_->fontMetrics().height() / double(std::max(1, baseHeight_));
    int wanted = 0;
    int giving = 0;
    for (const Column& c : columns_) {
        const int w = static_cast<int>(std::lround(c.width * scale));
        wanted += w;
        if (c.gives)
            giving += w;
    }
    const int room = table_->viewport()->width();
    QHeaderView* header = table_->horizontalHeader();
    // The ids give way, elided, down to the header's least width; the columns after them keep
    // theirs, the grade first of all.
    const int least = std::max(header->minimumSectionSize(),
                               table_->fontMetrics().horizontalAdvance(QStringLiteral("S…")) + 6);
    const double share = wanted <= room || giving == 0
                             ? 1.0
                             : std::max(0.0, double(room - (wanted - giving)) / giving);
    for (const Column& c : columns_) {
        int w = static_cast<int>(std::lround(c.width * scale));
        if (c.gives && share < 1.0)
            w = std::max(least, static_cast<int>(w * share));
        if (header->sectionSize(c.section) != w)
            header->resizeSection(c.section, w);
    }
}

// After a resize, and after a change of font (the zoom, which then scales the columns itself:
// the fit comes after it).
bool ColumnFit::eventFilter(QObject* watched, QEvent* event) {
    const bool resized = watched == table_->viewport() && event->type() == QEvent::Resize;
    const bool refont = watched == table_ && event->type() == QEvent::FontChange;
    if ((resized || refont) && !queued_) {
        queued_ = true;
        QTimer::singleShot(0, this, [this] {
            queued_ = false;
            fit();
        });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace syncscope

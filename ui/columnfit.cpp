#include "columnfit.h"

#include <QEvent>
#include <QHeaderView>
#include <QScopedValueRollback>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace syncscope {

ColumnFit::ColumnFit(QTableView* table, std::vector<Column> columns)
    : QObject(table)
    , table_(table)
    , columns_(std::move(columns))
    , dragged_(columns_.size(), 0.0)
    , basePointSize_(table->font().pointSizeF())
    , baseHeight_(table->fontMetrics().height()) {
    table_->setTextElideMode(Qt::ElideMiddle); // "SID1…33": both ends of an id tell it apart
    table_->installEventFilter(this);
    table_->viewport()->installEventFilter(this);
    table_->horizontalHeader()->viewport()->installEventFilter(this);
    connect(table_->horizontalHeader(), &QHeaderView::sectionResized, this,
            [this](int section, int, int size) { sectionResized(section, size); });
    fit();
}

double ColumnFit::scale() const {
    const double points = table_->font().pointSizeF();
    return points > 0 && basePointSize_ > 0
               ? points / basePointSize_
               : table_->fontMetrics().height() / double(std::max(1, baseHeight_));
}

void ColumnFit::sectionResized(int section, int size) {
    // Only a resize while a button is down on the header is the user's: fit()'s and the zoom's
    // come without one.
    if (fitting_ || !mouseDown_)
        return;
    for (size_t i = 0; i < columns_.size(); ++i)
        if (columns_[i].section == section)
            dragged_[i] = size / scale();
}

void ColumnFit::fit() {
    const double scale = this->scale();
    const QScopedValueRollback<bool> fitting(fitting_, true);
    // A dragged column is as the user left it, scaled: it neither wants nor gives.
    const auto widthOf = [&](size_t i) {
        const double at100 = dragged_[i] > 0 ? dragged_[i] : columns_[i].width;
        return static_cast<int>(std::lround(at100 * scale));
    };
    const auto gives = [&](size_t i) { return columns_[i].gives && dragged_[i] <= 0; };
    int wanted = 0;
    int giving = 0;
    for (size_t i = 0; i < columns_.size(); ++i) {
        const int w = widthOf(i);
        wanted += w;
        if (gives(i))
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
    for (size_t i = 0; i < columns_.size(); ++i) {
        int w = widthOf(i);
        if (gives(i) && share < 1.0)
            w = std::max(least, static_cast<int>(w * share));
        if (header->sectionSize(columns_[i].section) != w)
            header->resizeSection(columns_[i].section, w);
    }
}

// After a resize, and after a change of font (the zoom, which then scales the columns itself:
// the fit comes after it).
bool ColumnFit::eventFilter(QObject* watched, QEvent* event) {
    if (watched == table_->horizontalHeader()->viewport()) {
        if (event->type() == QEvent::MouseButtonPress ||
            event->type() == QEvent::MouseButtonDblClick)
            mouseDown_ = true;
        else if (event->type() == QEvent::MouseButtonRelease)
            mouseDown_ = false;
        return QObject::eventFilter(watched, event);
    }
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

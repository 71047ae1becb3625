#include "elidedlabel.h"

#include <QPainter>

namespace syncscope {

ElidedLabel::ElidedLabel(const QString& text, QWidget* parent, Qt::TextElideMode mode)
    : QFrame(parent)
    , text_(text)
    , mode_(mode) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    updateToolTip();
}

void ElidedLabel::setText(const QString& text) {
    if (text == text_)
        return;
    text_ = text;
    updateGeometry();
    updateToolTip();
    update();
}

// A message of several lines (a server's error) is drawn on the one line, its line breaks as
// " ⏎ ": drawn as it was, the lines after the first were cut off by the label's height, and
// it counted as fitting, so no tooltip offered the rest.
QString ElidedLabel::oneLine() const {
    QStringList lines = text_.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (QString& line : lines)
        line = line.trimmed();
    return lines.join(QStringLiteral(" \u23CE "));
}

QString ElidedLabel::shownText() const {
    return fontMetrics().elidedText(oneLine(), mode_, contentsRect().width());
}

QSize ElidedLabel::sizeHint() const {
    const QMargins m = contentsMargins();
    return {fontMetrics().horizontalAdvance(oneLine()) + m.left() + m.right(),
            fontMetrics().height() + m.top() + m.bottom()};
}

// Room for a few characters and the ellipsis: enough to see that something is there.
QSize ElidedLabel::minimumSizeHint() const {
    const QMargins m = contentsMargins();
    return {fontMetrics().horizontalAdvance(QStringLiteral("MMMM…")) + m.left() + m.right(),
            fontMetrics().height() + m.top() + m.bottom()};
}

void ElidedLabel::paintEvent(QPaintEvent* event) {
    QFrame::paintEvent(event);
    QPainter painter(this);
    painter.drawText(contentsRect(), Qt::AlignLeft | Qt::AlignVCenter, shownText());
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    updateToolTip();
}

void ElidedLabel::updateToolTip() {
    setToolTip(shownText() == text_ ? QString() : text_);
}

} // namespace syncscope

#include "focushalo.h"

#include <QApplication>
#include <QEvent>
#include <QPainter>

namespace syncscope {

namespace {
QPointer<FocusHalo> halo; // a frame lives in the focused widget's window, and dies with it
} // namespace

FocusHalo* FocusHalo::install() {
    if (halo)
        return halo;
    static bool following = false;
    halo = new FocusHalo;
    if (!following) {
        following = true;
        QObject::connect(qApp, &QApplication::focusChanged, qApp,
                         [](QWidget*, QWidget* now) { install()->follow(now); });
    }
    halo->follow(QApplication::focusWidget());
    return halo;
}

FocusHalo::FocusHalo() {
    setObjectName(QStringLiteral("focus-halo"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setFocusPolicy(Qt::NoFocus);
    hide();
}

void FocusHalo::follow(QWidget* focused) {
    for (QWidget* w : std::as_const(watched_))
        if (w)
            w->removeEventFilter(this);
    watched_.clear();
    // A menu or a completer's popup takes the focus for a moment: the frame waits for it back.
    if (focused && (focused->window()->windowType() == Qt::Popup || focused->isWindow()))
        focused = nullptr;
    target_ = focused;
    if (!focused) {
        hide();
        return;
    }
    if (parentWidget() != focused->window()) {
        setParent(focused->window());
        setAttribute(Qt::WA_TransparentForMouseEvents);
    }
    // The widget and each of its parents up to the window: a splitter or a dock moving a
    // parent moves the widget within the window without telling it.
    for (QWidget* w = focused; w && w != focused->window(); w = w->parentWidget()) {
        w->installEventFilter(this);
        watched_ << w;
    }
    place();
}

void FocusHalo::place() {
    if (!target_ || !target_->isVisible()) {
        hide();
        return;
    }
    const QPoint at = target_->mapTo(parentWidget(), QPoint(0, 0));
    setGeometry(QRect(at, target_->size()).adjusted(-kWidth, -kWidth, kWidth, kWidth));
    show();
    raise();
    update();
}

bool FocusHalo::eventFilter(QObject* watched, QEvent* event) {
    if (watched->isWidgetType() && watched_.contains(static_cast<QWidget*>(watched))) {
        switch (event->type()) {
        case QEvent::Move:
        case QEvent::Resize:
        case QEvent::Show:
        case QEvent::Hide:
            place();
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FocusHalo::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    QPen pen(palette().color(QPalette::Active, QPalette::Highlight), kWidth);
    pen.setJoinStyle(Qt::MiterJoin);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    const qreal half = kWidth / 2.0;
    painter.drawRect(QRectF(rect()).adjusted(half, half, -half, -half));
}

} // namespace syncscope

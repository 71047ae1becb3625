#pragma once

#include <QList>
#include <QPointer>
#include <QWidget>

namespace syncscope {

// The keyboard focus made plain on a projector: a frame three pixels wide, in the palette's
// highlight colour, drawn around whichever widget has the focus (a table, an oplog, a button,
// the command line, the script), in the main window and in every dialog. The styles' own
// focus marks (a dotted line, a one-pixel tint) vanish on a projector. It ignores the mouse and
// follows the widget as it moves or is resized.
class FocusHalo : public QWidget {
    Q_OBJECT
public:
    // Makes the keyboard focus visible in every window; returns the frame (made again when the
    // window it was in is deleted).
    static FocusHalo* install();

    // The widget framed now (none while no widget of a window has the focus).
    QWidget* target() const { return target_; }

    static constexpr int kWidth = 3;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    FocusHalo();
    void follow(QWidget* focused);
    void place();

    QPointer<QWidget> target_;
    QList<QPointer<QWidget>> watched_; // the target and its parents below the window
};

} // namespace syncscope

#pragma once

#include <QFrame>

namespace syncscope {

// One line of text that gives way when space is short: drawn elided ("…") instead of asking for
// its whole width, so a long path or message never makes the window wider than the screen.
// The whole text is in the tooltip whenever it does not fit, or spans several lines.
class ElidedLabel : public QFrame {
    Q_OBJECT
public:
    explicit ElidedLabel(const QString& text = QString(), QWidget* parent = nullptr,
                         Qt::TextElideMode mode = Qt::ElideMiddle);

    void setText(const QString& text);
    const QString& text() const { return text_; }
    // What is on screen now (the elided form when it does not fit).
    QString shownText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QString oneLine() const;
    void updateToolTip();

    QString text_;
    Qt::TextElideMode mode_;
};

} // namespace syncscope

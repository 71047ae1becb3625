#pragma once

#include <QPlainTextEdit>

namespace syncscope {

// The session's console: every command run, every GET's result and every error, in order,
// kept for the whole session (selectable, copyable).
class ConsoleView : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit ConsoleView(QWidget* parent = nullptr);
    // A few lines: the store panels get the room (the dock can be dragged taller).
    QSize sizeHint() const override { return {480, 110}; }

public Q_SLOTS:
    void appendCommand(const QString& line);
    void appendResult(const QString& line);
    void appendError(const QString& line);

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void append(const QString& text);
    void scrollToEnd();
    // Whether the view keeps to the newest line: yes until the user scrolls away from it.
    // QPlainTextEdit follows only while it is visible and at the bottom, so a console filled
    // before the window shows (a workspace change carries it over) stayed on its first lines.
    bool followsEnd_ = true;
};

} // namespace syncscope

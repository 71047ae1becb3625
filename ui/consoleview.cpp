#include "consoleview.h"

#include <QFontDatabase>
#include <QScrollBar>

namespace syncscope {

ConsoleView::ConsoleView(QWidget* parent)
    : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("console"));
    setReadOnly(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setMaximumBlockCount(100000); // a long session stays bounded
    // Scrolled up to read, it stays; scrolled back down, it follows again. A hidden view's
    // scroll bar says nothing yet: it keeps following what it followed.
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (isVisible())
            followsEnd_ = value >= verticalScrollBar()->maximum();
    });
}

void ConsoleView::appendCommand(const QString& line) {
    append(QStringLiteral("> ") + line);
}

void ConsoleView::appendResult(const QString& line) {
    append(line);
}

void ConsoleView::appendError(const QString& line) {
    append(QStringLiteral("! ") + line);
}

void ConsoleView::append(const QString& text) {
    appendPlainText(text);
    if (followsEnd_)
        scrollToEnd();
}

void ConsoleView::scrollToEnd() {
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void ConsoleView::showEvent(QShowEvent* event) {
    QPlainTextEdit::showEvent(event);
    if (followsEnd_)
        scrollToEnd();
}

void ConsoleView::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    if (followsEnd_)
        scrollToEnd();
}

} // namespace syncscope

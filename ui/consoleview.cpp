#include "consoleview.h"

#include <QFontDatabase>

namespace syncscope {

ConsoleView::ConsoleView(QWidget* parent)
    : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("console"));
    setReadOnly(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setMaximumBlockCount(100000); // a long session stays bounded
}

void ConsoleView::appendCommand(const QString& line) {
    appendPlainText(QStringLiteral("> ") + line);
}

void ConsoleView::appendResult(const QString& line) {
    appendPlainText(line);
}

void ConsoleView::appendError(const QString& line) {
    appendPlainText(QStringLiteral("! ") + line);
}

} // namespace syncscope

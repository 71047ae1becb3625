#pragma once

#include <QString>

class QMainWindow;
class QWidget;

namespace syncscope {

// Help > Script Syntax: the testcase language on one page, each command with an example, as
// docs/script-language.md defines it.
QString scriptSyntaxHtml();
// The five commands, one example each (the syntax page and the first-start welcome).
QString commandExamplesHtml();

// Help > Keyboard Shortcuts: every action of the window's menus that has a key, as
// "Menu > Action: key", read from the menus themselves so the list is never out of date.
QString shortcutListHtml(const QMainWindow& window);

// A help page in a window of its own (not modal: the user keeps typing beside it), raised
// again rather than opened twice. `name` tells the pages apart.
void showHelpPage(QWidget* parent, const QString& name, const QString& title, const QString& html);

} // namespace syncscope

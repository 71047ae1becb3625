#include "helptexts.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace syncscope {

QString commandExamplesHtml() {
    return QStringLiteral(
        "<table cellspacing='6'>"
        "<tr><td><code>1, HIVE.SET((SID1033,CSE016),A)</code></td>"
        "<td>write grade A for student SID1033 in course CSE016</td></tr>"
        "<tr><td><code>2, SQL.GET(SID1033,CSE016)</code></td>"
        "<td>read the store's grade (NULL when it has none)</td></tr>"
        "<tr><td><code>3, MONGO.DELETE(SID1033,CSE016)</code></td>"
        "<td>delete: a write too, it wins or loses by its timestamp</td></tr>"
        "<tr><td><code>HIVE.MERGE(SQL)</code></td>"
        "<td>HIVE takes every write of SQL's oplog that beats its own</td></tr>"
        "<tr><td><code>FULL_SYNC</code> or <code>FULL_SYNC(SQL,HIVE)</code></td>"
        "<td>every store (or those named) ends with the greatest write of each key</td></tr>"
        "</table>");
}

QString scriptSyntaxHtml() {
    return QStringLiteral(
               "<h3>Script syntax</h3>"
               "<p>One command per line; the optional number in front is its timestamp. The "
               "greater write wins: by timestamp, then store name, then the store's own "
               "counter.</p>") +
           commandExamplesHtml() +
           QStringLiteral(
               "<ul>"
               "<li>Without a timestamp, a SET, GET or DELETE gets one more than the greatest used "
               "so "
               "far or held by the stores, so it is never silently superseded.</li>"
               "<li>Store names are case-insensitive; MYSQL, POSTGRES and PG name the SQL store, "
               "MONGODB the MONGO store.</li>"
               "<li>A value with spaces, commas or parentheses is written in double quotes: "
               "<code>SQL.SET((S1,C1),\"A minus\")</code>, with <code>\\\"</code> and "
               "<code>\\\\</code> inside.</li>"
               "<li>Blank lines, and lines starting with <code>#</code> or <code>//</code>, are "
               "ignored; a trailing <code># comment</code> is allowed.</li>"
               "<li>A script is checked whole before anything runs: an error is marked on its line "
               "and nothing runs until it is fixed.</li>"
               "</ul>");
}

namespace {
void listMenu(const QMenu& menu, const QString& path, QString& rows) {
    for (QAction* action : menu.actions()) {
        if (action->isSeparator())
            continue;
        const QString name = action->text().remove(QLatin1Char('&'));
        if (QMenu* sub = action->menu()) {
            listMenu(*sub, path + QStringLiteral(" ▸ ") + name, rows);
            continue;
        }
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        if (keys.isEmpty())
            continue;
        rows += QStringLiteral("<tr><td>%1 ▸ %2</td><td><b>%3</b></td></tr>")
                    .arg(path.toHtmlEscaped(), name.toHtmlEscaped(),
                         keys.join(QStringLiteral(", ")).toHtmlEscaped());
    }
}
} // namespace

QString shortcutListHtml(const QMainWindow& window) {
    QString rows;
    for (QAction* top : window.menuBar()->actions())
        if (QMenu* menu = top->menu())
            listMenu(*menu, top->text().remove(QLatin1Char('&')), rows);
    return QStringLiteral("<h3>Keyboard shortcuts</h3><table cellspacing='4'>") + rows +
           QStringLiteral("</table><p>In the command bar: Enter runs the line, Up and Down go "
                          "through the lines typed before.</p>");
}

void showHelpPage(QWidget* parent, const QString& name, const QString& title, const QString& html) {
    auto* page = parent->findChild<QDialog*>(name, Qt::FindDirectChildrenOnly);
    if (!page) {
        page = new QDialog(parent);
        page->setObjectName(name);
        page->setWindowTitle(title);
        auto* text = new QTextBrowser(page);
        text->setObjectName(QStringLiteral("helpText"));
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, page);
        QObject::connect(buttons, &QDialogButtonBox::rejected, page, &QDialog::close);
        auto* layout = new QVBoxLayout(page);
        layout->addWidget(text);
        layout->addWidget(buttons);
        page->resize(640, 480);
    }
    page->findChild<QTextBrowser*>(QStringLiteral("helpText"))->setHtml(html);
    page->show();
    page->raise();
    page->activateWindow();
}

} // namespace syncscope

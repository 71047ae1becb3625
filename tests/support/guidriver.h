#pragma once
// What the GUI tests do to a running window, as a user would: type a line into the command bar
// and press Enter, and read a grade off a store's panel.
#include "commandbar.h"
#include "commandsession.h"
#include "elidedlabel.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "mainwindow.h"
#include "storepanel.h"
#include "workspacesession.h"

#include "storedirectory.h"

#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

namespace lab {

inline void typeLine(syncscope::GuiApp& app, const QString& line) {
    QLineEdit* edit = app.commandBar()->lineEdit();
    edit->clear();
    QTest::keyClicks(edit, line);
    QTest::keyClick(edit, Qt::Key_Return);
}

// The grade the store's panel shows for a key, or "<none>" when it lists no such row.
inline QString panelGrade(syncscope::GuiApp& app, int store, const char* sid, const char* cid) {
    syncscope::GradeTableModel* grades = app.session()->grades(store);
    const int row = grades->rowOf(sid, cid);
    return row < 0 ? QStringLiteral("<none>")
                   : grades->index(row, syncscope::GradeTableModel::Grade).data().toString();
}

// The whole text of a store panel's header line (kind, state, key count, capture).
inline QString panelHeader(syncscope::GuiApp& app, int store) {
    const auto* header = app.window()->storePanels()[store]->findChild<syncscope::ElidedLabel*>(
        QStringLiteral("store-header"));
    return header ? header->text() : QStringLiteral("<no header>");
}

// Stores NAMES as SQLite files `PREFIX-NAME.db` in `dir`, for a window to open.
inline std::vector<syncscope::StoreSpec>
sqliteStores(const QTemporaryDir& dir, const QString& prefix, const QStringList& names) {
    std::vector<syncscope::StoreSpec> specs;
    for (const QString& name : names)
        specs.push_back(
            {name.toStdString(),
             {},
             "sqlite://" + dir.filePath(prefix + QLatin1Char('-') + name + QStringLiteral(".db"))
                               .toStdString()});
    return specs;
}

} // namespace lab

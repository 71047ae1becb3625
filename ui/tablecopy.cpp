#include "tablecopy.h"

#include "gradetablemodel.h"
#include "textoutput.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QItemSelectionModel>
#include <QTableView>

#include <map>
#include <set>

namespace syncscope {

namespace {
void appendField(std::string& line, const QString& text) {
    if (!line.empty() && line.back() != '\n')
        line += ',';
    appendCsvField(line, text.toStdString());
}
} // namespace

QString selectionAsCsv(const QTableView* view) {
    const QModelIndexList selected = view->selectionModel()->selectedIndexes();
    std::map<int, std::set<int>> cells; // row -> columns
    std::set<int> columns;
    for (const QModelIndex& idx : selected) {
        if (idx.data(GradeTableModel::PlaceholderRole).toBool())
            continue;
        cells[idx.row()].insert(idx.column());
        columns.insert(idx.column());
    }
    if (cells.empty())
        return {};
    const QAbstractItemModel* model = view->model();
    std::string out;
    for (int c : columns)
        appendField(out, model->headerData(c, Qt::Horizontal).toString());
    out += '\n';
    for (const auto& [row, cols] : cells) {
        for (int c : columns)
            appendField(out, cols.count(c) ? model->index(row, c).data().toString() : QString());
        out += '\n';
    }
    return QString::fromStdString(out);
}

void enableCopyAsCsv(QTableView* view) {
    auto* copy = new QAction(QStringLiteral("Copy as CSV"), view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(copy, &QAction::triggered, view, [view] {
        const QString csv = selectionAsCsv(view);
        if (!csv.isEmpty())
            QApplication::clipboard()->setText(csv);
    });
    view->addAction(copy);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
}

} // namespace syncscope

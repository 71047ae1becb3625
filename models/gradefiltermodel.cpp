#include "gradefiltermodel.h"

#include "gradetablemodel.h"

namespace syncscope {

GradeFilterModel::GradeFilterModel(GradeTableModel* source, QObject* parent)
    : QSortFilterProxyModel(parent)
    , grades_(source) {
    setSourceModel(source);
}

void GradeFilterModel::setSearch(const QString& text) {
    search_ = text.trimmed();
    needle_ = search_.toStdString();
    invalidateFilter();
}

bool GradeFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    if (sourceRow >= grades_->loadedRows())
        return false;
    return needle_.empty() || grades_->rowMatches(sourceRow, needle_);
}

bool GradeFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const int column = left.column();
    if (column == GradeTableModel::Timestamp || column == GradeTableModel::Seq)
        return grades_->number(left.row(), column) < grades_->number(right.row(), column);
    const std::string_view a = grades_->text(left.row(), column);
    const std::string_view b = grades_->text(right.row(), column);
    if (a != b)
        return a < b;
    return left.row() < right.row(); // ties keep the key order
}

} // namespace syncscope

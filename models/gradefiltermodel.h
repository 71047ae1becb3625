#pragma once

#include <QSortFilterProxyModel>

#include <string>

namespace syncscope {

class GradeTableModel;

// Search and ordering over a grade table: rows whose student or course contains the text
// (case-insensitive) or whose grade is exactly it, ordered by any column. Filtering and
// comparing read the table's interned strings directly (no QString per row), so a million
// rows filter in tens of milliseconds. Rows still loading are left out.
class GradeFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit GradeFilterModel(GradeTableModel* source, QObject* parent = nullptr);

    void setSearch(const QString& text);
    const QString& search() const { return search_; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    GradeTableModel* grades_;
    QString search_;
    std::string needle_;
};

} // namespace syncscope

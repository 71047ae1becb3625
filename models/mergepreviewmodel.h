#pragma once

#include "mergepreview.h"

#include <QAbstractTableModel>

#include <memory>

namespace syncscope {

// The dry run, row per planned write: target, key, bucket, the target's write now, its write
// after the merge, and why. Read straight from the MergePreview in data().
class MergePreviewModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Target, Student, Course, Bucket, Now, After, Why, ColumnCount };
    enum Roles { DecisionRole = Qt::UserRole + 1 }; // bool: the row makes a new write

    explicit MergePreviewModel(QObject* parent = nullptr);
    void setPreview(std::shared_ptr<const MergePreview> preview);
    const MergePreview* preview() const { return preview_.get(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // "SQL's SET at t=5 is the greatest write", "you typed A-", "HIVE ranks first".
    static QString reasonText(const MergePreview& preview, const PlannedWrite& row);

private:
    std::shared_ptr<const MergePreview> preview_;
};

} // namespace syncscope

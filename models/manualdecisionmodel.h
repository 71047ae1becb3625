#pragma once

#include "manualpick.h"
#include "mergepreview.h"

#include <QAbstractTableModel>

#include <memory>

namespace syncscope {

// The keys a user may decide by hand (concurrent ones, and under Manual those still waiting):
// student, course, each participant's write, the decision taken and its note. The decisions
// themselves belong to the dialog (its undo stack); the model only shows them.
class ManualDecisionModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles {
        UndecidedRole = Qt::UserRole + 1, // bool, every column: Manual waits for this key
        NeedsDecisionRole,                // bool, the decision cell of such a key, still empty
    };
    static constexpr int kKeyColumns = 2;

    explicit ManualDecisionModel(QObject* parent = nullptr);
    void setPreview(std::shared_ptr<const MergePreview> preview);
    void setPicks(const ManualPicks& picks);
    const MergePreview* preview() const { return preview_.get(); }
    ManualPickKey keyAt(int row) const;
    int rowOf(const ManualPickKey& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    int decisionColumn() const;

    std::shared_ptr<const MergePreview> preview_;
    ManualPicks picks_;
};

} // namespace syncscope

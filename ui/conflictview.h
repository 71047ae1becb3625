#pragma once

#include "conflictsnapshot.h"

#include <QWidget>

#include <memory>
#include <vector>

class QAbstractButton;
class QCheckBox;
class QLabel;
class QListWidget;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QToolButton;

namespace syncscope {

class ClockSkewPanel;
class ConflictModel;

// Conflicts before the merge (docs/script-language.md): the N-way grid of every key that is not
// identical (one column per store and one for the value after a last-writer-wins merge; cells
// coloured by what the merge does to them), bucket filters with their counts, the chosen stores,
// the "Why" of the selected key in plain words, the stale reads the oplogs show, and the clock-skew
// what-if. It displays snapshots; who makes them (off the UI thread) is the caller's business:
// refreshRequested() asks for one.
class ConflictView : public QWidget {
    Q_OBJECT
public:
    explicit ConflictView(const QStringList& storeNames, QWidget* parent = nullptr);

    void setSnapshot(std::shared_ptr<const ConflictSnapshot> snapshot);
    // Indices of the stores to compare (the checked ones).
    std::vector<int> chosenStores() const;
    // An unavailable store cannot be compared: its toggle is off and disabled until it is back.
    void setStoreAvailable(int store, bool available);
    bool autoRefresh() const;
    // A snapshot was asked for and has not come yet.
    void setBusy(bool busy);
    // Selects a key's row if it is listed (and shows its Why).
    bool selectKey(const QString& studentId, const QString& courseId);

    ConflictModel* model() const { return model_; }
    QTableView* grid() const { return grid_; }
    QString whyText() const;
    QAbstractButton* kindButton(ConflictKind kind) const;
    ClockSkewPanel* clockSkew() const { return skew_; }

Q_SIGNALS:
    void refreshRequested();
    // The user selected a key in the grid.
    void keySelected(const QString& studentId, const QString& courseId);

private:
    void updateCounts();
    void updateWhy();
    void applyKindFilter();

    ConflictModel* model_;
    QTableView* grid_;
    QTextBrowser* why_;
    QListWidget* stale_;
    QTabWidget* details_;
    ClockSkewPanel* skew_;
    QLabel* summary_;
    QLabel* busy_;
    QCheckBox* auto_;
    std::vector<QToolButton*> storeButtons_;
    std::vector<QToolButton*> kindButtons_; // by ConflictKind, Identical has none (nullptr)
    bool restoringSelection_ = false;       // selection set by a refresh, not the user
};

} // namespace syncscope

#pragma once

#include "store.h"

#include <QSet>
#include <QWidget>

#include <vector>

class QTimer;

class QFrame;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;

namespace syncscope {

class ElidedLabel;
class GradeFilterModel;
class GradeTableModel;
class OplogModel;

// One store on screen: a header (name, kind, "embedded", connection state, key count, and on a
// server store how outside writes are captured: triggers, or the log with its position and lag)
// over its grade table and its oplog side by side in a splitter.
class StorePanel : public QWidget {
    Q_OBJECT
public:
    StorePanel(const StoreDescription& store, GradeTableModel* grades, OplogModel* oplog,
               QWidget* parent = nullptr);

    void setState(const QString& state);
    // The store cannot take part (its server is down, its file unreadable): a banner over the
    // tables says why, wrapped, with Retry, Edit… and Remove. clearProblem() takes it away.
    void showProblem(const QString& why);
    void clearProblem();
    bool hasProblem() const;
    QString problemText() const;
    void setCounts(const StoreCounts& counts);
    // Where the store's capture from the server's log stands (capture=log): shown after its
    // kind, in place of the mode alone.
    void setCaptureProgress(const CaptureProgress& progress);
    // The next oplog rows to arrive were just written by the user: scroll to them and select
    // them, so each step's effect is in view.
    // (Fetching up to the log's end first when it is not loaded yet.)
    void revealNextOplogRows();
    // Ctrl+End in the oplog: the log's real end, fetched as far as it must be.
    void showOplogEnd();
    QTableView* gradeView() const { return grades_; }
    QLineEdit* searchBox() const { return search_; }
    // Scrolls the grade table to a row of the grade model (and selects it), whether or not a
    // search is showing; false when the search hides that row.
    bool showGradeRow(int sourceRow, bool select);
    // Filters the grade table (student or course containing the text, or the grade equal to
    // it); an empty text shows every row again.
    void setSearch(const QString& text);
    // Orders the grade table by a column (-1: key order), as a click on its header does:
    // ascending, descending, then key order again. Large tables sort on a worker while the
    // panel says "sorting…".
    void setSortOrder(int column, Qt::SortOrder order);
    bool isSorting() const;
    // The store committed writes of these keys: the table takes their states, and while
    // `following` (a typed line or a step; not a Run, which is not chased row by row) the last
    // row is scrolled to, a step's few changed rows flash and the oplog shows the new entries.
    void showCommittedWrites(const std::vector<GradeRecord>& keys, bool following);
    // Highlights grade rows a step just changed, for a moment (the "flash" of each step).
    void flashGradeRows(const std::vector<int>& sourceRows);
    bool isFlashing(int viewRow) const { return flashing_.contains(viewRow); }
    QTableView* oplogView() const { return oplog_; }
    QSplitter* splitter() const { return splitter_; }
    const QString& storeName() const { return name_; }
    QSize sizeHint() const override { return {520, 520}; }

Q_SIGNALS:
    void retryRequested();
    void editRequested();
    void removeRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildProblemBanner();
    void updateHeader();
    void showSearchAndOrder();

    QString name_;
    QString kind_;
    QString capture_; // "capture: triggers", or where the log capture stands
    QString state_;
    qint64 keys_ = -1;
    bool revealOplog_ = false;
    bool oplogToEnd_ = false;
    // The oplog's top row when a reload started with the user scrolled up from the end, kept
    // in view once the reload has fetched it (-1: none; the view follows the end).
    int keptOplogRow_ = -1;
    void keepOplogPlace();
    OplogModel* oplogModel_ = nullptr;
    QLabel* nameLabel_ = nullptr;
    ElidedLabel* header_ = nullptr; // kind, connection state, key count
    QSplitter* splitter_ = nullptr;
    QTableView* grades_ = nullptr;
    GradeTableModel* gradeModel_ = nullptr;
    GradeFilterModel* filter_ = nullptr; // exists only while a search or an order is on
    QLineEdit* search_ = nullptr;
    QLabel* sorting_ = nullptr;
    QSet<int> flashing_; // view rows
    QTimer* flashTimer_ = nullptr;
    QTableView* oplog_ = nullptr;
    QFrame* problem_ = nullptr;
    QLabel* problemText_ = nullptr;
};

} // namespace syncscope

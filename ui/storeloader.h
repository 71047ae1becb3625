#pragma once

#include "store.h"

#include <QObject>

namespace syncscope {

class GradeTableModel;
class OplogModel;
class StoreWorker;

// Feeds one store's item models from its worker, never blocking the UI thread: the grade
// table is counted, shown at once as placeholders, then filled page by page (keyset pages in
// key order); the oplog answers the view's fetch-more requests. Results of a superseded load
// are dropped by generation.
class StoreLoader : public QObject {
    Q_OBJECT
public:
    static constexpr size_t kGradePage = 20000;

    StoreLoader(StoreWorker* worker, GradeTableModel* grades, OplogModel* oplog,
                QObject* parent = nullptr);

    // (Re)loads both views from the store, once it is open; nothing is read before the first.
    void reload();
    // The store committed new entries: the oplog view fetches them if it shows the log's end.
    void refreshTail();

Q_SIGNALS:
    void countsKnown(const syncscope::StoreCounts& counts);
    void gradesLoaded(int rows);
    // The first page of a load is in the table: the store is on screen.
    void firstPageShown();
    void failed(const QString& message); // names the store and the cause

private:
    void requestGradePage(quint64 generation, GradeCursor after);
    void fetchOplog(quint64 generation, qint64 after);

    StoreWorker* worker_;
    GradeTableModel* grades_;
    OplogModel* oplog_;
    bool loaded_ = false; // reload() has run: the store is open, reads may start
};

} // namespace syncscope

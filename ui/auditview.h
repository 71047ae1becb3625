#pragma once

#include "auditentry.h"

#include <QDialog>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace syncscope {

class AuditModel;

// The audit log for people who answer for the merges: every entry, filtered by kind and by any
// text (a student, a store, a note), the chain's verification, exports, and "Revert this
// decision" on a key row. It reads nothing itself: the owner loads entries and handles the
// requests, off the UI thread.
class AuditView : public QDialog {
    Q_OBJECT
public:
    explicit AuditView(QWidget* parent = nullptr);

    void setEntries(std::vector<AuditEntry> entries);
    void showVerification(const QString& text, bool ok);
    AuditModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    // Selects the row of an entry (tests, and after a revert).
    bool selectEntry(int64_t id);
    QString verificationText() const;

Q_SIGNALS:
    void refreshRequested();
    void verifyRequested();
    void exportRequested(const QString& format); // "csv", "json", "html"
    void revertRequested(const syncscope::AuditEntry& keyRow);

private:
    void applyFilter();

    AuditModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QLineEdit* filter_;
    QComboBox* kind_;
    QLabel* verification_;
};

} // namespace syncscope

#pragma once

#include "auditentry.h"

#include <QAbstractTableModel>

#include <vector>

namespace syncscope {

// The audit log as a table: one row per entry, newest last. Filtering (by text, by kind) is a
// proxy's job; the entries are what AuditLog::read returned.
class AuditModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Merge,
        Kind,
        At,
        User,
        Store,
        Student,
        Course,
        Before,
        After,
        Winner,
        Reason,
        Note,
        Detail,
        ColumnCount
    };
    enum Roles { KindRole = Qt::UserRole + 1 };

    explicit AuditModel(QObject* parent = nullptr);
    void setEntries(std::vector<AuditEntry> entries);
    const std::vector<AuditEntry>& entries() const { return entries_; }
    const AuditEntry& entry(int row) const { return entries_[static_cast<size_t>(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<AuditEntry> entries_;
};

} // namespace syncscope

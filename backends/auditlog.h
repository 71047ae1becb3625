#pragma once

#include "auditentry.h"
#include "auditkeyrows.h"
#include "result.h"

#include <QString>

#include <optional>
#include <vector>

namespace syncscope {

// The workspace's audit database (SQLite): append-only rows, hash-chained (auditentry.h).
// Every call opens its own connection and closes it, so any thread may call (one at a time:
// the GUI serialises them on one worker). Appends run in one IMMEDIATE transaction that reads
// the chain's tail first, so two processes appending to one file still form one chain.
class AuditLog {
public:
    explicit AuditLog(QString path)
        : path_(std::move(path)) {}
    const QString& path() const { return path_; }

    // Appends the entries in order; fills id, prevHash and hash. A "merge" entry with mergeId 0
    // belongs to itself, and later entries of the call with mergeId 0 belong to it. Returns the
    // entries as written.
    Result<std::vector<AuditEntry>> append(std::vector<AuditEntry> entries);
    // Appends a merge batch's key rows exactly as append() would append rows.entry(0), …
    // (the shared mergeId as it is), without an AuditEntry per row; returns how many.
    Result<size_t> appendKeyRows(const AuditKeyRows& rows);
    // Entries with id > after, in chain order, at most limit (0: all).
    Result<std::vector<AuditEntry>> read(int64_t after = 0, size_t limit = 0);
    // The newest `limit` entries, in chain order (what a view can hold).
    Result<std::vector<AuditEntry>> readNewest(size_t limit);
    // Walks the whole chain (in pages, so a million rows do not sit in memory twice).
    Result<AuditChainCheck> verify();
    // The newest merge that has no "end" row: the program stopped while applying it.
    Result<std::optional<AuditEntry>> unfinishedMerge();

private:
    QString path_;
};

} // namespace syncscope

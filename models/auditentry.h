#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace syncscope {

// One row of the audit log (issue 4): a merge ("merge", its request in `detail` as JSON), a
// key it changed ("key": target store, key, values before and after, winner, reason, note), its
// end ("end": how it finished) and a compensating write ("revert" of an earlier key row).
// Rows are hash-chained: `hash` covers every other field and the previous row's hash, so an
// edited, inserted or deleted row breaks the chain from there on.
struct AuditEntry {
    int64_t id = 0;      // chain order, from 1
    int64_t mergeId = 0; // the id of the merge row this row belongs to
    QString kind;        // merge | key | end | revert
    QString at;          // ISO-8601 UTC, milliseconds
    QString user;        // the OS user
    QString workspace;
    QString detail; // JSON: the request (merge), the outcome (end), the reverted row (revert)
    QString store;  // key/revert rows: the target store
    QString studentId;
    QString courseId;
    QString before; // null: the key was absent (never written, or deleted)
    QString after;
    QString winner; // the store whose value won, or "typed"
    QString reason; // decisionReasonId
    QString note;   // the user's words
    QString prevHash;
    QString hash;
};

inline const QString kAuditGenesis = QString(64, QLatin1Char('0'));

// SHA-256 (hex) of the row's fields after `prevHash`, chained to it.
QString auditHash(const AuditEntry& e);

// Where a chain breaks: 0 when every row's hash and link check out.
struct AuditChainCheck {
    int64_t brokenAt = 0;
    QString problem; // in words, naming the row
    size_t checked = 0;
    int64_t lastId = 0; // the last entry checked, to continue from
    QString lastHash = kAuditGenesis;
    bool ok() const { return brokenAt == 0; }
};
// Checks entries that follow the ones `check` already covered (a fresh check: from id 1).
void continueAuditChain(AuditChainCheck& check, const std::vector<AuditEntry>& entries);

// Exports for auditors: CSV (RFC 4180, one row per entry), JSON (an array of objects) and a
// self-contained HTML report (inline style, every user string escaped).
QByteArray auditToCsv(const std::vector<AuditEntry>& entries);
QByteArray auditToJson(const std::vector<AuditEntry>& entries);
QByteArray auditToHtml(const std::vector<AuditEntry>& entries, const QString& title);

} // namespace syncscope

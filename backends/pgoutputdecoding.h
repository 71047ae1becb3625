#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// The messages of PostgreSQL's pgoutput plugin (protocol version 1, text values) that log capture
// reads, and the replication protocol's CopyData frames around them
// (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html and
// protocol-replication.html). Pure decoding, no I/O: postgreslogcapture.cpp feeds it the bytes.

// One column value of a row: absent (SQL NULL), or text, or "unchanged" (a TOASTed value an
// UPDATE did not touch, which pgoutput does not resend).
struct PgValue {
    enum Kind { Null, Text, Unchanged } kind = Null;
    std::string text;
};
using PgTuple = std::vector<PgValue>;

struct PgMessage {
    enum Kind {
        Begin,
        Commit,
        Relation,
        Insert,
        Update,
        Delete,
        Truncate,
        Message,
        Ignored
    } kind = Ignored;
    uint64_t finalLsn = 0;  // Begin: the commit's LSN
    uint64_t commitLsn = 0; // Commit
    uint64_t endLsn = 0;    // Commit: where the transaction ends (what a slot is confirmed to)
    uint32_t xid = 0;       // Begin
    int64_t commitTime = 0; // Begin, Commit: microseconds since 2000-01-01 UTC
    uint32_t relation = 0;  // Relation, Insert, Update, Delete
    // Relation
    std::string nspace;
    std::string name;
    std::vector<std::string> columns;
    // Insert/Update: the new row; Update/Delete: the old row or its key, when sent
    std::optional<PgTuple> oldRow;
    PgTuple newRow;
    std::vector<uint32_t> truncated; // Truncate: the relations
    // Message (pg_logical_emit_message, sent with the `messages` option): whether it belongs to
    // the transaction around it, and its prefix
    bool transactional = false;
    std::string prefix;
};

// Decodes one pgoutput message; false with `error` when it is cut short or unknown in shape.
bool decodePgoutput(std::string_view data, PgMessage& out, QString& error);

// A CopyData frame of START_REPLICATION: XLogData ('w') carrying a pgoutput message, or a
// primary keepalive ('k').
struct PgReplicationFrame {
    enum Kind { XLogData, Keepalive, Other } kind = Other;
    uint64_t walStart = 0; // XLogData
    uint64_t walEnd = 0;   // both: the server's current end of WAL
    bool replyRequested = false;
    std::string_view payload; // XLogData: the pgoutput message (into the frame's bytes)
};
bool decodeReplicationFrame(std::string_view data, PgReplicationFrame& out, QString& error);

// The standby status update ('r') that confirms `lsn` as written, flushed and applied.
std::string standbyStatusUpdate(uint64_t lsn, int64_t nowMicrosSince2000, bool replyRequested);

// LSNs as PostgreSQL writes them, "16/B374D848", and back (nullopt: not an LSN).
QString lsnText(uint64_t lsn);
std::optional<uint64_t> parseLsn(const QString& text);

} // namespace syncscope

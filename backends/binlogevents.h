#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope::binlog {

// MariaDB's binlog events, decoded from their bytes (the v4 layout: a 19-byte header, then the
// body; a CRC32 at the end when the server's binlog_checksum is CRC32). Connector/C 3.3's
// mariadb_rpl_fetch frames each event but its row extraction is young, so the two events the
// capture reads values from, TABLE_MAP and the row events, are decoded here from the raw bytes,
// for the column types a table can hold, with a test on bytes a server wrote.

constexpr size_t kHeaderSize = 19;

enum EventType : uint8_t {
    kQuery = 2,
    kRotate = 4,
    kFormatDescription = 15,
    kXid = 16,
    kTableMap = 19,
    kWriteRowsV1 = 23,
    kUpdateRowsV1 = 24,
    kDeleteRowsV1 = 25,
    kHeartbeat = 27,
    kWriteRows = 30,
    kUpdateRows = 31,
    kDeleteRows = 32,
    kAnnotateRows = 160,
    kGtid = 162,
    kWriteRowsCompressedV1 = 166,
    kDeleteRowsCompressed = 171,
};

struct Header {
    uint32_t timestamp = 0;
    uint8_t type = 0;
    uint32_t serverId = 0;
    uint32_t size = 0;    // the whole event, header and checksum included
    uint32_t nextPos = 0; // where the next event starts in the binlog file
    uint16_t flags = 0;
};

// The header of the event in `event` (at least kHeaderSize bytes), or nullopt.
std::optional<Header> readHeader(std::string_view event);

// Whether the event's last four bytes are the CRC32 of the rest (zlib's polynomial).
bool checksumMatches(std::string_view event);
uint32_t crc32(std::string_view bytes);

struct TableMap {
    uint64_t tableId = 0;
    std::string database;
    std::string table;
    std::vector<uint8_t> types;    // MYSQL_TYPE_* per column
    std::vector<uint16_t> meta;    // the type's metadata, as the row decoder needs it
    std::vector<uint8_t> realType; // MYSQL_TYPE_STRING's real type (CHAR, ENUM, SET)
};

// A table map event's body (`body` is the event without header and checksum).
std::optional<TableMap> readTableMap(std::string_view body, std::string& why);

// One column's value in a row image: null, text (strings), or a number as decimal text.
using Cell = std::optional<std::string>;
struct RowImage {
    std::vector<Cell> cells;   // one per column of the table map
    std::vector<bool> present; // which columns the image holds (binlog_row_image)
};
struct RowChange {
    RowImage before; // UPDATE, DELETE
    RowImage after;  // INSERT, UPDATE
};

enum class RowsKind { Insert, Update, Delete };
struct RowsEvent {
    uint64_t tableId = 0;
    RowsKind kind = RowsKind::Insert;
    std::vector<RowChange> rows;
};

// Whether the event type carries rows, and which kind (v1 and v2, uncompressed).
bool isRowsEvent(uint8_t type);
std::optional<RowsKind> rowsKind(uint8_t type);

// The table id a rows event names, before its table map is looked up.
std::optional<uint64_t> rowsTableId(std::string_view body);

// A rows event's body decoded with its table's map. Values of the types Syncscope's table has
// (VARCHAR, CHAR, TEXT/BLOB, the integers) are read; a column of another type a DBA may add
// (dates, decimals, floats, BIT, ENUM, SET) is skipped by its size and comes back as null; a
// type whose size cannot be known fails with `why`.
std::optional<RowsEvent> readRows(uint8_t type, std::string_view body, const TableMap& map,
                                  std::string& why);

} // namespace syncscope::binlog

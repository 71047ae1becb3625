#include "binlogevents.h"

#include <array>

namespace syncscope::binlog {

namespace {

// MYSQL_TYPE_* (mysql_com.h), the ones whose size or value matters here.
enum : uint8_t {
    kTiny = 1,
    kShort = 2,
    kLong = 3,
    kFloat = 4,
    kDouble = 5,
    kNull = 6,
    kTimestamp = 7,
    kLongLong = 8,
    kInt24 = 9,
    kDate = 10,
    kTime = 11,
    kDateTime = 12,
    kYear = 13,
    kNewDate = 14,
    kVarchar = 15,
    kBit = 16,
    kTimestamp2 = 17,
    kDateTime2 = 18,
    kTime2 = 19,
    kJson = 245,
    kNewDecimal = 246,
    kEnum = 247,
    kSet = 248,
    kTinyBlob = 249,
    kMediumBlob = 250,
    kLongBlob = 251,
    kBlob = 252,
    kVarString = 253,
    kString = 254,
    kGeometry = 255,
};

// A cursor over bytes that never reads past their end.
class Reader {
public:
    explicit Reader(std::string_view bytes)
        : bytes_(bytes) {}
    bool has(size_t n) const { return bytes_.size() - at_ >= n; }
    size_t left() const { return bytes_.size() - at_; }
    bool skip(size_t n) {
        if (!has(n))
            return false;
        at_ += n;
        return true;
    }
    // Little-endian unsigned integer of n bytes (n <= 8).
    bool uint(size_t n, uint64_t& v) {
        if (!has(n))
            return false;
        v = 0;
        for (size_t i = 0; i < n; ++i)
            v |= uint64_t(static_cast<uint8_t>(bytes_[at_ + i])) << (8 * i);
        at_ += n;
        return true;
    }
    // The same, narrowed into a field of the event's own width.
    template <class T>
    bool uint(size_t n, T& field) {
        uint64_t v = 0;
        if (!uint(n, v))
            return false;
        field = static_cast<T>(v);
        return true;
    }
    bool bytes(size_t n, std::string_view& out) {
        if (!has(n))
            return false;
        out = bytes_.substr(at_, n);
        at_ += n;
        return true;
    }
    // The client protocol's length-encoded integer.
    bool lenenc(uint64_t& v) {
        uint64_t first = 0;
        if (!uint(1, first))
            return false;
        if (first < 0xfb) {
            v = first;
            return true;
        }
        if (first == 0xfc)
            return uint(2, v);
        if (first == 0xfd)
            return uint(3, v);
        if (first == 0xfe)
            return uint(8, v);
        return false;
    }

private:
    std::string_view bytes_;
    size_t at_ = 0;
};

bool bit(std::string_view bitmap, size_t i) {
    return (static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1;
}

// Bytes a packed DECIMAL(precision, scale) takes (MariaDB's decimal_bin_size).
size_t decimalSize(unsigned precision, unsigned scale) {
    static constexpr std::array<size_t, 10> digits = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    const unsigned integral = precision - scale;
    return integral / 9 * 4 + digits[integral % 9] + scale / 9 * 4 + digits[scale % 9];
}

// One value of column `c`, read (strings, integers) or skipped by its size (other types).
bool readCell(Reader& in, const TableMap& map, size_t c, Cell& cell, std::string& why) {
    const uint8_t type = map.types[c] == kString ? map.realType[c] : map.types[c];
    const uint16_t meta = map.meta[c];
    uint64_t n = 0;
    std::string_view raw;
    auto sized = [&](size_t size) { return in.skip(size); };
    auto text = [&](size_t lengthBytes) {
        if (!in.uint(lengthBytes, n) || !in.bytes(static_cast<size_t>(n), raw))
            return false;
        cell = std::string(raw);
        return true;
    };
    auto integer = [&](size_t size) {
        if (!in.uint(size, n))
            return false;
        // Signedness is not in the minimal table map: values are shown as the server stored
        // them for Syncscope's BIGINT columns, which hold small non-negative numbers.
        int64_t v = static_cast<int64_t>(n);
        if (size < 8 && (n >> (8 * size - 1)) & 1)
            v = static_cast<int64_t>(n) - (int64_t(1) << (8 * size));
        cell = std::to_string(v);
        return true;
    };
    bool ok = false;
    switch (type) {
    case kTiny:
        ok = integer(1);
        break;
    case kShort:
        ok = integer(2);
        break;
    case kInt24:
        ok = integer(3);
        break;
    case kLong:
        ok = integer(4);
        break;
    case kLongLong:
        ok = integer(8);
        break;
    case kVarchar:
    case kVarString:
        ok = text(meta > 255 ? 2 : 1);
        break;
    case kString: // CHAR, its byte length in the metadata
        ok = text(meta > 255 ? 2 : 1);
        break;
    case kBlob:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob:
    case kJson:
    case kGeometry:
        ok = text(meta);
        break;
    case kFloat:
        ok = sized(4);
        break;
    case kDouble:
        ok = sized(8);
        break;
    case kNull:
        ok = true;
        break;
    case kTimestamp:
        ok = sized(4);
        break;
    case kDateTime:
        ok = sized(8);
        break;
    case kDate:
    case kNewDate:
    case kTime:
        ok = sized(3);
        break;
    case kYear:
        ok = sized(1);
        break;
    case kTimestamp2:
        ok = sized(4 + (meta + 1) / 2);
        break;
    case kDateTime2:
        ok = sized(5 + (meta + 1) / 2);
        break;
    case kTime2:
        ok = sized(3 + (meta + 1) / 2);
        break;
    case kNewDecimal:
        ok = sized(decimalSize(meta & 0xff, meta >> 8));
        break;
    case kBit:
        ok = sized((meta >> 8) + ((meta & 0xff) + 7) / 8);
        break;
    case kEnum:
    case kSet:
        ok = sized(meta & 0xff);
        break;
    default:
        why = "column " + std::to_string(c + 1) + " has type " + std::to_string(type) +
              ", which the binlog reader cannot size";
        return false;
    }
    if (!ok && why.empty())
        why = "the row image ends inside column " + std::to_string(c + 1);
    return ok;
}

bool readImage(Reader& in, const TableMap& map, std::string_view present, size_t presentCount,
               RowImage& image, std::string& why) {
    const size_t columns = map.types.size();
    std::string_view nulls;
    if (!in.bytes((presentCount + 7) / 8, nulls)) {
        why = "a row image ends before its null bitmap";
        return false;
    }
    image.cells.assign(columns, std::nullopt);
    image.present.assign(columns, false);
    size_t k = 0; // index among the present columns: the null bitmap counts only those
    for (size_t c = 0; c < columns; ++c) {
        if (!bit(present, c))
            continue;
        image.present[c] = true;
        if (!bit(nulls, k++) && !readCell(in, map, c, image.cells[c], why))
            return false;
    }
    return true;
}

} // namespace

std::optional<Header> readHeader(std::string_view event) {
    Reader in(event);
    Header h;
    if (!in.uint(4, h.timestamp))
        return std::nullopt;
    if (!in.uint(1, h.type))
        return std::nullopt;
    if (!in.uint(4, h.serverId))
        return std::nullopt;
    if (!in.uint(4, h.size))
        return std::nullopt;
    if (!in.uint(4, h.nextPos))
        return std::nullopt;
    if (!in.uint(2, h.flags))
        return std::nullopt;
    return h;
}

uint32_t crc32(std::string_view bytes) {
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    for (char b : bytes)
        c = table[(c ^ static_cast<uint8_t>(b)) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

bool checksumMatches(std::string_view event) {
    if (event.size() < kHeaderSize + 4)
        return false;
    uint64_t stored = 0;
    Reader tail(event.substr(event.size() - 4));
    tail.uint(4, stored);
    return crc32(event.substr(0, event.size() - 4)) == stored;
}

std::optional<TableMap> readTableMap(std::string_view body, std::string& why) {
    Reader in(body);
    TableMap map;
    uint64_t v = 0, length = 0, columns = 0;
    std::string_view text, types, meta;
    if (!in.uint(6, map.tableId) || !in.skip(2) || !in.uint(1, length) ||
        !in.bytes(static_cast<size_t>(length), text) || !in.skip(1)) {
        why = "a table map ends before its database name";
        return std::nullopt;
    }
    map.database = std::string(text);
    if (!in.uint(1, length) || !in.bytes(static_cast<size_t>(length), text) || !in.skip(1)) {
        why = "a table map ends before its table name";
        return std::nullopt;
    }
    map.table = std::string(text);
    if (!in.lenenc(columns) || columns > 4096 || !in.bytes(static_cast<size_t>(columns), types) ||
        !in.lenenc(v) || !in.bytes(static_cast<size_t>(v), meta)) {
        why = "a table map of " + map.table + " ends before its column types";
        return std::nullopt;
    }
    Reader m(meta);
    map.types.assign(types.begin(), types.end());
    map.meta.assign(columns, 0);
    map.realType.assign(columns, 0);
    for (size_t c = 0; c < columns; ++c) {
        const uint8_t type = map.types[c];
        uint64_t a = 0, b = 0;
        bool ok = true;
        switch (type) {
        case kVarchar:
        case kVarString:
        case kNewDecimal:
        case kBit:
            ok = m.uint(2, a);
            map.meta[c] = static_cast<uint16_t>(a);
            break;
        case kEnum:
        case kSet:
        case kString: {
            // Two bytes: the real type (CHAR, ENUM, SET) and the length, whose top bits a
            // CHAR longer than 255 bytes hides in the first byte.
            ok = m.uint(1, a) && m.uint(1, b);
            uint8_t real = static_cast<uint8_t>(a);
            uint16_t size = static_cast<uint16_t>(b);
            if ((a & 0x30) != 0x30) {
                real = static_cast<uint8_t>(a | 0x30);
                size = static_cast<uint16_t>(b | (((a & 0x30) ^ 0x30) << 4));
            }
            map.realType[c] = type == kString ? real : type;
            map.meta[c] = size; // CHAR: its byte length; ENUM, SET: the packed size
            break;
        }
        case kBlob:
        case kTinyBlob:
        case kMediumBlob:
        case kLongBlob:
        case kJson:
        case kGeometry:
        case kFloat:
        case kDouble:
        case kTimestamp2:
        case kDateTime2:
        case kTime2:
            ok = m.uint(1, a);
            map.meta[c] = static_cast<uint16_t>(a);
            break;
        default:
            break;
        }
        if (!ok) {
            why = "a table map of " + map.table + " ends inside its column metadata";
            return std::nullopt;
        }
    }
    return map;
}

bool isRowsEvent(uint8_t type) {
    return rowsKind(type).has_value() ||
           (type >= kWriteRowsCompressedV1 && type <= kDeleteRowsCompressed);
}

std::optional<RowsKind> rowsKind(uint8_t type) {
    switch (type) {
    case kWriteRowsV1:
    case kWriteRows:
        return RowsKind::Insert;
    case kUpdateRowsV1:
    case kUpdateRows:
        return RowsKind::Update;
    case kDeleteRowsV1:
    case kDeleteRows:
        return RowsKind::Delete;
    default:
        return std::nullopt;
    }
}

std::optional<uint64_t> rowsTableId(std::string_view body) {
    Reader in(body);
    uint64_t id = 0;
    if (!in.uint(6, id))
        return std::nullopt;
    return id;
}

std::optional<RowsEvent> readRows(uint8_t type, std::string_view body, const TableMap& map,
                                  std::string& why) {
    const std::optional<RowsKind> kind = rowsKind(type);
    if (!kind) {
        why = "event type " + std::to_string(type) +
              " is not an uncompressed row event (is log_bin_compress on?)";
        return std::nullopt;
    }
    Reader in(body);
    RowsEvent rows;
    rows.kind = *kind;
    uint64_t extra = 0, columns = 0;
    if (!in.uint(6, rows.tableId) || !in.skip(2)) {
        why = "a row event ends inside its header";
        return std::nullopt;
    }
    // Version 2 events (MySQL's) carry extra data after the flags, its length included.
    if (type >= kWriteRows && type <= kDeleteRows &&
        (!in.uint(2, extra) || extra < 2 || !in.skip(static_cast<size_t>(extra - 2)))) {
        why = "a row event ends inside its extra data";
        return std::nullopt;
    }
    std::string_view present, presentAfter;
    if (!in.lenenc(columns) || columns != map.types.size() ||
        !in.bytes((columns + 7) / 8, present)) {
        why = "a row event of " + map.table + " has " + std::to_string(columns) +
              " columns where its table map has " + std::to_string(map.types.size());
        return std::nullopt;
    }
    presentAfter = present;
    if (rows.kind == RowsKind::Update && !in.bytes((columns + 7) / 8, presentAfter)) {
        why = "an update event ends before its second column bitmap";
        return std::nullopt;
    }
    auto count = [&](std::string_view bitmap) {
        size_t n = 0;
        for (size_t c = 0; c < columns; ++c)
            n += bit(bitmap, c) ? 1 : 0;
        return n;
    };
    const size_t before = count(present), after = count(presentAfter);
    while (in.left() > 0) {
        RowChange change;
        const bool ok = rows.kind == RowsKind::Insert
                            ? readImage(in, map, present, before, change.after, why)
                        : rows.kind == RowsKind::Delete
                            ? readImage(in, map, present, before, change.before, why)
                            : readImage(in, map, present, before, change.before, why) &&
                                  readImage(in, map, presentAfter, after, change.after, why);
        if (!ok)
            return std::nullopt;
        rows.rows.push_back(std::move(change));
    }
    return rows;
}

} // namespace syncscope::binlog

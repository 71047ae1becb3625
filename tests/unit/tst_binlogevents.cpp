// The binlog decoding capture=log relies on, on events a MariaDB 10.11 server wrote (binlog
// checksum CRC32) for Syncscope's grades table: a table map and an INSERT of two rows (one with
// a NULL grade, a negative ts and attributes), an UPDATE to a two-byte character, a DELETE.
#include "binlogevents.h"

#include <QByteArray>
#include <QTest>

using namespace syncscope;
using namespace syncscope::binlog;

namespace {

std::string fromHex(const char* hex) {
    return QByteArray::fromHex(hex).toStdString();
}

const char* kMapHex =
    "d2dc166b13010000003e000000e008000000001700000000000100027331000667726164657300070f0f0f080f08"
    "fc09000100010001000102446523c1e7";
const char* kInsertHex =
    "d2dc166b1701000000670000004709000000001700000000000100077fc002005331020043310200412b050000"
    "0000000000030053514c0100000000000000840200533202004339fdffffffffffffff00000000000000000000"
    "07007b2278223a317d1d682bac";
const char* kUpdateHex =
    "d2dc166b1801000000660000007d0a000000001700000000000100077f7fc002005331020043310200412b0500"
    "000000000000030053514c0100000000000000c002005331020043310200c3a90500000000000000030053514c"
    "01000000000000005bf152ba";
const char* kDeleteHex =
    "d2dc166b190100000045000000880b000000001700000000000100077f840200533202004339fdffffffffffff"
    "ff0000000000000000000007007b2278223a317d810514d2";

// The body the decoders take: without the header and the checksum.
std::string_view body(const std::string& e) {
    return std::string_view(e).substr(kHeaderSize, e.size() - kHeaderSize - 4);
}

TableMap grades() {
    std::string why;
    const std::string e = fromHex(kMapHex);
    return readTableMap(body(e), why).value();
}

} // namespace

class TestBinlogEvents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void headerAndChecksum();
    void tableMap();
    void insertedRows();
    void updatedRow();
    void deletedRow();
    void cutShortIsRefused();
};

void TestBinlogEvents::headerAndChecksum() {
    const std::string e = fromHex(kInsertHex);
    const std::optional<Header> h = readHeader(e);
    QVERIFY(h);
    QCOMPARE(h->type, uint8_t(kWriteRowsV1));
    QCOMPARE(h->size, uint32_t(e.size()));
    QCOMPARE(h->serverId, uint32_t(1));
    QCOMPARE(h->nextPos, uint32_t(0x947));
    QVERIFY(checksumMatches(e));
    std::string damaged = e;
    damaged[30] = static_cast<char>(damaged[30] ^ 0x01);
    QVERIFY(!checksumMatches(damaged));
    QCOMPARE(crc32("123456789"), 0xCBF43926u); // the CRC-32 check value
}

void TestBinlogEvents::tableMap() {
    const TableMap map = grades();
    QCOMPARE(map.tableId, uint64_t(23));
    QCOMPARE(map.database, std::string("s1"));
    QCOMPARE(map.table, std::string("grades"));
    QCOMPARE(map.types, (std::vector<uint8_t>{15, 15, 15, 8, 15, 8, 252}));
    // VARCHAR(64) in utf8mb4: up to 256 bytes, so a two-byte length; TEXT: two-byte length.
    QCOMPARE(map.meta, (std::vector<uint16_t>{256, 256, 256, 0, 256, 0, 2}));
}

void TestBinlogEvents::insertedRows() {
    std::string why;
    const std::string e = fromHex(kInsertHex);
    const std::optional<RowsEvent> rows = readRows(kWriteRowsV1, body(e), grades(), why);
    QVERIFY2(rows, why.c_str());
    QCOMPARE(rows->kind, RowsKind::Insert);
    QCOMPARE(rows->tableId, uint64_t(23));
    QCOMPARE(rows->rows.size(), size_t(2));
    const std::vector<Cell> first = rows->rows[0].after.cells;
    QCOMPARE(first, (std::vector<Cell>{"S1", "C1", "A+", "5", "SQL", "1", std::nullopt}));
    const std::vector<Cell> second = rows->rows[1].after.cells;
    QCOMPARE(second, (std::vector<Cell>{"S2", "C9", std::nullopt, "-3", "", "0", "{\"x\":1}"}));
}

void TestBinlogEvents::updatedRow() {
    std::string why;
    const std::string e = fromHex(kUpdateHex);
    const std::optional<RowsEvent> rows = readRows(kUpdateRowsV1, body(e), grades(), why);
    QVERIFY2(rows, why.c_str());
    QCOMPARE(rows->rows.size(), size_t(1));
    QCOMPARE(rows->rows[0].before.cells[2], Cell("A+"));
    QCOMPARE(rows->rows[0].after.cells[2], Cell("\xc3\xa9")); // é, two bytes
    QCOMPARE(rows->rows[0].after.cells[0], Cell("S1"));
}

void TestBinlogEvents::deletedRow() {
    std::string why;
    const std::string e = fromHex(kDeleteHex);
    const std::optional<RowsEvent> rows = readRows(kDeleteRowsV1, body(e), grades(), why);
    QVERIFY2(rows, why.c_str());
    QCOMPARE(rows->kind, RowsKind::Delete);
    QCOMPARE(rows->rows.size(), size_t(1));
    QCOMPARE(rows->rows[0].before.cells[0], Cell("S2"));
    QVERIFY(rows->rows[0].after.cells.empty());
}

void TestBinlogEvents::cutShortIsRefused() {
    std::string why;
    const std::string e = fromHex(kInsertHex);
    const std::string_view cut = body(e).substr(0, body(e).size() - 3);
    QVERIFY(!readRows(kWriteRowsV1, cut, grades(), why));
    QVERIFY2(why.find("ends inside column") != std::string::npos, why.c_str());
    // A table map of another shape than the rows: refused, not misread.
    TableMap narrower = grades();
    narrower.types.pop_back();
    narrower.meta.pop_back();
    narrower.realType.pop_back();
    QVERIFY(!readRows(kWriteRowsV1, body(e), narrower, why));
    QVERIFY(!readTableMap(body(fromHex(kMapHex)).substr(0, 20), why));
}

QTEST_GUILESS_MAIN(TestBinlogEvents)
#include "tst_binlogevents.moc"

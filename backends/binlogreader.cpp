#include "binlogreader.h"

#include <QRandomGenerator>
#include <QRegularExpression>

#include <mysql.h>
// after mysql.h, whose types it uses
#include <mariadb_rpl.h>

#include <sys/socket.h>

namespace syncscope {

namespace {

constexpr uint16_t kArtificial = 0x20; // LOG_EVENT_ARTIFICIAL_F
constexpr uint8_t kStandalone = 0x01;  // FL_STANDALONE: a GTID event with no COMMIT after it

// A statement about the table `grades` of `database` (its default database when unqualified):
// TRUNCATE, ALTER, DROP, RENAME, or a write logged as a statement.
bool namesGrades(const std::string& statement, const std::string& statementDb,
                 const std::string& database) {
    const QString text = QString::fromUtf8(statement.data(), qsizetype(statement.size()));
    static const QRegularExpression qualified(
        QStringLiteral("`?([A-Za-z0-9_$]+)`?\\s*\\.\\s*`?grades`?(?![A-Za-z0-9_$])"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression bare(
        QStringLiteral("(?<![A-Za-z0-9_$.`])`?grades`?(?![A-Za-z0-9_$.])"),
        QRegularExpression::CaseInsensitiveOption);
    for (auto it = qualified.globalMatch(text); it.hasNext();)
        if (it.next().captured(1).toStdString() == database)
            return true;
    return statementDb == database && bare.match(text).hasMatch();
}

std::string_view rawEvent(const MARIADB_RPL_EVENT& e) {
    if (!e.raw_data || e.raw_data_size <= e.raw_data_ofs)
        return {};
    return {reinterpret_cast<const char*>(e.raw_data) + e.raw_data_ofs,
            e.raw_data_size - e.raw_data_ofs};
}

} // namespace

BinlogPosition BinlogPosition::parse(const std::string& text, const std::string& gtid) {
    BinlogPosition p;
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return p;
    try {
        p.offset = std::stoull(text.substr(colon + 1));
    } catch (...) {
        return BinlogPosition();
    }
    p.file = text.substr(0, colon);
    p.gtid = gtid;
    return p;
}

BinlogReader::BinlogReader(Login login, std::string database)
    : login_(std::move(login))
    , database_(std::move(database)) {}

BinlogReader::~BinlogReader() {
    disconnect();
}

void BinlogReader::disconnect() {
    if (event_)
        mariadb_free_rpl_event(event_);
    event_ = nullptr;
    if (rpl_)
        mariadb_rpl_close(rpl_);
    rpl_ = nullptr;
    socket_ = -1;
    if (mysql_)
        mysql_close(mysql_);
    mysql_ = nullptr;
}

void BinlogReader::interrupt() {
    interrupted_ = true;
    const int fd = socket_.load();
    if (fd >= 0)
        ::shutdown(fd, SHUT_RDWR);
}

bool BinlogReader::start(const BinlogPosition& from, bool toCurrentEnd, QString& why) {
    disconnect();
    maps_.clear();
    inTransaction_ = false;
    position_ = from;
    file_ = from.file;
    mysql_ = mysql_init(nullptr);
    if (!mysql_) {
        why = QStringLiteral("out of memory");
        return false;
    }
    const unsigned int connectTimeout = 10;
    // Heartbeats every second while following: a server that went away is noticed within the
    // read timeout even when nobody writes.
    const unsigned int readTimeout = toCurrentEnd ? 120 : 10;
    mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout);
    mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &readTimeout);
    const QByteArray host = login_.host.toUtf8(), user = login_.user.toUtf8(),
                     password = login_.password.toUtf8();
    if (!mysql_real_connect(mysql_, host.constData(), user.constData(), password.constData(),
                            nullptr, static_cast<unsigned int>(login_.port), nullptr, 0)) {
        why = QString::fromUtf8(mysql_error(mysql_));
        disconnect();
        return false;
    }
    socket_ = static_cast<int>(mysql_get_socket(mysql_));
    if (interrupted_) {
        why = QStringLiteral("stopped");
        disconnect();
        return false;
    }
    // The events come with the checksum the server writes (CRC32 by default), verified here;
    // capability 4 is a MariaDB replica's (GTID events, annotate rows off).
    const char* setup[] = {"SET @master_binlog_checksum = @@global.binlog_checksum",
                           "SET @mariadb_slave_capability = 4",
                           "SET @master_heartbeat_period = 1000000000"};
    for (const char* sql : setup)
        if (mysql_query(mysql_, sql)) {
            why = QString::fromUtf8(mysql_error(mysql_));
            disconnect();
            return false;
        }
    if (mysql_query(mysql_, "SELECT @@global.binlog_checksum") != 0) {
        why = QString::fromUtf8(mysql_error(mysql_));
        disconnect();
        return false;
    }
    if (MYSQL_RES* res = mysql_store_result(mysql_)) {
        MYSQL_ROW row = mysql_fetch_row(res);
        checksums_ = row && row[0] && std::string(row[0]) == "CRC32";
        mysql_free_result(res);
    }
    rpl_ = mariadb_rpl_init(mysql_);
    if (!rpl_) {
        why = QString::fromUtf8(mysql_error(mysql_));
        disconnect();
        return false;
    }
    // A server id of its own, as every replica has; random, so two readers never share one
    // (the server would end the older one's stream).
    const unsigned int serverId = 0x40000000u + QRandomGenerator::global()->bounded(0x3fffffff);
    mariadb_rpl_optionsv(rpl_, MARIADB_RPL_FILENAME, from.file.c_str(), from.file.size());
    mariadb_rpl_optionsv(rpl_, MARIADB_RPL_START, static_cast<unsigned long>(from.offset));
    mariadb_rpl_optionsv(rpl_, MARIADB_RPL_SERVER_ID, serverId);
    mariadb_rpl_optionsv(rpl_, MARIADB_RPL_FLAGS,
                         toCurrentEnd ? unsigned(MARIADB_RPL_BINLOG_DUMP_NON_BLOCK) : 0u);
    if (mariadb_rpl_open(rpl_)) {
        why = QString::fromUtf8(mysql_error(mysql_));
        disconnect();
        return false;
    }
    return true;
}

BinlogReader::Next BinlogReader::next(BinlogTransaction& out, QString& why) {
    out = BinlogTransaction();
    if (!rpl_) {
        why = QStringLiteral("the binlog reader is not started");
        return Next::Failed;
    }
    for (;;) {
        // A fresh event each time: Connector/C 3.3 may free an event it was handed to reuse
        // when the fetch ends the stream.
        if (event_)
            mariadb_free_rpl_event(event_);
        event_ = nullptr;
        MARIADB_RPL_EVENT* e = mariadb_rpl_fetch(rpl_, nullptr);
        if (!e) {
            if (mysql_errno(mysql_) == 0)
                return Next::End; // the current end (non-blocking), or the server said goodbye
            why = QString::fromUtf8(mysql_error(mysql_));
            // The dump itself refused: the server's words plus what the position was.
            if (mysql_errno(mysql_) == 1236)
                why += QStringLiteral(" (reading from %1)")
                           .arg(QString::fromStdString(position_.text()));
            return Next::Failed;
        }
        event_ = e;
        if (interrupted_) {
            why = QStringLiteral("stopped");
            return Next::Failed;
        }
        const std::string_view raw = rawEvent(*e);
        bool ended = false;
        if (!handle(*e, raw, out, ended, why))
            return Next::Failed;
        if (ended) {
            position_ = out.end;
            return Next::Transaction;
        }
    }
}

bool BinlogReader::handle(const MARIADB_RPL_EVENT& e, std::string_view raw, BinlogTransaction& txn,
                          bool& ended, QString& why) {
    const std::optional<binlog::Header> h = binlog::readHeader(raw);
    if (!h || h->size != raw.size()) {
        why =
            QStringLiteral("a binlog event in %1 is cut short").arg(QString::fromStdString(file_));
        return false;
    }
    const bool artificial = (h->flags & kArtificial) != 0;
    if (h->type == binlog::kFormatDescription && raw.size() >= binlog::kHeaderSize + 5)
        checksums_ = static_cast<uint8_t>(raw[raw.size() - 5]) == 1; // BINLOG_CHECKSUM_ALG_CRC32
    if (checksums_ && !artificial && h->type != binlog::kHeartbeat &&
        !binlog::checksumMatches(raw)) {
        why = QStringLiteral("the binlog event at %1:%2 fails its CRC32 checksum")
                  .arg(QString::fromStdString(file_))
                  .arg(h->nextPos - h->size);
        return false;
    }
    std::string_view body = raw.substr(binlog::kHeaderSize);
    if (checksums_ && body.size() >= 4)
        body = body.substr(0, body.size() - 4);
    auto endHere = [&] {
        txn.end = {file_, h->nextPos, gtid_};
        txn.timestamp = h->timestamp;
        inTransaction_ = false;
        ended = true;
    };
    switch (h->type) {
    case binlog::kRotate:
        if (body.size() >= 8) {
            file_ = std::string(body.substr(8));
            if (!artificial)
                position_ = {file_, 4, position_.gtid};
        }
        return true;
    case binlog::kGtid:
        inTransaction_ = true;
        standalone_ = (e.event.gtid.flags & kStandalone) != 0;
        gtid_ = std::to_string(e.event.gtid.domain_id) + '-' + std::to_string(h->serverId) + '-' +
                std::to_string(e.event.gtid.sequence_nr);
        txn = BinlogTransaction();
        return true;
    case binlog::kQuery: {
        const std::string statement(e.event.query.statement.str, e.event.query.statement.length);
        const std::string db(e.event.query.database.str, e.event.query.database.length);
        if (statement == "BEGIN") {
            inTransaction_ = true;
            standalone_ = false;
            return true;
        }
        if (statement == "COMMIT" || statement == "ROLLBACK") {
            endHere();
            return true;
        }
        if (namesGrades(statement, db, database_))
            txn.statements.push_back(statement);
        if (standalone_ || !inTransaction_)
            endHere();
        return true;
    }
    case binlog::kXid:
        endHere();
        return true;
    case binlog::kTableMap: {
        std::string problem;
        std::optional<binlog::TableMap> map = binlog::readTableMap(body, problem);
        if (!map) {
            why = QString::fromStdString(problem);
            return false;
        }
        maps_[map->tableId] = std::move(*map);
        return true;
    }
    default:
        break;
    }
    if (!binlog::isRowsEvent(h->type))
        return true; // heartbeats, GTID lists, checkpoints, annotations: nothing to capture
    const std::optional<uint64_t> id = binlog::rowsTableId(body);
    const auto map = id ? maps_.find(*id) : maps_.end();
    if (map == maps_.end()) {
        why = QStringLiteral("a row event in %1 names a table it did not map")
                  .arg(QString::fromStdString(file_));
        return false;
    }
    if (map->second.database != database_)
        return true;
    if (map->second.table == "oplog") {
        txn.own = true;
        return true;
    }
    if (map->second.table != "grades")
        return true;
    std::string problem;
    std::optional<binlog::RowsEvent> rows = binlog::readRows(h->type, body, map->second, problem);
    if (!rows) {
        txn.unreadable.push_back(problem);
        return true;
    }
    for (binlog::RowChange& r : rows->rows)
        txn.changes.push_back({rows->kind, std::move(r.before), std::move(r.after)});
    return true;
}

} // namespace syncscope

#pragma once

#include "binlogevents.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct st_mysql;
struct st_mariadb_rpl;
struct st_mariadb_rpl_event;

namespace syncscope {

// A place in MariaDB's binlog: a file and the offset of the next event in it, with the GTID of
// the transaction that ends there (shown to the user; resuming goes by file and offset).
struct BinlogPosition {
    std::string file;
    uint64_t offset = 0;
    std::string gtid;

    bool valid() const { return !file.empty() && offset > 0; }
    // Files are numbered with a fixed width (mariadb-bin.000042), so their names sort in order.
    bool after(const BinlogPosition& o) const {
        return file != o.file ? file > o.file : offset > o.offset;
    }
    std::string text() const { return file + ':' + std::to_string(offset); } // file:offset
    static BinlogPosition parse(const std::string& text, const std::string& gtid);
};

// One row change of the watched table, as the binlog gives it.
struct GradesChange {
    binlog::RowsKind kind = binlog::RowsKind::Insert;
    binlog::RowImage before;
    binlog::RowImage after;
};

// A committed transaction of the binlog, reduced to what the capture needs.
struct BinlogTransaction {
    BinlogPosition end; // just past its last event
    bool own = false;   // it writes the oplog: Syncscope's, its writes logged already
    std::vector<GradesChange> changes;   // of `grades` in the store's database, in order
    std::vector<std::string> statements; // statements naming grades (TRUNCATE, ALTER, …)
    std::vector<std::string> unreadable; // row events of grades that could not be decoded
    uint32_t timestamp = 0;              // when the server wrote it (seconds)
    // Set on the stand-in for a stretch of log the server purged unread (binloggap.h): what
    // is not known of it, recorded and reported with the changes.
    std::string gap;

    bool concernsGrades() const {
        return !own &&
               (!changes.empty() || !statements.empty() || !unreadable.empty() || !gap.empty());
    }
};

// Reads MariaDB's binlog as a replica does, through Connector/C's replication API
// (mariadb_rpl.h), on a connection of its own, and cuts it into committed transactions. Used
// from one thread; interrupt() may be called from any.
class BinlogReader {
public:
    struct Login {
        QString host;
        int port = 0;
        QString user;
        QString password;
    };
    BinlogReader(Login login, std::string database);
    ~BinlogReader();
    BinlogReader(const BinlogReader&) = delete;
    BinlogReader& operator=(const BinlogReader&) = delete;

    // Connects and asks for the binlog from `from` on. `toCurrentEnd`: the server ends the
    // stream at the binlog's current end (the drain on open); otherwise it waits for new events.
    bool start(const BinlogPosition& from, bool toCurrentEnd, QString& why);

    enum class Next { Transaction, End, Failed };
    // The next committed transaction (every one, those of other databases too, so its end
    // position can be followed), End at the current end when draining, or Failed with `why`.
    Next next(BinlogTransaction& out, QString& why);

    // Where reading goes on: just past the last whole transaction returned.
    const BinlogPosition& position() const { return position_; }

    // Wakes a next() blocked on the server from another thread; it and every start() after it
    // then fail.
    void interrupt();

private:
    void disconnect();
    bool handle(const st_mariadb_rpl_event& event, std::string_view raw, BinlogTransaction& txn,
                bool& ended, QString& why);

    Login login_;
    std::string database_;
    st_mysql* mysql_ = nullptr;
    st_mariadb_rpl* rpl_ = nullptr;
    st_mariadb_rpl_event* event_ = nullptr;
    std::atomic<int> socket_{-1};
    std::atomic<bool> interrupted_{false};
    std::map<uint64_t, binlog::TableMap> maps_;
    std::string file_;       // the binlog file being read
    bool checksums_ = false; // events end with a CRC32 (the format description says)
    bool inTransaction_ = false;
    bool standalone_ = false; // a GTID event without BEGIN … COMMIT: one statement
    std::string gtid_;
    BinlogPosition position_;
};

} // namespace syncscope

#pragma once

#include "binlogreader.h"

#include <QString>
#include <QStringList>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace syncscope {

struct LogRecord;
struct SqlDialect;
class BulkWritePath;

// The MariaDB dialect without its capture triggers (nor their upgrades), for capture=log.
void withoutCaptureTriggers(SqlDialect& dialect);

// capture=log on MariaDB: outside writes to `grades` read from the server's binlog (ROW format,
// full row images) instead of triggers, and logged exactly as the triggers log them
// (sqldialect_servers.cpp): origin = the store's name, seq = its greatest seq + 1, ts = the
// oplog's greatest ts + 1, context = per other origin the greatest seq the oplog holds for the
// key; a DELETE as a delete entry; an UPDATE that changes the key as a DELETE and a SET.
//
// Each batch of captured transactions is one transaction of the store's connection under the
// append lock (the lock Syncscope's appends take), holding the oplog entries, the grade rows'
// new (ts, origin, seq), and the binlog position just past the last transaction, in
// syncscope_meta. So a crash never loses or repeats a change, and of two Syncscope processes
// capturing one store, the second finds the position already past a transaction and skips it.
// A transaction that writes the oplog is Syncscope's own (its entries are logged already, and
// so is every capture), and is left alone.
//
// A row that breaks the data rules cannot be refused at its INSERT without triggers: it is set
// aside in syncscope_set_aside (position, key, raw value, reason, time), never logged, and
// reported; so are statements that change grades behind the log's back (TRUNCATE, ALTER,
// DROP, RENAME, a write logged as a statement). Everything here runs on the store's thread,
// on its Qt Sql connection.
class MariadbLogCapture {
public:
    MariadbLogCapture(QString connection, QString store, std::string database,
                      BinlogReader::Login login);

    // The server writes a binlog this can read: log_bin on, binlog_format ROW, binlog_row_image
    // FULL, and the account may read it. `why` names the setting and the fix.
    bool checkServer(QString& why);
    // Makes syncscope_set_aside, records where capture starts (the binlog's current end) when
    // the store has no position yet, then drops the capture triggers of trigger mode, in that
    // order: a write between the two is logged by its trigger, so it is Syncscope's own in the
    // binlog and not captured again.
    bool prepare(QString& why);
    // Captures every transaction from the saved position to the binlog's current end.
    bool drain(QStringList& problems, QString& why);
    // Logs `transactions` (those past the saved position) in one transaction; the problems
    // they raised (rows set aside, statements on grades) are appended to `problems`.
    bool apply(std::vector<BinlogTransaction>& transactions, QStringList& problems, QString& why);

    // Writes by the store's bulk loader (its LOAD DATA path), when it has one.
    void useBulkPath(BulkWritePath* bulk) { bulk_ = bulk; }

    // Where the drain stopped reading: the follower goes on from there.
    BinlogPosition drainedTo() const { return drainedTo_; }
    BinlogPosition saved(QString& why);
    const BinlogReader::Login& login() const { return login_; }
    const std::string& database() const { return database_; }

private:
    bool exec(const QString& sql, QString& why);
    // Whether a row event's `count` columns are the table's, with student_id, course_id and
    // grade found; Unreadable when the server could not be asked (the batch is tried again
    // later, nothing of it set aside for good).
    enum class Shape { Known, Changed, Unreadable };
    Shape gradeColumns(size_t count, QString& why);
    // The stand-in for the log from `lost` on, which the server purged unread (binloggap.h).
    bool readPurged(const BinlogPosition& lost, BinlogTransaction& stretch, QString& why);
    // The oplog entries, then the grade rows of those that stamp their row.
    bool writeByStatements(const std::vector<LogRecord>& entries,
                           const std::vector<LogRecord>& rows, qint64 wallMs, QString& why);

    QString connection_;
    QString store_;
    std::string database_;
    BinlogReader::Login login_;
    BulkWritePath* bulk_ = nullptr;
    BinlogPosition drainedTo_;
    // Indexes of student_id, course_id and grade among the columns of grades, in table order;
    // read again when a row event has another number of columns (an ALTER).
    size_t columnCount_ = 0;
    size_t student_ = 0, course_ = 1, grade_ = 2;
};

// watchChanges' streaming half: a thread that reads the binlog as it grows and hands whole
// transactions concerning grades to the store's thread (`wake` is called from the reader thread
// and must queue its work there); the store then applies take() with MariadbLogCapture::apply.
// A lost server is reconnected after 0.25 s doubling to 8 s, from the last transaction read.
class MariadbLogFollower {
public:
    MariadbLogFollower(BinlogReader::Login login, std::string database, BinlogPosition from,
                       std::function<void()> wake, std::function<void(const QString&)> problem);
    ~MariadbLogFollower(); // stops the thread

    std::vector<BinlogTransaction> take();
    // Transactions the store could not apply yet, in front of the ones read since.
    void giveBack(std::vector<BinlogTransaction> transactions);

private:
    void run(BinlogPosition from);

    BinlogReader reader_;
    std::function<void()> wake_;
    std::function<void(const QString&)> problem_;
    std::mutex mutex_;
    std::condition_variable stopped_;
    bool stop_ = false;
    std::deque<BinlogTransaction> queue_;
    std::thread thread_;
};

} // namespace syncscope

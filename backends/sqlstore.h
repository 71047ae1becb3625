#pragma once

#include "bulkwritepath.h"
#include "socketdeadline.h"
#include "sqldialect.h"
#include "sqlitefastpath.h"
#include "store.h"

#include <QSqlQuery>

#include <map>
#include <memory>
#include <set>
#include <string_view>

class QObject;
class QSqlDatabase;
class QSqlError;
class QTimer;

namespace syncscope {

class MariadbLogCapture;
class MariadbLogFollower;
class PostgresLogCapture;

// A store in an SQL database through Qt Sql (SQLite, MariaDB/MySQL, PostgreSQL): the grades
// table keyed by (student_id, course_id) plus the oplog table (schema in sqldialect*.cpp). Every
// batch of appends is one transaction holding both the oplog rows and the grade upserts, with
// bound parameters only.
class SqlStore : public Store {
public:
    struct Server {
        QString host;
        int port = 0;
        QString user;
        QString password;       // from the keychain or SYNCSCOPE_PASSWORD_<STORE>, never a URI
        QString connectOptions; // Qt Sql driver options (TLS, timeouts)
        int readTimeoutMs = 0;  // the URI's read_timeout; 0: not given
    };
    struct Options {
        QString name;         // canonical store name
        QString databaseName; // file path, ":memory:", or the server's database
        QString location;     // for display, without credentials
        bool inMemory = false;
        // Writes (and SQLite's oplog reads) by the engine's fastest path: SqliteFastPath,
        // PostgresCopyPath, MariadbLoadPath. Off, they take the Qt Sql multi-row upserts, which
        // is how the tests keep that path honest.
        bool nativeFastPath = true;
        SqlEngine engine = SqlEngine::Sqlite;
        Server server; // MariaDB and PostgreSQL
        // How outside writes reach the oplog on a server (the URI's capture=triggers|log):
        // triggers on the grades table, or the server's own log read as a replica reads it
        // (MariaDB's binlog, PostgreSQL's logical decoding), which puts nothing on the table.
        SqlCapture capture = SqlCapture::Triggers;
    };

    explicit SqlStore(Options options);
    ~SqlStore() override;

    StoreDescription description() const override;
    // Outside writes: captured by triggers on the servers (sqldialect_servers.cpp); an
    // embedded SQLite file has no other writers in Syncscope's model.
    StoreCapabilities capabilities() const override {
        return {true, options_.engine != SqlEngine::Sqlite,
                options_.engine != SqlEngine::Sqlite ||
                    options_.databaseName != QLatin1String(":memory:")};
    }
    void setPassword(const QString& password) override { options_.server.password = password; }
    // An SQLite file is opened with QSQLITE_OPEN_READONLY; no store creates its schema, claims
    // its name or upgrades, and one that would need to is refused (sqlstoreschema.cpp). A store
    // in memory has nothing to keep: it opens as always.
    void setReadOnly() override { readOnly_ = !options_.inMemory; }
    Status open() override;
    void close() override;
    Status append(std::span<const LogRecord> records, const BatchControl& control) override;
    Result<std::vector<LogRecord>> readOplog(int64_t after, size_t limit,
                                             const BatchControl& control) override;
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor& after, size_t limit,
                                                const BatchControl& control) override;
    Result<std::optional<GradeRecord>> readKey(const std::string& studentId,
                                               const std::string& courseId) override;
    Result<StoreCounts> counts() override;
    Result<RangeChecksums> rangeChecksums(uint32_t ranges, const BatchControl& control) override;
    Result<RangeRows> readRanges(uint32_t ranges, const std::vector<uint32_t>& which,
                                 const BatchControl& control) override;
    Status rollbackTo(int64_t position) override;
    // capture=log on PostgreSQL: the outside writes set aside (postgreslogcapture.h).
    Result<std::vector<UnaccountedRow>> unaccountedRows(const BatchControl& control) override;
    // By measurement: MariaDB's LOAD DATA batches pay about 70 ms each (the commit, the
    // append lock, the temporary table), so 50,000 rows apply 1M writes at 0.74 of a plain
    // LOAD DATA against 0.67 at 20,000; the other engines gain nothing past 20,000.
    size_t batchSize() const override {
        return options_.engine == SqlEngine::MariaDb ? 50000 : 20000;
    }
    std::optional<CaptureProgress> captureProgress() const override;
    Result<bool> watchChanges(std::function<void()> changed,
                              std::function<void(const QString&)> problem) override;

private:
    StoreError error(const QString& what, const QString& detail) const;
    // As above, marked StoreError::refused when the server's error says so (sqlrefusal.h).
    StoreError error(const QString& what, const QSqlError& e) const;
    StoreError refusal(const QString& what, const QString& serverText, const QString& code,
                       const QString& fullText) const;
    Status exec(const QString& sql);
    Status checkOwner();
    // The server, account and connect options of the URI, on a connection about to open.
    void logInTo(QSqlDatabase& db) const;
    bool canCreateDatabase(const QSqlError& openError) const;
    Status createDatabase();
    Status refuseForeignGrades();
    Status createSchema();
    Status upgradeSchema();
    Status checkSchemaToRead();
    Status appendBatch(std::span<const LogRecord> batch);
    int upsertRows(const std::vector<const LogRecord*>& writes, size_t at);
    template <class Read>
    auto readAgainIfLost(Read read) -> decltype(read());
    bool connectionLost();
    SocketDeadline::Armed watchServer();
    StoreError unanswered(StoreError e) const;
    Status reconnect();
    Status retryAfterReconnecting(std::span<const LogRecord> batch, const StoreError& lost,
                                  const BatchControl& control);
    bool subscribe();
    // capture=log on PostgreSQL (postgreslogcapture.h): made, and the log read to its end, on
    // every open that writes.
    Status startLogCapture();
    void startLogStreaming();
    Status checkOwnSeqsFree(std::span<const LogRecord> batch);
    // Whether a batch whose commit went unanswered (the connection broke) is in the oplog:
    // its last write is there with the same content. A batch commits whole, so then all of it
    // is, and writing it again would log every entry twice.
    Result<bool> landedBeforeTheBreak(std::span<const LogRecord> batch);
    Status appendInTransaction(std::span<const LogRecord> batch);
    QSqlQuery& prepared(std::map<int, QSqlQuery>& cache, int rows, bool oplog);
    // capture=log on MariaDB (sqlstoremariadblog.cpp): checked, prepared and drained on open;
    // streamed by a follower thread while watched, applied here on the store's thread.
    Status startMariadbLogCapture();
    Result<bool> watchMariadbLog();
    void applyFollowed();
    void stopWatching();

    Options options_;
    SqlDialect dialect_;
    QString connection_;
    bool open_ = false;
    bool readOnly_ = false;
    std::map<int, QSqlQuery> oplogInserts_;
    std::map<int, QSqlQuery> gradeUpserts_;
    std::set<std::pair<std::string_view, std::string_view>> statementKeys_; // upsertRows' scratch
    std::unique_ptr<SqliteFastPath> sqliteFast_; // QSQLITE: native writes and oplog reads
    std::unique_ptr<BulkWritePath> bulk_;      // servers: batch writes by the server's bulk loader
    std::function<void()> changed_;            // watchChanges' callback, kept across reconnects
    std::unique_ptr<SocketDeadline> deadline_; // PostgreSQL: libpq has no read timeout
    std::function<void(const QString&)> problem_; // watchChanges' problem callback
    bool reconnecting_ = false; // close() inside reconnect() keeps the watch going
    std::unique_ptr<MariadbLogCapture> binlogCapture_;
    QStringList logProblems_;               // raised by the drain on open, before anyone watched
    std::unique_ptr<QObject> watchContext_; // on the store's thread: the follower's work runs there
    std::unique_ptr<MariadbLogFollower> follower_;
    CaptureProgress binlogProgress_; // what the follower last logged
    std::optional<CaptureProgress> mariadbCaptureProgress() const;
    std::unique_ptr<PostgresLogCapture> logCapture_;
    std::unique_ptr<QTimer> reconnectTimer_; // log capture lost the store's connection
};

} // namespace syncscope

#pragma once

#include "bulkwritepath.h"

#include <QString>

#include <memory>
#include <string>

class QTemporaryDir;

namespace syncscope {

// MariaDB's bulk write path: LOAD DATA LOCAL INFILE, through the store's own Qt Sql connection
// (QMYSQL's client library sends a local file when the server asks for it). A batch of 500-row
// prepared upserts reached about half of LOAD DATA's rate, the server parsing and checking each
// statement's 3,500 parameters; here the oplog rows go in by LOAD DATA, and the grade rows by
// LOAD DATA into a temporary table followed by one INSERT … SELECT … ON DUPLICATE KEY UPDATE in
// load order, whose conditional assignments are the Qt Sql path's (SqlDialect::
// mariadbUpsertTail): the same outcome as that path.
//
// The rows pass through files in a private temporary folder (mode 0700), rewritten for each
// batch and removed with the path. A file name is the one literal in these statements (LOAD DATA
// takes no parameter for it): it is the program's own, and a folder whose path would need
// quoting is refused.
class MariadbLoadPath final : public BulkWritePath {
public:
    // The path on the store's open connection `connection`; null, with `why`, where the server
    // refuses local files (local_infile=OFF) or no private folder can be made. The store then
    // writes by multi-row upserts.
    static std::unique_ptr<MariadbLoadPath> create(const QString& connection, QString& why);
    ~MariadbLoadPath() override;

    bool writeBatch(std::span<const LogRecord> batch, qint64 wallMs, QString& error) override;

private:
    MariadbLoadPath(QString connection, std::unique_ptr<QTemporaryDir> folder);
    // Writes buffer_ to `file` in the folder, then runs `statement` with %1 the file's path.
    bool load(const char* file, const QString& statement, QString& error);
    bool exec(const QString& sql, QString& error);

    QString connection_;
    std::unique_ptr<QTemporaryDir> folder_;
    std::string buffer_; // one file's text, reused across batches
};

} // namespace syncscope

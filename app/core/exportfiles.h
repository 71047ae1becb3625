#pragma once

#include "engine.h"

#include <QFile>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace syncscope {

// The seed-format export of every store (docs/cli.md), written while the run ships entries, so the
// engine need not keep whole oplogs. Files are written under temporary names and renamed only
// when the run succeeds: a failed run leaves no oplog file.
class ExportFiles {
public:
    ExportFiles() = default;
    ExportFiles(const ExportFiles&) = delete;
    ExportFiles& operator=(const ExportFiles&) = delete;
    ~ExportFiles() { discard(); }

    // One temporary file per replica of the engine, in dir.
    bool open(const QString& dir, const Engine& engine);
    bool enabled() const { return !files_.empty(); }
    std::string& buffer(size_t r) { return buffers_[r]; }
    // A quarter of a megabyte per store: enough to write in few calls, small beside the run.
    void maybeFlush(size_t r) {
        if (buffers_[r].size() >= (1u << 18))
            flush(r);
    }
    // Flushes, closes and renames every file to oplog.<store>.txt.
    bool commit();
    void discard();
    const QString& error() const { return error_; }

private:
    void flush(size_t r);
    void fail(const QFile& file);

    std::vector<std::unique_ptr<QFile>> files_;
    std::vector<QString> finalPaths_;
    std::vector<std::string> buffers_;
    QString error_;
};

} // namespace syncscope

#include "exportfiles.h"

#include "displayuri.h"
#include "textoutput.h"

#include <QDir>

namespace syncscope {

void ExportFiles::fail(const QFile& file) {
    if (error_.isEmpty())
        error_ = displayUri(file.fileName()) + QStringLiteral(": ") + file.errorString();
}

bool ExportFiles::open(const QString& dir, const Engine& engine) {
    for (size_t r = 0; r < engine.replicaCount(); ++r) {
        const QString name = QString::fromStdString(exportFileName(engine.replica(r).name));
        finalPaths_.push_back(QDir(dir).filePath(name));
        files_.push_back(std::make_unique<QFile>(
            QDir(dir).filePath(QStringLiteral(".") + name + QStringLiteral(".partial"))));
        if (!files_.back()->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            fail(*files_.back());
            return false;
        }
    }
    buffers_.resize(files_.size());
    return true;
}

void ExportFiles::flush(size_t r) {
    const auto size = static_cast<qint64>(buffers_[r].size());
    if (files_[r]->write(buffers_[r].data(), size) != size)
        fail(*files_[r]);
    buffers_[r].clear();
}

bool ExportFiles::commit() {
    for (size_t r = 0; r < files_.size(); ++r) {
        flush(r);
        files_[r]->close();
        if (files_[r]->error() != QFileDevice::NoError)
            fail(*files_[r]);
    }
    if (!error_.isEmpty())
        return false;
    for (size_t r = 0; r < files_.size(); ++r) {
        QFile::remove(finalPaths_[r]);
        if (!files_[r]->rename(finalPaths_[r])) {
            fail(*files_[r]);
            return false;
        }
    }
    files_.clear();
    return true;
}

void ExportFiles::discard() {
    for (auto& f : files_)
        f->remove();
    files_.clear();
}

} // namespace syncscope

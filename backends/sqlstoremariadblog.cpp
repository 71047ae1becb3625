// SqlStore's capture=log on MariaDB: the hooks open() and watchChanges() call; the capture
// itself is MariadbLogCapture (mariadblogcapture.h).
#include "sqlstore.h"

#include "mariadblogcapture.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace syncscope {

// On every open that may write: the server is checked (a clear error naming the setting
// otherwise: the user asked for the log, so there is no falling back to triggers), the start
// position recorded and the triggers dropped, then everything committed up to the binlog's
// current end is captured, so that reads after open see every outside write.
Status SqlStore::startMariadbLogCapture() {
    binlogCapture_ = std::make_unique<MariadbLogCapture>(
        connection_, options_.name, options_.databaseName.toStdString(),
        BinlogReader::Login{options_.server.host,
                            options_.server.port > 0 ? options_.server.port : 3306,
                            options_.server.user, options_.server.password});
    binlogCapture_->useBulkPath(bulk_.get());
    QString why;
    if (!binlogCapture_->checkServer(why) || !binlogCapture_->prepare(why)) {
        binlogCapture_.reset();
        return error(QStringLiteral("cannot capture from the binlog (capture=log)"), why);
    }
    QStringList problems;
    if (!binlogCapture_->drain(problems, why)) {
        binlogCapture_.reset();
        return error(QStringLiteral("cannot capture from the binlog (capture=log)"), why);
    }
    if (problem_)
        for (const QString& p : problems)
            problem_(p);
    else
        logProblems_ << problems;
    return success();
}

Result<bool> SqlStore::watchMariadbLog() {
    if (!open_ || !binlogCapture_)
        return false; // a store only read captures nothing: the caller polls its oplog
    stopWatching();
    for (const QString& p : std::exchange(logProblems_, {}))
        problem_(p);
    watchContext_ = std::make_unique<QObject>();
    QObject* context = watchContext_.get();
    // Both run on the reader's thread: they only queue work on the store's.
    auto wake = [this, context] {
        QMetaObject::invokeMethod(
            context, [this] { applyFollowed(); }, Qt::QueuedConnection);
    };
    auto problem = [this, context](const QString& message) {
        const QString named = options_.name + QStringLiteral(": ") + message;
        QMetaObject::invokeMethod(
            context, [this, named] { problem_(named); }, Qt::QueuedConnection);
    };
    follower_ =
        std::make_unique<MariadbLogFollower>(binlogCapture_->login(), binlogCapture_->database(),
                                             binlogCapture_->drainedTo(), wake, problem);
    return true;
}

// What the follower read, logged in one transaction; announced once committed. When the
// server went away meanwhile, the store connects again, which drains the binlog up to its end
// (so these are then found already captured), or the batch waits a second and tries again.
void SqlStore::applyFollowed() {
    if (!follower_)
        return;
    std::vector<BinlogTransaction> batch = follower_->take();
    if (batch.empty())
        return;
    QStringList problems;
    QString why;
    bool applied = open_ && binlogCapture_ && binlogCapture_->apply(batch, problems, why);
    if (!applied && (!open_ || connectionLost())) {
        if (Status s = reconnect(); s)
            applied = binlogCapture_ && binlogCapture_->apply(batch, problems, why);
        else
            why = s.error().message;
    }
    for (const QString& p : problems)
        problem_(p);
    if (!applied) {
        problem_(QStringLiteral("%1: cannot log the binlog's changes yet (%2); trying again in "
                                "1 s")
                     .arg(options_.name, why.simplified()));
        binlogProgress_.waiting = why.simplified();
        follower_->giveBack(std::move(batch));
        QTimer::singleShot(1000, watchContext_.get(), [this] { applyFollowed(); });
        return;
    }
    const BinlogTransaction& last = batch.back();
    binlogProgress_.position = QString::fromStdString(last.end.text());
    if (!last.end.gtid.empty())
        binlogProgress_.position +=
            QStringLiteral(" (GTID %1)").arg(QString::fromStdString(last.end.gtid));
    // The binlog stamps a transaction in whole seconds: the lag is known to within one.
    binlogProgress_.lagMs = std::max<qint64>(0, QDateTime::currentMSecsSinceEpoch() -
                                                    qint64(last.timestamp) * 1000 - 999);
    binlogProgress_.waiting.clear();
    if (changed_)
        changed_();
}

std::optional<CaptureProgress> SqlStore::mariadbCaptureProgress() const {
    CaptureProgress p = binlogProgress_;
    if (p.position.isEmpty())
        p.position = QString::fromStdString(binlogCapture_->drainedTo().text());
    p.lagResolutionMs = 1000;
    return p;
}

void SqlStore::stopWatching() {
    follower_.reset();     // joins the reader thread: nothing queues work after this
    watchContext_.reset(); // drops the work it had queued
}

} // namespace syncscope

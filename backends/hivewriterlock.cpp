#include "hivewriterlock.h"

#include "hiveql.h"
#include "hivestatements.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

namespace syncscope {

using namespace hive;

namespace {
constexpr const char* kTable = "syncscope_writer_lock";

int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

std::string randomToken() {
    QByteArray bytes(16, '\0');
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes.toHex().toStdString();
}

QString describe(const HiveWriterClaim& claim) {
    return QStringLiteral("process %1 on %2, claimed %3")
        .arg(claim.process.pid)
        .arg(QString::fromStdString(claim.process.host),
             QDateTime::fromMSecsSinceEpoch(claim.claimedMs).toString(Qt::ISODate));
}

// Sleeps `ms`, in slices, as long as the caller does not cancel.
bool pause(int64_t ms, const BatchControl& control) {
    for (int64_t waited = 0; waited < ms; waited += 20) {
        if (control.isCanceled())
            return false;
        QThread::msleep(static_cast<unsigned long>(std::min<int64_t>(20, ms - waited)));
    }
    return !control.isCanceled();
}
} // namespace

bool hiveClaimIsDead(const HiveWriterClaim& claim, ProcessLiveness liveness, int64_t now,
                     int64_t leaseMs) {
    switch (liveness) {
    case ProcessLiveness::Running:
        return false;
    case ProcessLiveness::Ended:
        return true;
    case ProcessLiveness::Unknown:
        break;
    }
    return now - claim.claimedMs > leaseMs;
}

HiveWriterLock::HiveWriterLock(QString store, Run run)
    : HiveWriterLock(std::move(store), std::move(run), Timing{}) {}

HiveWriterLock::HiveWriterLock(QString store, Run run, Timing timing)
    : store_(std::move(store))
    , run_(std::move(run))
    , timing_(timing)
    , self_(thisProcess())
    , token_(randomToken()) {}

Status HiveWriterLock::ensureTable(const BatchControl& control) {
    if (tableReady_)
        return success();
    if (Status s = run_(QStringLiteral("creating the writer lock table"),
                        std::string("CREATE TABLE IF NOT EXISTS ") + kTable +
                            " (token STRING, host STRING, boot_id STRING, pid BIGINT, "
                            "process_start BIGINT, claimed_ms BIGINT)",
                        control, {});
        !s)
        return s;
    tableReady_ = true;
    return success();
}

Status HiveWriterLock::insertClaim(const BatchControl& control) {
    const int64_t now = nowMs();
    Status s = run_(QStringLiteral("claiming the writer lock"),
                    std::string("INSERT INTO ") + kTable + " VALUES (" + hiveStringLiteral(token_) +
                        ", " + hiveStringLiteral(self_.host) + ", " +
                        hiveStringLiteral(self_.bootId) + ", " + std::to_string(self_.pid) + ", " +
                        std::to_string(self_.startTicks) + ", " + std::to_string(now) + ")",
                    control, {});
    if (s)
        lastClaimMs_ = now;
    return s;
}

Result<std::vector<HiveWriterClaim>> HiveWriterLock::readClaims(const BatchControl& control) {
    std::vector<HiveWriterClaim> claims;
    if (Status s = run_(QStringLiteral("reading the writer lock"),
                        std::string("SELECT token, host, boot_id, pid, process_start, "
                                    "MAX(claimed_ms) FROM ") +
                            kTable + " GROUP BY token, host, boot_id, pid, process_start",
                        control,
                        [&](HiveRows&& rows) {
                            for (size_t i = 0; i < rows.rows(); ++i) {
                                HiveWriterClaim c;
                                c.token = asText(rows.at(i, 0));
                                c.process.host = asText(rows.at(i, 1));
                                c.process.bootId = asText(rows.at(i, 2));
                                c.process.pid = asInt(rows.at(i, 3));
                                c.process.startTicks = asInt(rows.at(i, 4));
                                c.claimedMs = asInt(rows.at(i, 5));
                                claims.push_back(std::move(c));
                            }
                        });
        !s)
        return s.error();
    return claims;
}

Status HiveWriterLock::removeClaims(const std::vector<std::string>& tokens,
                                    const BatchControl& control) {
    std::string list;
    for (const std::string& t : tokens)
        list += (list.empty() ? "" : ", ") + hiveStringLiteral(t);
    return run_(QStringLiteral("releasing the writer lock"),
                std::string("INSERT OVERWRITE TABLE ") + kTable +
                    " SELECT token, host, boot_id, pid, process_start, claimed_ms FROM " + kTable +
                    " WHERE token NOT IN (" + list + ")",
                control, {});
}

Status HiveWriterLock::acquire(const BatchControl& control) {
    if (held_)
        return success();
    if (Status s = ensureTable(control); !s)
        return s;
    const int64_t started = nowMs();
    bool noticed = false;
    int64_t backOffMs = 20;
    for (;;) {
        if (Status s = insertClaim(control); !s)
            return s;
        Result<std::vector<HiveWriterClaim>> claims = readClaims(control);
        if (!claims)
            return claims.error();
        bool mine = false;
        std::vector<std::string> dead;
        const HiveWriterClaim* holder = nullptr;
        for (const HiveWriterClaim& c : claims.value()) {
            if (c.token == token_)
                mine = true;
            else if (hiveClaimIsDead(c, livenessOf(c.process), nowMs(), timing_.leaseMs))
                dead.push_back(c.token);
            else
                holder = &c;
        }
        if (mine && !holder) {
            if (!dead.empty()) // left by killed writers: cleared now, while this one holds
                if (Status s = removeClaims(dead, control); !s)
                    return s;
            held_ = true;
            return success();
        }
        // Another live claim (or this one was lost to another writer's rewrite of the table):
        // step back so that the other can go on.
        const QString holderText = holder ? describe(*holder) : QStringLiteral("another writer");
        dead.push_back(token_);
        if (Status s = removeClaims(dead, control); !s)
            return s;
        const int64_t waited = nowMs() - started;
        if (waited >= timing_.giveUpMs)
            return StoreError{store_,
                              QStringLiteral("another Syncscope process is writing to this Hive "
                                             "store (%1); gave up after %2 s, nothing was "
                                             "written")
                                  .arg(holderText)
                                  .arg(waited / 1000),
                              false};
        if (!noticed && waited >= timing_.noticeAfterMs) {
            noticed = true;
            control.notice(QStringLiteral("%1: waiting for another Syncscope process writing to "
                                          "this Hive store (%2)")
                               .arg(store_, holderText));
        }
        const int64_t wait =
            backOffMs / 2 + QRandomGenerator::global()->bounded(static_cast<qint64>(backOffMs));
        if (!pause(wait, control))
            return StoreError{store_, QStringLiteral("canceled while waiting for the writer lock"),
                              true};
        backOffMs = std::min<int64_t>(backOffMs * 2, 500);
    }
}

Status HiveWriterLock::renew(const BatchControl& control) {
    if (!held_ || nowMs() - lastClaimMs_ < timing_.leaseMs / 4)
        return success();
    return insertClaim(control);
}

void HiveWriterLock::release() {
    if (!held_)
        return;
    held_ = false;
    (void)removeClaims({token_}, BatchControl{});
}

} // namespace syncscope

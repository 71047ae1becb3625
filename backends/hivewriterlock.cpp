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
    , owner_(randomToken()) {}

Status HiveWriterLock::ensureTable(const BatchControl& control) {
    if (tableReady_)
        return success();
    if (Status s = run_(QStringLiteral("creating the writer lock table"),
                        std::string("CREATE TABLE IF NOT EXISTS ") + kTable +
                            " (token STRING, owner STRING, host STRING, machine STRING, "
                            "boot_id STRING, pid BIGINT, process_start BIGINT, at_ms BIGINT, "
                            "released BIGINT)",
                        control, {});
        !s)
        return s;
    tableReady_ = true;
    return success();
}

std::string HiveWriterLock::claimStatement(int64_t now) const {
    return std::string("INSERT INTO ") + kTable + " VALUES (" + hiveStringLiteral(token_) + ", " +
           hiveStringLiteral(owner_) + ", " + hiveStringLiteral(self_.host) + ", " +
           hiveStringLiteral(self_.machine) + ", " + hiveStringLiteral(self_.bootId) + ", " +
           std::to_string(self_.pid) + ", " + std::to_string(self_.startTicks) + ", " +
           std::to_string(now) + ", 0)";
}

Status HiveWriterLock::insertClaim(const BatchControl& control) {
    const int64_t now = nowMs();
    Status s = run_(QStringLiteral("claiming the writer lock"), claimStatement(now), control, {});
    if (s)
        lastClaimMs_ = now;
    return s;
}

// A release row carries only its token, its time and the flag: folded with the claim's row by
// MAX, its empty texts and zeros give way to the claim's.
Status HiveWriterLock::releaseClaims(std::vector<std::string> tokens, const BatchControl& control) {
    tokens.insert(tokens.end(), owed_.begin(), owed_.end());
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    if (tokens.empty())
        return success();
    const std::string now = std::to_string(nowMs());
    std::string values;
    for (const std::string& t : tokens)
        values += (values.empty() ? "" : ", ") + std::string("(") + hiveStringLiteral(t) +
                  ", '', '', '', '', 0, 0, " + now + ", 1)";
    Status s = run_(QStringLiteral("releasing the writer lock"),
                    std::string("INSERT INTO ") + kTable + " VALUES " + values, control, {});
    owed_ = s ? std::vector<std::string>{} : tokens;
    return s;
}

Result<std::vector<HiveWriterClaim>> HiveWriterLock::readClaims(const BatchControl& control) {
    std::vector<HiveWriterClaim> claims;
    const int64_t oldest = nowMs() - 2 * timing_.leaseMs;
    if (Status s = run_(QStringLiteral("reading the writer lock"),
                        std::string("SELECT token, MAX(owner), MAX(host), MAX(machine), "
                                    "MAX(boot_id), MAX(pid), MAX(process_start), MAX(at_ms), "
                                    "MAX(released) FROM ") +
                            kTable + " WHERE at_ms > " + std::to_string(oldest) + " GROUP BY token",
                        control,
                        [&](HiveRows&& rows) {
                            for (size_t i = 0; i < rows.rows(); ++i) {
                                HiveWriterClaim c;
                                c.token = asText(rows.at(i, 0));
                                c.owner = asText(rows.at(i, 1));
                                c.process.host = asText(rows.at(i, 2));
                                c.process.machine = asText(rows.at(i, 3));
                                c.process.bootId = asText(rows.at(i, 4));
                                c.process.pid = asInt(rows.at(i, 5));
                                c.process.startTicks = asInt(rows.at(i, 6));
                                c.claimedMs = asInt(rows.at(i, 7));
                                c.released = asInt(rows.at(i, 8)) != 0;
                                claims.push_back(std::move(c));
                            }
                        });
        !s)
        return s.error();
    return claims;
}

void HiveWriterLock::dropOldRows(const BatchControl& control) {
    (void)run_(QStringLiteral("dropping old writer lock rows"),
               std::string("INSERT OVERWRITE TABLE ") + kTable +
                   " SELECT token, owner, host, machine, boot_id, pid, process_start, at_ms, "
                   "released FROM " +
                   kTable + " WHERE at_ms > " + std::to_string(nowMs() - 2 * timing_.leaseMs),
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
        token_ = randomToken();
        if (Status s = insertClaim(control); !s) {
            owed_.push_back(token_); // it may have landed
            return s;
        }
        Result<std::vector<HiveWriterClaim>> claims = readClaims(control);
        if (!claims) {
            owed_.push_back(token_);
            return claims.error();
        }
        bool mine = false;
        std::vector<std::string> ended; // dead claims, and this lock's own earlier ones
        const HiveWriterClaim* holder = nullptr;
        for (const HiveWriterClaim& c : claims.value()) {
            if (c.released)
                continue;
            if (c.token == token_)
                mine = true;
            else if (c.owner == owner_ ||
                     hiveClaimIsDead(c, livenessOf(c.process), nowMs(), timing_.leaseMs))
                ended.push_back(c.token);
            else
                holder = &c;
        }
        if (mine && !holder) {
            held_ = true;
            (void)releaseClaims(std::move(ended), control); // best effort: others judge too
            if (QRandomGenerator::global()->bounded(64) == 0)
                dropOldRows(control);
            return success();
        }
        // Another live claim, or this one was not read back: step back so the other goes on.
        const QString holderText = holder ? describe(*holder) : QStringLiteral("another writer");
        ended.push_back(token_);
        if (Status s = releaseClaims(std::move(ended), control); !s)
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

HiveWhileRunning HiveWriterLock::keepAlive() {
    return [this](const HiveSideRunner& side) {
        const int64_t now = nowMs();
        if (!held_ || now - lastClaimMs_ < timing_.leaseMs / 4 || now < nextSideTryMs_)
            return;
        // Best effort: a renewal that fails is tried again a little later, and the statement
        // running meanwhile is not disturbed by it.
        if (side(claimStatement(now)).ok())
            lastClaimMs_ = now;
        else
            nextSideTryMs_ = now + std::min<int64_t>(timing_.leaseMs / 16, 10000);
    };
}

void HiveWriterLock::release() {
    if (held_) {
        held_ = false;
        owed_.push_back(token_);
    }
    if (!owed_.empty() && tableReady_)
        (void)releaseClaims({}, BatchControl{});
}

} // namespace syncscope

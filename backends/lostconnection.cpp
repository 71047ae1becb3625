#include "lostconnection.h"

#include <QThread>

#include <algorithm>

namespace syncscope {

LostConnectionWait::LostConnectionWait(QString store, QString location, int attempts)
    : store_(std::move(store))
    , location_(std::move(location))
    , delaysMs_(std::span<const int>(kDelaysMs).first(
          static_cast<size_t>(std::clamp(attempts, 1, kAttempts)))) {}

Status LostConnectionWait::next(const QString& why, const BatchControl& control,
                                const QString& spentSuffix) {
    const auto attempts = static_cast<int>(delaysMs_.size());
    if (attempt_ == attempts)
        return StoreError{store_,
                          QStringLiteral("lost the connection: %1 did not answer again after %2 "
                                         "attempts (%3)")
                                  .arg(location_)
                                  .arg(attempts)
                                  .arg(why.simplified()) +
                              spentSuffix,
                          false};
    const int delay = delaysMs_[static_cast<size_t>(attempt_++)];
    control.notice(QStringLiteral("%1: lost the connection to %2 (%3); trying again in %4 ms "
                                  "(attempt %5 of %6)")
                       .arg(store_, location_, why.simplified())
                       .arg(delay)
                       .arg(attempt_)
                       .arg(attempts));
    for (int waited = 0; waited < delay; waited += 50) {
        if (control.isCanceled())
            return StoreError{store_, QStringLiteral("canceled while the connection was lost"),
                              true};
        QThread::msleep(50);
    }
    return success();
}

} // namespace syncscope

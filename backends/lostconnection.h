#pragma once

#include "store.h"

#include <span>

namespace syncscope {

// What a batch writer says when it gives up on a lost connection.
inline const QString kBatchNotWritten =
    QStringLiteral("; the batch being written when it went away was not written, the ones "
                   "before it were");

// How a store waits out a lost connection before its next attempt (Redis, MongoDB, Hive): a
// notice naming the store, the server, why and the attempt, then a pause that doubles each
// time, cut short by a cancel. One object per call that may retry.
class LostConnectionWait {
public:
    LostConnectionWait(QString store, QString location,
                       std::span<const int> delaysMs = kDefaultDelaysMs);

    // Waits before the next attempt. An error when the caller canceled, or when the attempts
    // are spent: "<location> did not answer again after <n> attempts (<why>)" + `spentSuffix`.
    Status next(const QString& why, const BatchControl& control, const QString& spentSuffix = {});
    // Whether any wait happened: the caller then says it is connected again.
    bool waited() const { return attempt_ > 0; }

    static constexpr int kDefaultDelaysValues[] = {250, 500, 1000, 2000, 4000, 8000};
    static constexpr std::span<const int> kDefaultDelaysMs{kDefaultDelaysValues};

private:
    QString store_, location_;
    std::span<const int> delaysMs_;
    int attempt_ = 0;
};

} // namespace syncscope

#pragma once

#include "store.h"

#include <iterator>
#include <span>

namespace syncscope {

// What a batch writer says when it gives up on a lost connection.
inline const QString kBatchNotWritten =
    QStringLiteral("; the batch being written when it went away was not written, the ones "
                   "before it were");

// How a store waits out a lost connection before its next attempt (every backend: SQL servers,
// Redis, MongoDB, Hive): a notice naming the store, the server, why and the attempt, then a
// pause that doubles each time, cut short by a cancel. One object per call that may retry.
class LostConnectionWait {
public:
    // The pauses, in order: 250 ms doubling to 8 s (15.75 s in all).
    static constexpr int kDelaysMs[] = {250, 500, 1000, 2000, 4000, 8000};
    static constexpr int kAttempts = static_cast<int>(std::size(kDelaysMs));

    // `attempts` (1 to kAttempts) takes the first pauses only.
    LostConnectionWait(QString store, QString location, int attempts = kAttempts);

    // Waits before the next attempt. An error when the caller canceled, or when the attempts
    // are spent: "<location> did not answer again after <n> attempts (<why>)" + `spentSuffix`.
    Status next(const QString& why, const BatchControl& control, const QString& spentSuffix = {});
    // Whether any wait happened: the caller then says it is connected again.
    bool waited() const { return attempt_ > 0; }

private:
    QString store_, location_;
    std::span<const int> delaysMs_;
    int attempt_ = 0;
};

} // namespace syncscope

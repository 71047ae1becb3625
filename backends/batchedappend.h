#pragma once

#include "store.h"

#include <algorithm>

namespace syncscope {

// Store::append's frame, the same for every backend: every record is checked before any is
// written (bad input changes nothing), then the records go in batches of `size`, canceled
// only between batches, with progress after each. `writeBatch(span)` writes one batch whole or
// not at all and returns its Status.
template <class WriteBatch>
Status appendInBatches(const QString& store, std::span<const LogRecord> records, size_t size,
                       const BatchControl& control, WriteBatch writeBatch) {
    for (const LogRecord& rec : records)
        if (const std::string problem = recordProblem(rec); !problem.empty())
            return StoreError{store,
                              QStringLiteral("refused a batch, nothing written: ") +
                                  QString::fromStdString(problem),
                              false};
    const size_t total = records.size();
    for (size_t done = 0; done < total;) {
        if (control.isCanceled())
            return StoreError{
                store, QStringLiteral("canceled after %1 of %2 entries").arg(done).arg(total),
                true};
        const size_t n = std::min(size, total - done);
        if (Status s = writeBatch(records.subspan(done, n)); !s)
            return s;
        done += n;
        control.progress(static_cast<qint64>(done), static_cast<qint64>(total));
    }
    return success();
}

} // namespace syncscope

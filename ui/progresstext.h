#pragma once

#include "store.h"

#include <QString>

namespace syncscope {

// The one wording of a long job's progress line, wherever it shows (Merge dialog, Import):
// "1200 of 5000 rows imported, 830 per second, 5 s left".
QString progressText(qint64 done, qint64 total, const QString& what, double perSecond,
                     double secondsLeft);
// "<1 s", "42 s", "3 min".
QString durationText(double seconds);
// Where a capture from a server's log stands, as the store panel and the Follow dock say it:
// "log at LSN 0/1A2B3C, lag 12 ms", "log at mariadb-bin.000003:4242, lag < 1 s", or
// "log, not reading: WHY".
QString captureText(const CaptureProgress& progress);

} // namespace syncscope

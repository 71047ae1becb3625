#pragma once

#include <QString>

namespace syncscope {

// The one wording of a long job's progress line, wherever it shows (Merge dialog, Import):
// "1200 of 5000 rows imported, 830 per second, 5 s left".
QString progressText(qint64 done, qint64 total, const QString& what, double perSecond,
                     double secondsLeft);
// "<1 s", "42 s", "3 min".
QString durationText(double seconds);

} // namespace syncscope

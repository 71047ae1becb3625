#include "progresstext.h"

namespace syncscope {

QString durationText(double s) {
    if (s < 1)
        return QStringLiteral("<1 s");
    if (s < 90)
        return QStringLiteral("%1 s").arg(qRound(s));
    return QStringLiteral("%1 min").arg(qRound(s / 60));
}

QString progressText(qint64 done, qint64 total, const QString& what, double perSecond,
                     double secondsLeft) {
    return QStringLiteral("%1 of %2 %3, %4 per second, %5 left")
        .arg(done)
        .arg(total)
        .arg(what)
        .arg(qRound64(perSecond))
        .arg(durationText(secondsLeft));
}

} // namespace syncscope

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

QString captureText(const CaptureProgress& p) {
    if (!p.waiting.isEmpty())
        return QStringLiteral("log, not reading: ") + p.waiting;
    QString text = QStringLiteral("log");
    if (!p.position.isEmpty())
        text += QStringLiteral(" at ") + p.position;
    if (p.lagMs < 0)
        return text;
    if (p.lagMs < p.lagResolutionMs)
        return text + QStringLiteral(", lag < %1")
                          .arg(p.lagResolutionMs >= 1000
                                   ? durationText(double(p.lagResolutionMs) / 1000)
                                   : QStringLiteral("%1 ms").arg(p.lagResolutionMs));
    return text + QStringLiteral(", lag ") +
           (p.lagMs < 1000 ? QStringLiteral("%1 ms").arg(p.lagMs)
                           : durationText(double(p.lagMs) / 1000));
}

} // namespace syncscope

#include "conflictexplain.h"

#include "identifiers.h"

#include <QStringList>

namespace syncscope {

namespace {

// A grade as a script would spell it: bare when it can be, else quoted ("A, really").
QString grade(const ConflictSnapshot& s, const Write& w) {
    return QString::fromStdString(scriptLiteral(s.value(w)));
}

// "SQL", "SQL and HIVE", "SQL, HIVE and MONGO"
QString joinNames(const QStringList& names) {
    if (names.size() <= 1)
        return names.join(QString());
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") +
           names.last();
}

QStringList storesIn(const ConflictSnapshot& s, uint32_t mask) {
    QStringList out;
    for (size_t i = 0; i < s.storeCount(); ++i)
        if (mask & (1u << i))
            out << QString::fromUtf8(s.storeName(i));
    return out;
}

// Every message is built with one multi-argument arg() call: chained arg() calls would
// substitute into a grade that happens to contain "%1".
template <class N>
QString num(N n) {
    return QString::number(n);
}

QString valueOrNothing(const ConflictSnapshot& s, const Write& w) {
    return w.isTombstone() ? QStringLiteral("nothing (the key is deleted)") : grade(s, w);
}
} // namespace

QString conflictKindName(ConflictKind kind) {
    switch (kind) {
    case ConflictKind::Identical:
        return QStringLiteral("identical");
    case ConflictKind::Missing:
        return QStringLiteral("missing");
    case ConflictKind::FastForward:
        return QStringLiteral("fast-forward");
    case ConflictKind::Concurrent:
        return QStringLiteral("concurrent");
    }
    return {};
}

QString describeWrite(const ConflictSnapshot& s, const Write& w) {
    if (w.isNone())
        return QStringLiteral("no write");
    if (s.isSeed(w))
        return w.isTombstone()
                   ? QStringLiteral("the CSV seed (row %1)").arg(num(w.seq))
                   : QStringLiteral("the CSV seed %1 (row %2)").arg(grade(s, w), num(w.seq));
    if (w.isTombstone())
        return QStringLiteral("%1's DELETE at t=%2").arg(QString::fromUtf8(s.origin(w)), num(w.ts));
    return QStringLiteral("%1's SET of %2 at t=%3")
        .arg(QString::fromUtf8(s.origin(w)), grade(s, w), num(w.ts));
}

QString whyGreater(const ConflictSnapshot& s, const Write& a, const Write& b) {
    if (a.ts != b.ts)
        return QStringLiteral("t=%1 is later than t=%2").arg(num(a.ts), num(b.ts));
    if (s.origin(a) != s.origin(b))
        return QStringLiteral("both are at t=%1, and the tie breaks on the origin's name: %2 "
                              "sorts after %3")
            .arg(num(a.ts), QString::fromUtf8(s.origin(a)), QString::fromUtf8(s.origin(b)));
    return QStringLiteral("both are %1's at t=%2, and its seq %3 comes after %4")
        .arg(QString::fromUtf8(s.origin(a)), num(a.ts), num(a.seq), num(b.seq));
}

QString explainConflict(const ConflictSnapshot& s, size_t r) {
    const KeyConflict& c = s.row(r);
    const Write& win = s.winner(r);
    const uint32_t all = s.storeCount() >= 32 ? ~0u : (1u << s.storeCount()) - 1;
    const QStringList holders = storesIn(s, all & ~c.differs);
    QStringList out;

    if (c.kind == ConflictKind::Missing) {
        out << QStringLiteral("%1 never received a write for this key. %2 %3 %4; merging copies "
                              "it, and nothing is lost.")
                   .arg(joinNames(storesIn(s, c.absent)), joinNames(holders),
                        holders.size() == 1 ? QStringLiteral("holds") : QStringLiteral("hold"),
                        describeWrite(s, win));
    } else {
        out << QStringLiteral("Last-writer-wins keeps %1, held by %2.")
                   .arg(describeWrite(s, win), joinNames(holders));
        // Each other distinct write once, with the stores that hold it.
        std::vector<size_t> firstHolder;
        for (size_t i = 0; i < s.storeCount(); ++i) {
            const Write& w = s.cell(r, i);
            if (!(c.differs & (1u << i)) || w.isNone())
                continue;
            bool seen = false;
            for (size_t j : firstHolder)
                seen = seen || s.cell(r, j).sameWrite(w);
            if (!seen)
                firstHolder.push_back(i);
        }
        for (size_t i : firstHolder) {
            const Write& w = s.cell(r, i);
            uint32_t mask = 0;
            for (size_t j = 0; j < s.storeCount(); ++j)
                if (s.cell(r, j).sameWrite(w))
                    mask |= 1u << j;
            const QString loser = describeWrite(s, w);
            const QString where = joinNames(storesIn(s, mask));
            if (c.discarded & (1u << i)) {
                out << QStringLiteral("It beats %1 (held by %2): %3. They are concurrent: %4 had "
                                      "not received it when it wrote %5, so %6 is discarded "
                                      "without anyone having seen it.")
                           .arg(loser, where, whyGreater(s, win, w),
                                QString::fromUtf8(s.origin(win)),
                                win.isTombstone() ? QStringLiteral("its DELETE") : grade(s, win),
                                w.isTombstone() ? QStringLiteral("the DELETE (the key comes "
                                                                 "back)")
                                                : grade(s, w));
            } else {
                out << QStringLiteral("It follows %1 (held by %2): %3 had received that write "
                                      "before writing, so %2 fast-forwards and nothing unseen is "
                                      "lost.")
                           .arg(loser, where, QString::fromUtf8(s.origin(win)));
            }
        }
        if (c.absent) {
            const QStringList absent = storesIn(s, c.absent);
            out << QStringLiteral("%1 never received a write for this key: the merge writes the "
                                  "winner into %2.")
                       .arg(joinNames(absent), absent.size() == 1 ? QStringLiteral("it")
                                                                  : QStringLiteral("each of them"));
        }
    }
    if (win.isTombstone())
        out << QStringLiteral("The winner is a DELETE: after the merge the key is absent "
                              "everywhere, and the tombstone stays so a late older SET cannot "
                              "bring it back.");
    out << QStringLiteral("After the merge every store holds %1.").arg(valueOrNothing(s, win));
    return out.join(QLatin1Char(' '));
}

QString explainStaleRead(const ConflictSnapshot& s, const ConflictSnapshot::StaleReadRow& r) {
    const QString store = QString::fromUtf8(s.storeName(r.store));
    const QString shown = r.stale.shown.isNone() || r.stale.shown.isTombstone()
                              ? QStringLiteral("NULL")
                              : grade(s, r.stale.shown);
    return QStringLiteral("%1's GET(%2,%3) at t=%4 returned %5 although %1 had since received %6: "
                          "that write arrived later but lost to %7 because %8. A client that "
                          "made it does not read its own write.")
        .arg(store, QString::fromUtf8(r.studentId), QString::fromUtf8(r.courseId),
             num(r.stale.read.ts), shown, describeWrite(s, r.stale.hidden),
             describeWrite(s, r.stale.shown), whyGreater(s, r.stale.shown, r.stale.hidden));
}

} // namespace syncscope

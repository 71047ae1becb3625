#include "mergeoutcome.h"

#include "identifiers.h"
#include "recordconversion.h"

#include <algorithm>
#include <optional>
#include <string>

namespace syncscope {

namespace {

QString describeRecord(const GradeRecord* g) {
    if (g == nullptr)
        return QStringLiteral("no row");
    return QStringLiteral("%1 @t=%2 (%3)")
        .arg(g->deleted ? QStringLiteral("deleted")
                        : QString::fromStdString(scriptLiteral(g->value)),
             QString::number(g->ts), QString::fromStdString(g->origin));
}

} // namespace

// Walks the expected rows (sorted) against the store's rows (sorted the same way).
QStringList storeDifferences(const QString& store, const std::vector<GradeRecord>& expected,
                             const std::vector<GradeRecord>& actual, qint64& count) {
    QStringList lines;
    size_t j = 0;
    for (const GradeRecord& e : expected) {
        while (j < actual.size() && keyLess(actual[j], e))
            ++j;
        const GradeRecord* a = j < actual.size() && !keyLess(e, actual[j]) ? &actual[j] : nullptr;
        const bool same = a != nullptr && a->deleted == e.deleted && a->ts == e.ts &&
                          a->origin == e.origin && (e.deleted || a->value == e.value);
        if (same)
            continue;
        ++count;
        if (lines.size() < 20)
            lines << QStringLiteral("%1 (%2,%3): the plan put %4 there, the store holds %5")
                         .arg(store, QString::fromStdString(e.studentId),
                              QString::fromStdString(e.courseId), describeRecord(&e),
                              describeRecord(a));
    }
    return lines;
}

// The audit rows of plan.writes[from, end), just applied: each target's value before and after.
// Made straight from the engine's interned strings, with no QString per row.
AuditKeyRows auditRowsFor(const MergePlan& plan, size_t from, size_t end, const Engine& e,
                          const AuditEntry& keyRow, const ManualPicks& picks) {
    const Catalog& c = e.catalog();
    const auto value = [&c](const Write& w) -> std::optional<std::string_view> {
        if (w.isNone() || w.isTombstone())
            return std::nullopt;
        return c.value(w.value);
    };
    AuditKeyRows rows(keyRow);
    rows.reserve(end - from, 128); // a row's own fields take about 110 bytes
    std::string detail;
    std::string note;
    for (size_t i = from; i < end; ++i) {
        const PlannedWrite& pw = plan.writes[i];
        const Replica& target = e.replica(plan.request.targets[pw.target]);
        const Write& now = target.state.at(pw.key);
        // Formatted by hand: a million QJsonDocuments cost more than the store write. Store
        // names are identifiers ([A-Z0-9_]), nothing in them needs escaping.
        detail.assign("{\"before_ts\":");
        detail += std::to_string(pw.before.ts);
        detail += ",\"after_ts\":";
        detail += std::to_string(now.ts);
        detail += ",\"after_origin\":\"";
        if (!now.isNone())
            detail += c.names().view(now.origin);
        detail += pw.decision ? "\",\"new_write\":true}" : "\",\"new_write\":false}";
        std::optional<std::string_view> noted;
        if (!picks.empty()) {
            const auto pick = picks.find(
                {QString::fromUtf8(c.studentId(pw.key)), QString::fromUtf8(c.courseId(pw.key))});
            if (pick != picks.end() && !pick->second.note.isNull()) {
                note = pick->second.note.toStdString();
                noted = note;
            }
        }
        rows.add({detail, target.name, c.studentId(pw.key), c.courseId(pw.key), value(pw.before),
                  value(now),
                  pw.picked >= 0 ? std::string_view(e.replica(static_cast<size_t>(pw.picked)).name)
                                 : std::string_view("typed"),
                  decisionReasonId(pw.reason), noted});
    }
    return rows;
}

// Copied at the plan's last batch: a few ms for a million keys, where turning them into sorted
// rows takes a second, which verify() spends later instead of the apply.
FinalWrites finalWrites(const MergePlan& plan, const Engine& e) {
    FinalWrites out;
    for (size_t t = 0; t < plan.request.targets.size(); ++t) {
        const size_t replica = plan.request.targets[t];
        const Replica& target = e.replica(replica);
        std::vector<Write> writes;
        for (const PlannedWrite& pw : plan.writes)
            if (pw.target == t)
                writes.push_back(target.state.at(pw.key));
        out.emplace_back(replica, std::move(writes));
    }
    return out;
}

// What each target holds for the keys the plan wrote, sorted as a store lists its rows.
std::shared_ptr<const ExpectedRows> expectedRows(const FinalWrites& writes, const Engine& e) {
    auto expected = std::make_shared<ExpectedRows>();
    for (const auto& [replica, states] : writes) {
        std::vector<GradeRecord> rows;
        rows.reserve(states.size());
        for (const Write& w : states)
            rows.push_back(toGradeRecord(w.key, w, e.catalog()));
        std::sort(rows.begin(), rows.end(), keyLess);
        expected->emplace_back(QString::fromStdString(e.replica(replica).name), std::move(rows));
    }
    return expected;
}

} // namespace syncscope

#include "storeverify.h"

#include "displaytext.h"
#include "identifiers.h"
#include "writeidentities.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <tuple>

namespace syncscope {

namespace {

std::string mapKey(const std::string& sid, const std::string& cid) {
    return sid + '\n' + cid;
}

// "A (ts 5, SQL:3)", or "deleted (ts 5, SQL:3)".
std::string spellWrite(bool deleted, const std::string& value, int64_t ts,
                       const std::string& origin, uint64_t seq) {
    return (deleted ? std::string("deleted") : displayText(value)) + " (ts " + std::to_string(ts) +
           ", " + origin + ':' + std::to_string(seq) + ')';
}

// Why a row breaks docs/script-language.md's data rules, or empty.
std::string rowProblem(const GradeRecord& r) {
    if (!isValidIdentifier(r.studentId))
        return "invalid student id";
    if (!isValidIdentifier(r.courseId))
        return "invalid course id";
    if (!r.deleted)
        if (const char* problem = valueProblem(r.value))
            return problem;
    if (r.origin != kSeedOrigin && !isCanonicalStoreName(r.origin))
        return "invalid origin '" + r.origin + "'";
    return {};
}

QString q(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

const char* verifyKindName(VerifyFinding::Kind kind) {
    switch (kind) {
    case VerifyFinding::Kind::Missing:
        return "missing";
    case VerifyFinding::Kind::Differs:
        return "differs";
    case VerifyFinding::Kind::Duplicate:
        return "duplicate";
    case VerifyFinding::Kind::Corrupted:
        return "corrupted";
    case VerifyFinding::Kind::AgainstOplog:
        return "oplog";
    case VerifyFinding::Kind::LoggedTwice:
        return "logged-twice";
    case VerifyFinding::Kind::IdentityReused:
        return "identity-reused";
    case VerifyFinding::Kind::AheadOfOrigin:
        return "ahead-of-origin";
    }
    return "?";
}

VerifyCheck::VerifyCheck(std::vector<std::string> stores, bool againstOplog)
    : againstOplog_(againstOplog)
    , greatest_(stores.size())
    , ownSeqs_(stores.size())
    , oplogSet_(stores.size(), 0)
    , writtenBack_(stores.size()) {
    for (std::string& s : stores) {
        VerifyStoreSummary summary;
        summary.name = std::move(s);
        report_.stores.push_back(std::move(summary));
    }
}

size_t VerifyCheck::storeNamed(const std::string& origin) const {
    for (size_t s = 0; s < report_.stores.size(); ++s)
        if (report_.stores[s].name == origin)
            return s;
    return static_cast<size_t>(-1);
}

bool VerifyCheck::originHolds(size_t origin, uint64_t seq) const {
    return std::binary_search(ownSeqs_[origin].begin(), ownSeqs_[origin].end(), seq);
}

void VerifyCheck::reportAheadOfOrigin(size_t store, size_t origin, const LogRecord& r) {
    // Each store holding it is named; it is written back once.
    if (writtenBack_[origin].insert(r.seq).second)
        report_.missingFromOrigin.push_back({origin, r});
    const std::string& originName = report_.stores[origin].name;
    add(VerifyFinding::Kind::AheadOfOrigin, report_.stores[store].name, r.studentId, r.courseId,
        "holds the write " + spellWrite(!r.hasValue, r.value, r.ts, r.origin, r.seq) +
            " but its origin " + originName +
            "'s oplog does not (left by a crash before the copy's origin had it; verify --repair "
            "writes it back into " +
            originName + ")");
}

void VerifyCheck::setOplog(size_t store, const std::vector<LogRecord>& log) {
    report_.stores[store].oplogEntries = static_cast<int64_t>(log.size());
    auto& greatest = greatest_[store];
    WriteIdentities seen;
    const std::string& name = report_.stores[store].name;
    std::vector<uint64_t>& own = ownSeqs_[store];
    for (const LogRecord& r : log)
        if (r.isWrite() && r.origin == name)
            own.push_back(r.seq);
    std::sort(own.begin(), own.end());
    own.erase(std::unique(own.begin(), own.end()), own.end());
    oplogSet_[store] = 1;
    const std::string* lastOrigin = nullptr;
    size_t origin = static_cast<size_t>(-1);
    std::unordered_set<std::string> named; // "origin:seq" this store was named for
    for (const LogRecord& r : log) {
        if (!r.isWrite())
            continue;
        if (!lastOrigin || *lastOrigin != r.origin) {
            lastOrigin = &r.origin;
            origin = r.origin == name ? store : storeNamed(r.origin);
        }
        if (origin != store && origin != static_cast<size_t>(-1)) {
            if (!oplogSet_[origin])
                deferred_.push_back({origin, r.seq, store});
            else if (!originHolds(origin, r.seq) &&
                     named.insert(r.origin + ':' + std::to_string(r.seq)).second)
                reportAheadOfOrigin(store, origin, r);
        }
        const WriteIdentities::Held before = seen.find(r);
        seen.insert(r);
        const std::string spelled = spellWrite(!r.hasValue, r.value, r.ts, r.origin, r.seq);
        if (before == WriteIdentities::Held::Same)
            add(VerifyFinding::Kind::LoggedTwice, name, r.studentId, r.courseId,
                "the oplog holds the write " + spelled + " more than once: a change applied twice");
        const uint64_t digest = WriteIdentities::digest(r);
        auto [first, unseen] = identities_[r.origin].try_emplace(r.seq, FirstHeld{digest, store});
        if (!unseen && first->second.digest != digest && r.origin != kSeedOrigin)
            reused_.insert(r.origin + ':' + std::to_string(r.seq));
        if (!unseen && first->second.digest != digest && r.origin != kSeedOrigin)
            add(VerifyFinding::Kind::IdentityReused, name, r.studentId, r.courseId,
                "the identity " + r.origin + ':' + std::to_string(r.seq) +
                    " names two writes: " + spelled + " here and another write " +
                    (first->second.store == store
                         ? std::string("earlier in this oplog")
                         : "in " + report_.stores[first->second.store].name) +
                    " (a write identity was given twice; repair by hand from the audit of both)");
        auto [it, fresh] = greatest.try_emplace(mapKey(r.studentId, r.courseId));
        Greatest& g = it->second;
        if (!fresh && std::tie(r.ts, r.origin, r.seq) <= std::tie(g.ts, g.origin, g.seq))
            continue;
        g = {r.value, !r.hasValue, r.ts, r.origin, r.seq};
    }
}

void VerifyCheck::add(VerifyFinding::Kind kind, const std::string& store, const std::string& sid,
                      const std::string& cid, std::string detail) {
    ++report_.findingCount;
    if (report_.findings.size() < VerifyReport::kMaxFindings)
        report_.findings.push_back({kind, store, sid, cid, std::move(detail)});
}

void VerifyCheck::checkAgainstOplog(size_t store, const GradeRecord& row) {
    const std::string& name = report_.stores[store].name;
    auto& greatest = greatest_[store];
    const auto it = greatest.find(mapKey(row.studentId, row.courseId));
    const std::string holds =
        "the row holds " + spellWrite(row.deleted, row.value, row.ts, row.origin, row.seq);
    if (it == greatest.end()) {
        add(VerifyFinding::Kind::AgainstOplog, name, row.studentId, row.courseId,
            holds + " but the oplog has no write of the key");
        return;
    }
    const Greatest& g = it->second;
    const bool same = g.deleted == row.deleted && (g.deleted || g.value == row.value) &&
                      g.ts == row.ts && g.origin == row.origin && g.seq == row.seq;
    if (!same)
        add(VerifyFinding::Kind::AgainstOplog, name, row.studentId, row.courseId,
            holds + " but the oplog's greatest write is " +
                spellWrite(g.deleted, g.value, g.ts, g.origin, g.seq));
    greatest.erase(it);
}

void VerifyCheck::compareKey(const std::vector<std::vector<const GradeRecord*>>& rowsPerStore) {
    const GradeRecord* any = nullptr;
    for (const auto& rows : rowsPerStore)
        if (!rows.empty())
            any = rows.front();
    if (!any)
        return;
    const std::string sid = any->studentId, cid = any->courseId;
    std::vector<const std::string*> live(rowsPerStore.size(), nullptr);
    for (size_t s = 0; s < rowsPerStore.size(); ++s) {
        const auto& rows = rowsPerStore[s];
        VerifyStoreSummary& summary = report_.stores[s];
        summary.rows += static_cast<int64_t>(rows.size());
        if (rows.empty())
            continue;
        if (rows.size() > 1)
            add(VerifyFinding::Kind::Duplicate, summary.name, sid, cid,
                std::to_string(rows.size()) + " rows for one key");
        const GradeRecord& row = *rows.front();
        if (const std::string problem = rowProblem(row); !problem.empty())
            add(VerifyFinding::Kind::Corrupted, summary.name, sid, cid, problem);
        if (againstOplog_)
            checkAgainstOplog(s, row);
        if (row.deleted) {
            ++summary.deleted;
        } else {
            ++summary.live;
            live[s] = &row.value;
        }
    }
    std::string having, lacking, values;
    bool differ = false;
    const std::string* first = nullptr;
    for (size_t s = 0; s < live.size(); ++s) {
        const std::string& name = report_.stores[s].name;
        std::string& list = live[s] ? having : lacking;
        list += (list.empty() ? "" : ", ") + name;
        if (!live[s])
            continue;
        values += (values.empty() ? "" : ", ") + name + '=' + displayText(*live[s]);
        if (first && *first != *live[s])
            differ = true;
        if (!first)
            first = live[s];
    }
    if (!having.empty() && !lacking.empty())
        add(VerifyFinding::Kind::Missing, {}, sid, cid,
            "live in " + having + "; missing from " + lacking);
    else if (differ)
        add(VerifyFinding::Kind::Differs, {}, sid, cid, values);
}

std::vector<size_t> VerifyCheck::storesToReadAgain() {
    std::sort(deferred_.begin(), deferred_.end(), [](const Deferred& a, const Deferred& b) {
        return std::tie(a.origin, a.seq, a.holder) < std::tie(b.origin, b.seq, b.holder);
    });
    std::vector<size_t> stores;
    for (size_t i = 0; i < deferred_.size(); ++i) {
        const Deferred& d = deferred_[i];
        if (i > 0 && deferred_[i - 1].origin == d.origin && deferred_[i - 1].seq == d.seq &&
            deferred_[i - 1].holder == d.holder)
            continue; // the store holds the copy twice
        if (originHolds(d.origin, d.seq))
            continue;
        unresolved_[d.holder].emplace_back(d.origin, d.seq);
        if (std::find(stores.begin(), stores.end(), d.holder) == stores.end())
            stores.push_back(d.holder);
    }
    deferred_ = {};
    std::sort(stores.begin(), stores.end());
    return stores;
}

void VerifyCheck::resolveAheadOfOrigin(size_t store, const std::vector<LogRecord>& log) {
    std::vector<std::pair<size_t, uint64_t>> wanted = std::move(unresolved_[store]);
    unresolved_.erase(store);
    std::sort(wanted.begin(), wanted.end());
    for (const LogRecord& r : log) {
        if (!r.isWrite())
            continue;
        const size_t origin = storeNamed(r.origin);
        const auto it = std::lower_bound(wanted.begin(), wanted.end(), std::pair{origin, r.seq});
        if (it == wanted.end() || *it != std::pair{origin, r.seq})
            continue;
        reportAheadOfOrigin(store, origin, r);
        wanted.erase(it);
    }
}

void VerifyCheck::addUnaccounted(size_t store, const std::string& sid, const std::string& cid,
                                 std::string detail) {
    add(VerifyFinding::Kind::Corrupted, report_.stores[store].name, sid, cid, std::move(detail));
}

VerifyReport VerifyCheck::finish() {
    // A write whose identity names another write elsewhere is not written back: which of the
    // two is the origin's is a person's choice (identity-reused says so).
    std::erase_if(report_.missingFromOrigin, [this](const VerifyReport::MissingFromOrigin& m) {
        const bool clash = reused_.contains(m.write.origin + ':' + std::to_string(m.write.seq));
        report_.heldBackFromRepair += clash ? 1 : 0;
        return clash;
    });
    for (size_t s = 0; s < greatest_.size(); ++s) {
        // Sorted, so the report reads in key order.
        std::vector<std::pair<std::string, const Greatest*>> left;
        for (const auto& [key, g] : greatest_[s])
            if (!g.deleted) // a delete may take the row with it (MariaDB's outside DELETE)
                left.emplace_back(key, &g);
        std::sort(left.begin(), left.end());
        for (const auto& [key, g] : left) {
            const size_t cut = key.find('\n');
            add(VerifyFinding::Kind::AgainstOplog, report_.stores[s].name, key.substr(0, cut),
                key.substr(cut + 1),
                "the oplog's greatest write is " +
                    spellWrite(false, g->value, g->ts, g->origin, g->seq) + " but no row holds it");
        }
        greatest_[s].clear();
    }
    return std::move(report_);
}

std::string VerifyReport::text() const {
    std::string out;
    for (const VerifyStoreSummary& s : stores)
        out += "store " + s.name + ": " + std::to_string(s.live) + " live keys, " +
               std::to_string(s.deleted) + " deleted, " + std::to_string(s.rows) + " rows read, " +
               std::to_string(s.oplogEntries) + " oplog entries\n";
    if (checksums.ranges > 0) {
        out += "compared by checksums over " + std::to_string(checksums.ranges) +
               " key-hash ranges: " + std::to_string(checksums.differingRanges) + " differ; " +
               std::to_string(rowsTransferred()) + " rows transferred (";
        for (size_t s = 0; s < stores.size(); ++s)
            out += (s ? ", " : "") + stores[s].name + ' ' + std::to_string(stores[s].rows);
        out += ")\n";
    }
    for (const VerifyFinding& f : findings) {
        out += verifyKindName(f.kind);
        out += ' ';
        if (!f.store.empty())
            out += f.store + ' ';
        out += spellKey(f.studentId, f.courseId) + ": " + f.detail + '\n';
    }
    if (findingCount > static_cast<int64_t>(findings.size()))
        out += "… and " + std::to_string(findingCount - static_cast<int64_t>(findings.size())) +
               " more\n";
    out += findingCount == 0 ? std::string("verify: no differences\n")
                             : "verify: " + std::to_string(findingCount) + " finding" +
                                   (findingCount == 1 ? "" : "s") + '\n';
    return out;
}

std::string VerifyReport::json() const {
    QJsonArray storeList;
    for (const VerifyStoreSummary& s : stores)
        storeList.append(
            QJsonObject{{QStringLiteral("name"), q(s.name)},
                        {QStringLiteral("live"), static_cast<qint64>(s.live)},
                        {QStringLiteral("deleted"), static_cast<qint64>(s.deleted)},
                        {QStringLiteral("rows"), static_cast<qint64>(s.rows)},
                        {QStringLiteral("oplog_entries"), static_cast<qint64>(s.oplogEntries)}});
    QJsonArray findingList;
    for (const VerifyFinding& f : findings) {
        QJsonObject o{{QStringLiteral("kind"), QString::fromLatin1(verifyKindName(f.kind))},
                      {QStringLiteral("student_id"), q(f.studentId)},
                      {QStringLiteral("course_id"), q(f.courseId)},
                      {QStringLiteral("detail"), q(f.detail)}};
        if (!f.store.empty())
            o.insert(QStringLiteral("store"), q(f.store));
        findingList.append(o);
    }
    QJsonObject root{{QStringLiteral("clean"), clean()},
                     {QStringLiteral("finding_count"), static_cast<qint64>(findingCount)},
                     {QStringLiteral("stores"), storeList},
                     {QStringLiteral("findings"), findingList}};
    if (checksums.ranges > 0) {
        QJsonArray moved;
        for (const VerifyStoreSummary& s : stores)
            moved.append(static_cast<qint64>(s.rows));
        root.insert(QStringLiteral("checksums"),
                    QJsonObject{{QStringLiteral("ranges"), static_cast<qint64>(checksums.ranges)},
                                {QStringLiteral("differing_ranges"),
                                 static_cast<qint64>(checksums.differingRanges)},
                                {QStringLiteral("rows_transferred"), moved}});
    }
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

} // namespace syncscope

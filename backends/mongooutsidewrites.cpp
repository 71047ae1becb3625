// Writes another client makes to a MongoDB store (`db.grades.updateOne(…, {$set: {grade:
// "B"}})`, an insert, a delete) reach its oplog.
//
// A standalone server has no change streams (and a replica set's are not used yet), so the
// store compares: every row Syncscope writes carries a fingerprint of its fields (`h`), and a
// comparison reads every grade row. A row whose fingerprint does not match its fields, or that
// has none, is an outside SET of its grade (or a DELETE where the grade is null); a key the log
// says has a row but which has none was deleted outside. Each is logged as the SQL stores'
// triggers log theirs: origin = the store, seq = its greatest own seq + 1, ts = the greatest ts
// in its log + 1 (so it sorts after every write the store has seen), context = the greatest seq
// of each other origin the key's log holds; and the row is rewritten with its fingerprint.
//
// A comparison reads the whole grade collection, so it runs on a timer whose period is four
// times what the last one took, and at least a second: the lag until an outside write shows.
// Two Syncscope processes watching one store would each log the same outside write (MongoDB
// has nothing like Redis's WATCH across collections without a replica set).
#include "batchedappend.h"
#include "mongodocuments.h"
#include "utf8.h"

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <map>

namespace syncscope {

using mongo::Doc;

namespace {
constexpr int kLeastIntervalMs = 1000;
constexpr int kMostIntervalMs = 60000;

} // namespace

Result<bool> MongoStore::watchChanges(std::function<void()> changed,
                                      std::function<void(const QString&)> problem) {
    if (!h_)
        return failure(QStringLiteral("cannot watch for outside writes"), "the store is not open");
    watch_ = std::make_unique<Watch>();
    watch_->context = std::make_unique<QObject>();
    watch_->changed = std::move(changed);
    watch_->problem = std::move(problem);
    if (Status s = learnLog(); !s) {
        watch_.reset();
        return s.error();
    }
    compareLater(); // the first comparison also finds what was written while nobody watched
    return true;
}

void MongoStore::noteWritten(std::span<const LogRecord> written) {
    if (!watch_)
        return;
    const std::string self = options_.name.toStdString();
    for (const LogRecord& r : written) {
        watch_->maxTs = std::max(watch_->maxTs, r.ts);
        if (!r.isWrite())
            continue;
        watch_->keys.emplace(r.studentId, r.courseId);
        if (r.origin == self)
            watch_->ownSeq = std::max(watch_->ownSeq, r.seq);
    }
}

void MongoStore::noteRowGone(const std::string& studentId, const std::string& courseId) {
    if (watch_)
        watch_->keys.erase({studentId, courseId});
}

// The keys that must have a row (every write leaves one, tombstones included), the greatest
// ts, and the greatest seq of the store's own writes: from the whole log, once.
Status MongoStore::learnLog() {
    for (int64_t after = 0;;) {
        Result<std::vector<LogRecord>> page = readOplog(after, 20000, {});
        if (!page)
            return page.error();
        if (page.value().empty())
            return success();
        noteWritten(page.value());
        after = page.value().back().position;
    }
}

void MongoStore::compareLater() {
    QTimer::singleShot(watch_->intervalMs, watch_->context.get(), [this] {
        QElapsedTimer took;
        took.start();
        Result<bool> found = captureOutsideWrites();
        if (!watch_)
            return;
        if (!found)
            watch_->problem(found.error().toString() + QStringLiteral("; comparing again later"));
        else if (found.value())
            watch_->changed();
        // The period follows the comparison's cost; the user hears of it when it moves.
        const int interval =
            std::clamp(static_cast<int>(took.elapsed()) * 4, kLeastIntervalMs, kMostIntervalMs);
        if (watch_->intervalMs == 0 || interval * 2 >= watch_->intervalMs * 3 ||
            interval * 3 <= watch_->intervalMs * 2)
            watch_->problem(QStringLiteral("%1: writes other MongoDB clients make are found by "
                                           "comparing every grade row every %2 s (a comparison "
                                           "takes %3 ms), so they show within about %2 s")
                                .arg(options_.name)
                                .arg(interval / 1000.0, 0, 'f', 1)
                                .arg(took.elapsed()));
        watch_->intervalMs = interval;
        compareLater();
    });
}

Result<bool> MongoStore::captureOutsideWrites() {
    if (!h_)
        return false;
    // Every row: what is not as Syncscope wrote it, and which keys have one.
    std::vector<LogRecord> found;
    std::set<std::pair<std::string, std::string>> present;
    const std::string self = options_.name.toStdString();
    Doc all, opts;
    bson_error_t error;
    const auto report = [&](const std::string& key, const QString& what) {
        if (watch_->reported.insert(key).second)
            watch_->problem(QStringLiteral("%1: another client wrote %2, which is not a valid "
                                           "grade row (%3); it was not logged, and Syncscope's "
                                           "next write of that key replaces it")
                                .arg(options_.name, toQString(key), what));
    };
    if (!mongo::forEach(
            h_->grades.get(), all.get(), opts.get(),
            [&](const bson_t* d) {
                GradeRecord g;
                bool inLayout = false;
                mongo::gradeFrom(d, g, &inLayout);
                if (inLayout) {
                    present.emplace(g.studentId, g.courseId);
                    return true;
                }
                if (g.studentId.empty() || g.courseId.empty()) {
                    char* shown = bson_as_relaxed_extended_json(d, nullptr);
                    report(std::string(shown).substr(0, 120),
                           QStringLiteral("its _id is not {s: <student>, c: <course>}"));
                    bson_free(shown);
                    return true;
                }
                present.emplace(g.studentId, g.courseId);
                LogRecord w;
                w.studentId = g.studentId;
                w.courseId = g.courseId;
                w.origin = self;
                w.seq = 1; // for the check; the real one is given below
                bson_iter_t grade, deleted;
                const bool hasGrade = bson_iter_init_find(&grade, d, "grade");
                if (bson_iter_init_find(&deleted, d, "deleted") && bson_iter_as_bool(&deleted))
                    w.kind = EntryKind::Delete;
                else if (hasGrade && BSON_ITER_HOLDS_UTF8(&grade)) {
                    w.kind = EntryKind::Set;
                    w.value = mongo::stringAt(&grade);
                    w.hasValue = true;
                } else if (!hasGrade || BSON_ITER_HOLDS_NULL(&grade))
                    w.kind = EntryKind::Delete;
                else {
                    report("(" + g.studentId + "," + g.courseId + ")",
                           QStringLiteral("its grade is not a string"));
                    return true;
                }
                if (const std::string why = recordProblem(w); !why.empty()) {
                    report("(" + g.studentId + "," + g.courseId + ")", toQString(why));
                    return true;
                }
                found.push_back(std::move(w));
                return true;
            },
            error))
        return failure(QStringLiteral("cannot compare the grade rows"), error.message);
    // Keys the log gave a row that has gone: deleted outside.
    for (const auto& [s, c] : watch_->keys)
        if (!present.count({s, c})) {
            LogRecord d;
            d.kind = EntryKind::Delete;
            d.studentId = s;
            d.courseId = c;
            d.origin = self;
            found.push_back(std::move(d));
        }
    if (found.empty())
        return false;

    // Each key's context: the greatest seq of every other origin its log holds.
    std::map<std::pair<std::string, std::string>, std::map<std::string, uint64_t>> seen;
    std::vector<std::string> students;
    for (const LogRecord& w : found) {
        seen[{w.studentId, w.courseId}];
        students.push_back(w.studentId);
    }
    std::sort(students.begin(), students.end());
    students.erase(std::unique(students.begin(), students.end()), students.end());
    if (!mongo::forEachEntryOfStudents(
            *h_, students,
            [&](const bson_t* d) {
                LogRecord r;
                if (!mongo::entryFrom(d, r) || !r.isWrite() || r.origin == self)
                    return true;
                auto it = seen.find({r.studentId, r.courseId});
                if (it != seen.end())
                    it->second[r.origin] = std::max(it->second[r.origin], r.seq);
                return true;
            },
            error))
        return failure(QStringLiteral("cannot compare the grade rows"), error.message);
    std::sort(found.begin(), found.end(), [](const LogRecord& x, const LogRecord& y) {
        return std::tie(x.studentId, x.courseId) < std::tie(y.studentId, y.courseId);
    });
    for (LogRecord& w : found) {
        w.ts = ++watch_->maxTs;
        w.seq = ++watch_->ownSeq;
        for (const auto& [origin, seq] : seen[{w.studentId, w.courseId}]) {
            if (!w.context.empty())
                w.context += ',';
            w.context += origin + ':' + std::to_string(seq);
        }
    }
    const BatchControl control;
    if (Status s = appendInBatches(
            options_.name, found, batchSize(), control,
            [&](std::span<const LogRecord> batch) { return writeBatch(batch, control); });
        !s)
        return s.error();
    return true;
}

} // namespace syncscope

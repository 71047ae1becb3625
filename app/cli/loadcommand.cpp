#include "loadcommand.h"

#include "clilines.h"
#include "displayuri.h"
#include "identifiers.h"
#include "runcommand.h"
#include "seedcsv.h"
#include "storeworker.h"
#include "workspacefile.h"
#include "workspacestores.h"
#include "writeidentities.h"

#include <QElapsedTimer>
#include <QFile>

#include <utility>

namespace syncscope {

namespace {

// Writes per append: a target's share of the records is copied once per chunk, so memory stays
// at the records plus a chunk per target.
constexpr size_t kChunk = 100000;

std::vector<LogRecord> seedWrites(const SeedData& data) {
    std::vector<LogRecord> out;
    out.reserve(data.rows.size());
    uint64_t row = 0;
    for (const SeedRow& s : data.rows) {
        LogRecord& r = out.emplace_back();
        r.kind = EntryKind::Seed;
        r.studentId = s.studentId;
        r.courseId = s.courseId;
        r.value = s.grade;
        r.hasValue = true;
        r.origin = std::string(kSeedOrigin);
        r.seq = ++row;
        r.attributes = s.attributes;
    }
    return out;
}

// Every row of `source`, as the write that put it there.
Result<std::vector<LogRecord>> storeWrites(StoreWorker& source) {
    std::vector<LogRecord> out;
    GradeCursor after;
    for (;;) {
        Result<std::vector<GradeRecord>> page = source.readGrades(after, 50000).result();
        if (!page)
            return page.error();
        for (const GradeRecord& g : page.value()) {
            LogRecord& r = out.emplace_back();
            r.kind = g.deleted ? EntryKind::Delete
                               : (g.origin == kSeedOrigin ? EntryKind::Seed : EntryKind::Set);
            r.studentId = g.studentId;
            r.courseId = g.courseId;
            r.value = g.value;
            r.hasValue = !g.deleted;
            r.ts = g.ts;
            r.origin = g.origin;
            r.seq = g.seq;
            r.attributes = g.attributes;
        }
        if (page.value().size() < 50000)
            return out;
        after = {page.value().back().studentId, page.value().back().courseId};
    }
}

} // namespace

int loadWorkspace(const LoadOptions& options, std::FILE* out, std::FILE* err) {
    WorkspaceFile ws = WorkspaceFile::load(options.workspace);
    if (!ws.error.isEmpty()) {
        say(err, QStringLiteral("syncscope-cli: ") + ws.error);
        return ExitUsage;
    }
    QString problem;
    const auto targets = pickStores(ws.stores, options.into, problem);
    if (!targets) {
        say(err, QStringLiteral("syncscope-cli: --into: ") + problem);
        return ExitUsage;
    }
    std::optional<std::vector<StoreSpec>> source;
    if (!options.from.isEmpty()) {
        source = pickStores(ws.stores, {options.from}, problem);
        if (!source) {
            say(err, QStringLiteral("syncscope-cli: --from: ") + problem);
            return ExitUsage;
        }
        for (const StoreSpec& t : *targets)
            if (t.name == source->front().name) {
                say(err, QStringLiteral("syncscope-cli: %1 is both --from and --into")
                             .arg(QString::fromStdString(t.name)));
                return ExitUsage;
            }
    }

    for (const auto* stores : {&*targets, source ? &*source : &*targets})
        if (const QString bad = firstUriProblem(*stores); !bad.isEmpty()) {
            say(err, QStringLiteral("syncscope-cli: ") + bad);
            return ExitUsage;
        }

    // 1. The writes, all read and checked before any store is written.
    std::vector<LogRecord> writes;
    if (!options.csv.isEmpty()) {
        QFile file(options.csv);
        if (!file.open(QIODevice::ReadOnly)) {
            say(err, QStringLiteral("syncscope-cli: cannot read %1: %2")
                         .arg(displayUri(options.csv), file.errorString()));
            return ExitUsage;
        }
        const QByteArray text = file.readAll();
        const SeedData data =
            parseSeedCsv(options.csv.toStdString(),
                         std::string_view(text.constData(), static_cast<size_t>(text.size())));
        if (!data.errors.empty()) {
            sayErrors(err, data, data.errors, data.moreErrors);
            return ExitScriptError;
        }
        writes = seedWrites(data);
    }
    auto opened = openStores(*targets);
    if (!opened) {
        say(err, opened.error().toString());
        return ExitBackend;
    }
    std::vector<std::unique_ptr<StoreWorker>>& workers = opened.value();
    if (source) {
        auto from = openStores(*source);
        if (!from) {
            say(err, from.error().toString());
            return ExitBackend;
        }
        Result<std::vector<LogRecord>> copied = storeWrites(*from.value().front());
        if (!copied) {
            say(err, copied.error().toString());
            return ExitBackend;
        }
        writes = std::move(copied.value());
    }

    // 2. What each target holds already, by identity: left out.
    std::vector<WriteIdentities> held(workers.size());
    {
        std::vector<QFuture<Result<std::vector<LogRecord>>>> logs;
        for (auto& w : workers)
            logs.push_back(w->readOplog());
        for (size_t t = 0; t < workers.size(); ++t) {
            Result<std::vector<LogRecord>> log = logs[t].result();
            if (!log) {
                say(err, log.error().toString());
                return ExitBackend;
            }
            for (const LogRecord& r : log.value())
                held[t].insert(r);
        }
    }

    // 3. Chunk by chunk, every target at once (each on its own worker).
    QElapsedTimer clock;
    clock.start();
    std::vector<int64_t> written(workers.size(), 0), skipped(workers.size(), 0);
    int64_t clashes = 0;
    qint64 lastReport = 0;
    for (size_t at = 0; at < writes.size(); at += kChunk) {
        const size_t end = std::min(writes.size(), at + kChunk);
        std::vector<QFuture<Status>> sent;
        for (size_t t = 0; t < workers.size(); ++t) {
            std::vector<LogRecord> share;
            share.reserve(end - at);
            for (size_t i = at; i < end; ++i) {
                const WriteIdentities::Held h = held[t].find(writes[i]);
                if (h == WriteIdentities::Held::Other) {
                    // The target holds this identity for another write (docs/crash-safety.md):
                    // named, not written, and the load ends as failed.
                    say(err, QStringLiteral("load: %1 holds the identity of %2 for another "
                                            "write; not written (verify names both)")
                                 .arg(workers[t]->description().name,
                                      QString::fromStdString(describeWrite(writes[i]))));
                    ++clashes;
                }
                if (h != WriteIdentities::Held::No)
                    ++skipped[t];
                else
                    share.push_back(writes[i]);
            }
            written[t] += static_cast<int64_t>(share.size());
            sent.push_back(workers[t]->append(std::move(share)));
        }
        for (size_t t = 0; t < workers.size(); ++t)
            if (Status s = sent[t].result(); !s) {
                say(err, s.error().toString() +
                             QStringLiteral(" (run the load again to complete it: what was "
                                            "written is not written twice)"));
                return ExitBackend;
            }
        if (clock.elapsed() - lastReport >= 1000 || end == writes.size()) {
            lastReport = clock.elapsed();
            say(err, QStringLiteral("load: %1 of %2 rows (%3 rows/s)")
                         .arg(end)
                         .arg(writes.size())
                         .arg(qRound64(static_cast<double>(end) * 1000.0 /
                                       static_cast<double>(std::max<qint64>(1, clock.elapsed())))));
        }
    }
    for (size_t t = 0; t < workers.size(); ++t)
        say(out, QStringLiteral("load %1: %2 rows written, %3 already there")
                     .arg(QString::fromStdString((*targets)[t].name))
                     .arg(written[t])
                     .arg(skipped[t]));
    if (clashes > 0) {
        say(err, QStringLiteral("load: %1 writes clashed with another write of the same identity "
                                "and were not written")
                     .arg(clashes));
        return ExitBackend;
    }
    return ExitOk;
}

} // namespace syncscope

#include "enginemirror.h"

#include "commandeffect.h"
#include "identifiers.h"
#include "recordconversion.h"
#include "storeshipping.h"
#include "storesnamed.h"
#include "textoutput.h"

#include <QElapsedTimer>

#include <algorithm>

namespace syncscope {

namespace {
// A stretch of script or import work on the engine thread: short enough that a Stop, a typed
// line or a merge waiting behind it is served at once.
constexpr qint64 kStretchMs = 20;
} // namespace

void handOut(EngineOutput& out, EngineMirror& mirror, size_t store) {
    const Replica& rep = mirror.engine.replica(store);
    const Catalog& catalog = mirror.catalog;
    size_t& shipped = mirror.shipped[store];
    for (; shipped < rep.logEnd(); ++shipped) {
        const OplogEntry& e = rep.entryAt(shipped);
        out.records[store].push_back(toRecord(e, catalog));
        if (!e.isWrite())
            continue;
        if (out.tooMany[store])
            continue;
        out.states[store].push_back(toGradeRecord(e.write.key, rep.state.at(e.write.key), catalog));
        if (out.states[store].size() > StoreShipping::kMaxListedKeys) {
            out.states[store].clear();
            out.tooMany[store] = true;
        }
    }
}

std::optional<EngineOutput::Undoable> undoableOf(const EngineMirror& mirror, size_t store,
                                                 KeyId key, const Write& before) {
    const Replica& replica = mirror.engine.replica(store);
    const std::string_view sid = mirror.catalog.studentId(key);
    const std::string_view cid = mirror.catalog.courseId(key);
    const Write& after = replica.state.at(key);
    if (after.sameWrite(before))
        return std::nullopt; // it lost on arrival: nothing to undo
    const auto line = [&](const Write& w) {
        // A key that held nothing (or a tombstone) is put back by a DELETE.
        if (w.isNone() || w.isTombstone())
            return replica.name + ".DELETE(" + std::string(sid) + ',' + std::string(cid) + ')';
        return replica.name + ".SET(" + spellKey(sid, cid) + ',' +
               scriptLiteral(mirror.catalog.value(w.value)) + ')';
    };
    return EngineOutput::Undoable{
        QString::fromStdString(line(before)), QString::fromStdString(line(after)), {}};
}

void runOne(EngineOutput& out, EngineMirror& mirror, CommandExecutor& executor,
            const Script& script, const Command& c) {
    const CommandExecutor::Outcome done = executor.run(script, c);
    // One divergence sample per command, labelled as the line reads ("demo.in:7: HIVE.MERGE(SQL)").
    std::string label(script.lineText(c));
    if (script.fileName != kTypedCommandName)
        label = script.fileName + ':' + std::to_string(c.line) + ": " + label;
    const bool effectShown = out.wantEffects && [&] {
        const std::string effect = commandEffect(c.op, done, mirror.engine);
        if (!effect.empty()) {
            out.effects << QString::fromStdString(label + ": " + effect);
            out.effectLabels << QString::fromStdString(label);
        }
        return !effect.empty();
    }();
    mirror.divergence.advance(mirror.engine, std::move(label), true);
    if (done.get) {
        std::string text;
        appendGetLine(text, mirror.engine.replica(done.store).name, *done.get, mirror.catalog);
        const KeyId k = done.get->write.key;
        out.gets.push_back({QString::fromStdString(text).trimmed(), static_cast<int>(done.store),
                            QString::fromUtf8(mirror.catalog.studentId(k)),
                            QString::fromUtf8(mirror.catalog.courseId(k))});
    }
    std::vector<size_t> before(out.records.size());
    for (size_t r = 0; r < out.records.size(); ++r)
        before[r] = out.records[r].size();
    if (done.touchesAll) {
        for (size_t r = 0; r < mirror.engine.replicaCount(); ++r)
            handOut(out, mirror, r);
    } else {
        handOut(out, mirror, done.store);
    }
    out.lastSpans.clear();
    for (size_t r = 0; r < out.records.size(); ++r)
        if (out.records[r].size() > before[r])
            out.lastSpans.push_back({r, before[r], out.records[r].size()});
    if (effectShown)
        out.effectSpans.push_back(out.lastSpans);
}

void runScriptStretch(EngineOutput& out, EngineMirror& m, const Script& script,
                      const std::vector<size_t>& stores, size_t target,
                      const std::vector<char>& unavailable, const std::vector<QString>& refusals) {
    if (!m.scriptExecutor)
        m.scriptExecutor = std::make_unique<CommandExecutor>(m.engine, stores);
    QElapsedTimer stretch;
    stretch.start();
    out.wantEffects = target == m.scriptNext + 1; // a single step
    while (m.scriptNext < target && stretch.elapsed() < kStretchMs) {
        const Command& c = script.commands[m.scriptNext];
        if (const auto down = firstUnavailableNamed(script, c, stores, unavailable)) {
            out.scriptBlocked = QStringLiteral("%1:%2:%3: %4")
                                    .arg(QString::fromStdString(script.fileName))
                                    .arg(c.line)
                                    .arg(down->column)
                                    .arg(refusals[down->store]);
            break;
        }
        runOne(out, m, *m.scriptExecutor, script, c);
        if (c.op == Op::Set || c.op == Op::Delete || c.op == Op::Get)
            out.scriptTs = std::max(out.scriptTs.value_or(c.ts), c.ts);
        ++m.scriptNext;
    }
    out.scriptDone = static_cast<int>(m.scriptNext);
}

void runImportStretch(EngineOutput& out, EngineMirror& m, const std::vector<SeedRow>& rows,
                      const std::vector<size_t>& stores, size_t from) {
    QElapsedTimer stretch;
    stretch.start();
    size_t i = from;
    for (; i < rows.size() && (i == from || stretch.elapsed() < kStretchMs); ++i) {
        const SeedRow& row = rows[i];
        const KeyId key = m.catalog.internKey(row.studentId, row.courseId);
        const ValueId value = m.catalog.internValue(row.grade);
        for (size_t s : stores) {
            if (!m.engine.seed(s, key, value, i + 1))
                continue;
            const size_t before = out.records[s].size();
            handOut(out, m, s);
            for (size_t r = before; r < out.records[s].size(); ++r)
                out.records[s][r].attributes = row.attributes;
        }
    }
    out.importDone = static_cast<int>(i);
}

void ingestRecords(EngineOutput& out, EngineMirror& m, int store,
                   const std::vector<LogRecord>& records, bool outsideOnly) {
    const size_t r = static_cast<size_t>(store);
    const Replica& rep = m.engine.replica(r);
    for (const LogRecord& rec : records) {
        if (!rec.isWrite())
            continue;
        // In a tail, everything this session wrote has a seq the replica already counted (its
        // own writes) or another origin (writes merged in). An outside write that took a seq
        // this session had also used is the conflict a batch is refused for (SqlStore::append),
        // after which the whole log is read again.
        if (outsideOnly && (rec.origin != rep.name || rec.seq <= rep.seq))
            continue;
        m.engine.restore(r, fromRecord(rec, m.catalog));
        const KeyId key = rep.entryAt(rep.logEnd() - 1).write.key;
        out.captured.push_back(toGradeRecord(key, rep.state.at(key), m.catalog));
        if (!outsideOnly)
            continue; // replicated writes are the follow's to show
        // As a script line would write it: "12, PG.SET((SID1,CSE1),A)".
        std::string line;
        appendExportLine(line, rec);
        const size_t comma = line.find(", ");
        if (comma != std::string::npos)
            line.insert(comma + 2, rep.name + '.');
        out.capturedLines << QString::fromStdString(line).trimmed();
        out.capturedTs = std::max(out.capturedTs, rec.ts);
    }
    m.shipped[r] = rep.logEnd(); // already in the store: nothing to ship
    if (!out.captured.empty())
        out.capturedStore = store;
}

void restoreStore(EngineOutput& out, EngineMirror& m, size_t store,
                  const std::vector<LogRecord>& records) {
    for (const LogRecord& rec : records) {
        if (rec.isWrite())
            m.heldTs = std::max(m.heldTs.value_or(rec.ts), rec.ts);
        m.engine.restore(store, fromRecord(rec, m.catalog));
    }
    m.shipped[store] = m.engine.replica(store).logEnd();
    out.broughtBack = static_cast<int>(store);
    out.broughtBackSeq = m.engine.replica(store).seq;
    out.heldTs = m.heldTs;
}

std::shared_ptr<PlotCapture> capturePlots(const EngineMirror& m, std::vector<size_t> replicas) {
    // The newest entries of each store the timeline draws: enough for any script a person
    // steps through, few enough to draw at once.
    constexpr size_t kTimelinePointsPerLane = 20000;
    auto plots = std::make_shared<PlotCapture>();
    plots->timeline = TimelineSnapshot::capture(m.engine, replicas, kTimelinePointsPerLane);
    plots->divergence = m.divergence.history();
    plots->divergenceTracked = m.divergence.enabled();
    for (size_t r = 0; r < m.engine.replicaCount(); ++r)
        plots->storeNames.push_back(m.engine.replica(r).name);
    plots->chosen = std::move(replicas);
    return plots;
}

} // namespace syncscope

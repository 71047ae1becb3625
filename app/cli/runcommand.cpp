#include "runcommand.h"

#include "clilines.h"
#include "commandexecutor.h"
#include "conflictreport.h"
#include "displayuri.h"
#include "engine.h"
#include "exportfiles.h"
#include "identityclash.h"
#include "labsteps.h"
#include "oplogreplay.h"
#include "propertylab.h"
#include "propertylabjson.h"
#include "recordconversion.h"
#include "scriptbinding.h"
#include "scriptstream.h"
#include "seedcsv.h"
#include "storeworker.h"
#include "textoutput.h"
#include "workspacefile.h"
#include "workspacestores.h"
#include "writebehind.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <numeric>
#include <optional>
#include <thread>

namespace syncscope {

namespace {

// The seed CSV, whole (parsed whole: its rows enter every store). Read straight into the string
// the parser keeps: through a QByteArray, it was held twice at its peak.
std::optional<std::string> readFile(const QString& path, QString& why) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        why = f.errorString();
        return std::nullopt;
    }
    std::string text;
    if (!f.isSequential()) {
        text.resize(static_cast<size_t>(f.size()));
        text.resize(static_cast<size_t>(std::max<qint64>(f.read(text.data(), f.size()), 0)));
    }
    // A pipe, or a file that grew: the rest as it comes.
    for (QByteArray more; f.error() == QFileDevice::NoError && !(more = f.read(1 << 20)).isEmpty();)
        text.append(more.constData(), static_cast<size_t>(more.size()));
    if (f.error() != QFileDevice::NoError) {
        why = f.errorString();
        return std::nullopt;
    }
    return text;
}

// Buffers stdout: a million GET lines must not cost a million writes. And holds each piece
// back until the writes it reflects are committed in the stores (docs/crash-safety.md: what is
// printed never runs ahead of durability): a full piece is sealed with the write-behind's marks and
// printed once they are durable. The run goes on meanwhile; only the output waits.
class OutputBuffer {
public:
    OutputBuffer(std::FILE* out, WriteBehind& writer)
        : out_(out)
        , writer_(writer) {}
    std::string& text() { return text_; }
    void maybeFlush() {
        if (text_.size() < (1u << 16))
            return;
        held_.push_back({std::move(text_), writer_.marks()});
        heldBytes_ += held_.back().text.size();
        text_ = {};
        printDurable();
        // Output waiting on a store that has not filled a batch is not left waiting for it:
        // past a few pieces the stores are sent what they have, and past many the run waits.
        if (heldBytes_ > (4u << 20))
            writer_.sendUnsent();
        if (heldBytes_ > (32u << 20) && writer_.durable(held_.back().marks, true))
            printDurable();
    }
    // After the run's writes all committed (WriteBehind::finish succeeded), or for output that
    // reflects no write (the dump of a finished run): everything.
    void flush() {
        for (Piece& p : held_)
            write(p.text);
        held_.clear();
        heldBytes_ = 0;
        write(text_);
        text_.clear();
    }
    // After a failure: what is durable is printed, the rest never.
    void flushDurable() {
        if (!text_.empty())
            held_.push_back({std::move(text_), writer_.marks()});
        printDurable();
        held_.clear();
        text_.clear();
    }
    // Whether anything has reached `out`: a run that printed cannot start over unseen.
    bool flushedAny() const { return flushedAny_; }
    void discard() {
        text_.clear();
        held_.clear();
    }

private:
    struct Piece {
        std::string text;
        std::vector<uint64_t> marks;
    };
    void printDurable() {
        while (!held_.empty() && writer_.durable(held_.front().marks)) {
            heldBytes_ -= held_.front().text.size();
            write(held_.front().text);
            held_.pop_front();
        }
    }
    void write(const std::string& text) {
        if (text.empty())
            return;
        flushedAny_ = true;
        std::fwrite(text.data(), 1, text.size(), out_);
        std::fflush(out_);
    }

    std::FILE* out_;
    WriteBehind& writer_;
    std::string text_;
    std::deque<Piece> held_;
    size_t heldBytes_ = 0;
    bool flushedAny_ = false;
};

// Runs the script's commands in the engine as pass 2 reads them (ScriptStream::replay), a
// piece at a time, printing GET results and shipping every appended entry; stops early when a
// store has failed. False when the file changed (the stream says how).
bool executeCommands(ScriptStream& stream, std::optional<int64_t> heldTs,
                     const StoreBinding& binding, Engine& engine, WriteBehind& writer,
                     OutputBuffer& stdoutBuffer, bool keepLogs) {
    CommandExecutor executor(engine, binding.storeOfName);
    size_t sinceTrim = 0;
    return stream.replay(heldTs, [&](const Script& piece) {
        for (const Command& c : piece.commands) {
            if (++sinceTrim == 65536 && !keepLogs) {
                writer.trimEngine();
                sinceTrim = 0;
            }
            const CommandExecutor::Outcome done = executor.run(piece, c);
            if (done.get) {
                appendGetLine(stdoutBuffer.text(), engine.replica(done.store).name, *done.get,
                              engine.catalog());
                stdoutBuffer.maybeFlush();
            }
            if (done.touchesAll)
                writer.collectAll();
            else
                writer.collect(done.store);
            if (writer.failed())
                return false;
        }
        return true;
    });
}

int backendFailure(std::FILE* err, const StoreError& e) {
    say(err, e.toString());
    return ExitBackend;
}

bool writeReport(const QString& path, const std::string& report, const char* what, std::FILE* err) {
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
        file.write(report.data(), static_cast<qint64>(report.size())) ==
            static_cast<qint64>(report.size()))
        return true;
    say(err, QStringLiteral("syncscope-cli: cannot write the %1 %2: %3")
                 .arg(QLatin1String(what), displayUri(path), file.errorString()));
    return false;
}

// What step 1 of runScript makes of the input, for each attempt at the rest.
struct Prepared {
    ScriptStream& script;
    const StoreBinding& binding;
    const std::optional<SeedData>& seed;
    const std::vector<LabStep>& labSteps;
};

// A run whose batch is refused as a conflict (another writer took the seqs its writes were
// given) starts over this many times in all, when nothing of it had landed or been printed.
constexpr int kAttempts = 5;

// Steps 2 to 5 of runScript. `refused` is set, and nothing was printed, when a store refused
// the run as a conflict before any of its batches landed: the run may start over.
int runAgainstStores(const RunOptions& options, const Prepared& p, std::FILE* out, std::FILE* err,
                     std::optional<StoreError>& refused);

} // namespace

int runScript(const RunOptions& options, std::FILE* out, std::FILE* err) {
    // 1. Everything that can be wrong with the input is found before any store is touched.
    QString why;
    std::optional<StoreDirectory> configured;
    if (!options.workspace.isEmpty()) {
        WorkspaceFile ws = WorkspaceFile::load(options.workspace);
        if (!ws.error.isEmpty()) {
            say(err, QStringLiteral("syncscope-cli: ") + ws.error);
            return ExitUsage;
        }
        configured.emplace(std::move(ws.stores));
    }

    // Pass 1 of the script: the whole file checked, nothing of it kept per command
    // (docs/cli.md, Memory); pass 2 reads it again as it runs.
    ScriptStream script(options.script);
    if (!script.check(configured ? &*configured : nullptr)) {
        if (!script.readError().isEmpty()) {
            say(err, QStringLiteral("syncscope-cli: ") + script.readError());
            return ExitUsage;
        }
        sayErrors(err, script.names(), script.errors().shown, script.errors().more);
        return ExitScriptError;
    }
    const StoreBinding& binding = script.binding();

    std::vector<LabStep> labSteps;
    if (!options.lab.isEmpty()) {
        std::vector<std::string> labErrors;
        labSteps = labStepsOf(options.labMerges, binding, labErrors);
        for (const std::string& e : labErrors)
            say(err, e);
        if (!labErrors.empty())
            return ExitUsage;
    }

    std::optional<SeedData> seed;
    if (!options.seedCsv.isEmpty()) {
        std::optional<std::string> csv = readFile(options.seedCsv, why);
        if (!csv) {
            say(err, QStringLiteral("syncscope-cli: cannot read seed CSV %1: %2")
                         .arg(displayUri(options.seedCsv), why));
            return ExitUsage;
        }
        seed = parseSeedCsv(options.seedCsv.toStdString(), *csv);
        if (!seed->errors.empty()) {
            sayErrors(err, *seed, seed->errors, seed->moreErrors);
            return ExitScriptError;
        }
    }

    if (const QString problem = firstUriProblem(binding.stores); !problem.isEmpty()) {
        say(err, QStringLiteral("syncscope-cli: ") + problem);
        return ExitUsage;
    }
    if (!options.oplogDir.isEmpty() && !QDir().mkpath(options.oplogDir)) {
        say(err, QStringLiteral("syncscope-cli: cannot create the oplog directory %1")
                     .arg(displayUri(options.oplogDir)));
        return ExitUsage;
    }

    // 2–5, again when another writer took this run's seqs before any of it left the process.
    const Prepared prepared{script, binding, seed, labSteps};
    for (int attempt = 1;; ++attempt) {
        std::optional<StoreError> refused;
        const int status = runAgainstStores(options, prepared, out, err, refused);
        if (!refused)
            return status;
        if (attempt == kAttempts)
            return backendFailure(err, *refused);
        say(err, refused->toString() +
                     QStringLiteral("; reading the stores again and running the script again "
                                    "(attempt %1 of %2)")
                         .arg(attempt + 1)
                         .arg(kAttempts));
        // A pause that grows, with jitter, so two runs that met do not meet again in step.
        const int pauseMs = (25 << attempt) + QRandomGenerator::global()->bounded(50);
        std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
    }
}

namespace {

int runAgainstStores(const RunOptions& options, const Prepared& p, std::FILE* out, std::FILE* err,
                     std::optional<StoreError>& refused) {
    ScriptStream& script = p.script;
    const StoreBinding& binding = p.binding;
    const std::optional<SeedData>& seed = p.seed;
    const std::vector<LabStep>& labSteps = p.labSteps;
    // 2. Open the stores (in parallel: each has its own worker) and load what they hold.
    auto opened = openStores(binding.stores);
    if (!opened)
        return backendFailure(err, opened.error());
    std::vector<std::unique_ptr<StoreWorker>>& workers = opened.value();

    Catalog catalog;
    Engine engine(catalog);
    for (const StoreSpec& s : binding.stores)
        engine.addReplica(s.name);
    std::vector<QFuture<Result<std::vector<LogRecord>>>> loaded;
    for (auto& w : workers)
        loaded.push_back(w->readOplog());
    ExportFiles exports;
    if (!options.oplogDir.isEmpty() && !exports.open(options.oplogDir, engine)) {
        say(err,
            QStringLiteral("syncscope-cli: cannot write the oplog export: ") + exports.error());
        return ExitUsage;
    }
    WriteBehind writer(engine, workers, exports);
    std::optional<int64_t> heldTs; // the greatest ts of any write the stores hold
    {
        std::vector<std::vector<LogRecord>> logs(workers.size());
        for (size_t r = 0; r < workers.size(); ++r) {
            Result<std::vector<LogRecord>> log = loaded[r].takeResult();
            if (!log)
                return backendFailure(err, log.error());
            logs[r] = std::move(log.value());
        }
        const OplogReplay replay =
            replayOplogs(engine, logs, [&writer](size_t r) { writer.adoptLoaded(r); });
        if (replay.clash) {
            std::vector<std::string> names;
            for (size_t r = 0; r < engine.replicaCount(); ++r)
                names.push_back(engine.replica(r).name);
            return backendFailure(
                err, StoreError{QString::fromStdString(names[replay.clash->secondStore]),
                                QString::fromStdString(replay.clash->message(names)), false});
        }
        heldTs = replay.heldTs;
    }
    writer.holdLoaded();
    // Implicit timestamps continue after what the stores hold (docs/script-language.md), so a line
    // typed without one is never silently superseded on arrival.
    if (heldTs) {
        if (const uint32_t line = script.overflowLine(*heldTs)) {
            say(err, QStringLiteral("%1:%2:1: the implicit timestamp would exceed the 64-bit "
                                    "range (the stores hold a write at ts %3)")
                         .arg(options.script)
                         .arg(line)
                         .arg(*heldTs));
            return ExitScriptError;
        }
    }
    // The file checked in pass 1 is still the one pass 2 will read, before the first write
    // (the seed's); pass 2 checks again as it reads.
    if (!script.unchanged()) {
        say(err, QStringLiteral("syncscope-cli: ") + script.readError());
        return ExitUsage;
    }

    // 3. Seed data enters every store of the run as ts 0 writes from origin CSV.
    if (seed) {
        for (size_t r = 0; r < workers.size(); ++r) {
            uint64_t row = 0;
            for (const SeedRow& s : seed->rows) {
                engine.seed(r, catalog.internKey(s.studentId, s.courseId),
                            catalog.internValue(s.grade), ++row);
                writer.collect(r, &s.attributes);
            }
        }
    }

    // 4. Run the commands.
    OutputBuffer stdoutBuffer(out, writer);
    if (!executeCommands(script, heldTs, binding, engine, writer, stdoutBuffer,
                         !options.conflicts.isEmpty() || !options.lab.isEmpty())) {
        // The file changed under the run: what ran before the change is committed and its
        // output printed, the rest never runs.
        const bool finished = writer.finish();
        if (finished)
            stdoutBuffer.flush();
        else
            stdoutBuffer.flushDurable();
        say(err, QStringLiteral("syncscope-cli: ") + script.readError());
        if (!finished)
            return backendFailure(err, writer.failure());
        return ExitUsage;
    }
    // The GET lines wait for the stores' answer, so a run refused before anything of it landed
    // can start over without having printed them, and a failed run prints only what is durable.
    if (!writer.finish()) {
        if (writer.failure().conflict && !writer.landedAny() && !stdoutBuffer.flushedAny()) {
            stdoutBuffer.discard();
            refused = writer.failure();
            return ExitBackend;
        }
        stdoutBuffer.flushDurable();
        return backendFailure(err, writer.failure());
    }
    stdoutBuffer.flush();

    // 5. Exports and the dump.
    if (exports.enabled() && !exports.commit()) {
        say(err,
            QStringLiteral("syncscope-cli: cannot write the oplog export: ") + exports.error());
        return ExitUsage;
    }
    if (options.dump) {
        appendDump(stdoutBuffer.text(), engine, [&] { stdoutBuffer.flush(); });
        stdoutBuffer.flush();
    }
    std::vector<size_t> all(engine.replicaCount());
    std::iota(all.begin(), all.end(), size_t{0});
    if (!options.conflicts.isEmpty()) {
        std::string report;
        appendConflictReport(report, ConflictSnapshot::capture(engine, all));
        if (!writeReport(options.conflicts, report, "conflict report", err))
            return ExitUsage;
    }
    if (!options.lab.isEmpty()) {
        std::string problem;
        std::unique_ptr<LabHistory> history = extractLabHistory(engine, all, problem);
        if (!history) {
            say(err, "syncscope-cli: the property lab cannot run: " + problem);
            return ExitUsage;
        }
        const PropertyLabReport report = runPropertyLab(*history, labSteps, labStrategies());
        if (!writeReport(options.lab, propertyLabJson(report), "property lab report", err))
            return ExitUsage;
    }
    return ExitOk;
}

} // namespace

} // namespace syncscope

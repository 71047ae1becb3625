#include "scriptrun.h"

#include "engine.h"
#include "recordconversion.h"
#include "scriptbinding.h"
#include "seedcsv.h"
#include "seedformat.h"
#include "storefactory.h"
#include "storeworker.h"
#include "workspacefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>

namespace syncscope {

namespace {

void say(std::FILE* err, const QString& line) {
    const QByteArray bytes = line.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), err);
    std::fputc('\n', err);
}

void say(std::FILE* err, const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), err);
    std::fputc('\n', err);
}

std::optional<std::string> readFile(const QString& path, QString& why) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        why = f.errorString();
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    if (f.error() != QFileDevice::NoError) {
        why = f.errorString();
        return std::nullopt;
    }
    return std::string(bytes.constData(), static_cast<size_t>(bytes.size()));
}

// Buffers stdout: a million GET lines must not cost a million writes.
class OutputBuffer {
public:
    explicit OutputBuffer(std::FILE* out)
        : out_(out) {}
    ~OutputBuffer() { flush(); }
    std::string& text() { return text_; }
    void maybeFlush() {
        if (text_.size() >= (1u << 16))
            flush();
    }
    void flush() {
        std::fwrite(text_.data(), 1, text_.size(), out_);
        text_.clear();
        std::fflush(out_);
    }

private:
    std::FILE* out_;
    std::string text_;
};

// The seed-format export of every store (SPEC §5), written while the run ships entries, so the
// engine need not keep whole oplogs. Files are written under temporary names and renamed only
// when the run succeeds: a failed run leaves no oplog file.
class ExportFiles {
public:
    bool open(const QString& dir, const Engine& engine) {
        for (size_t r = 0; r < engine.replicaCount(); ++r) {
            const QString name = QString::fromStdString(exportFileName(engine.replica(r).name));
            finalPaths_.push_back(QDir(dir).filePath(name));
            files_.push_back(std::make_unique<QFile>(
                QDir(dir).filePath(QStringLiteral(".") + name + QStringLiteral(".partial"))));
            if (!files_.back()->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
                error_ =
                    files_.back()->fileName() + QStringLiteral(": ") + files_.back()->errorString();
                return false;
            }
        }
        buffers_.resize(files_.size());
        return true;
    }
    bool enabled() const { return !files_.empty(); }
    std::string& buffer(size_t r) { return buffers_[r]; }
    void maybeFlush(size_t r) {
        if (buffers_[r].size() >= (1u << 20))
            flush(r);
    }
    bool commit() {
        for (size_t r = 0; r < files_.size(); ++r) {
            flush(r);
            files_[r]->close();
            if (files_[r]->error() != QFileDevice::NoError && error_.isEmpty())
                error_ = files_[r]->fileName() + QStringLiteral(": ") + files_[r]->errorString();
        }
        if (!error_.isEmpty())
            return false;
        for (size_t r = 0; r < files_.size(); ++r) {
            QFile::remove(finalPaths_[r]);
            if (!files_[r]->rename(finalPaths_[r])) {
                error_ = finalPaths_[r] + QStringLiteral(": ") + files_[r]->errorString();
                return false;
            }
        }
        files_.clear();
        return true;
    }
    void discard() {
        for (auto& f : files_)
            f->remove();
        files_.clear();
    }
    ~ExportFiles() { discard(); }
    const QString& error() const { return error_; }

private:
    void flush(size_t r) {
        if (files_[r]->write(buffers_[r].data(), static_cast<qint64>(buffers_[r].size())) !=
                static_cast<qint64>(buffers_[r].size()) &&
            error_.isEmpty())
            error_ = files_[r]->fileName() + QStringLiteral(": ") + files_[r]->errorString();
        buffers_[r].clear();
    }

    std::vector<std::unique_ptr<QFile>> files_;
    std::vector<QString> finalPaths_;
    std::vector<std::string> buffers_;
    QString error_;
};

// Ships each replica's new oplog entries to its store's worker in batches, keeping a bounded
// number of batches in flight so a long script neither waits on every write nor piles up
// memory; exports each entry as it goes; and lets the engine drop what is shipped and no
// longer needed by any merge. The first store failure is kept and stops the run.
class WriteBehind {
public:
    WriteBehind(Engine& engine, std::vector<std::unique_ptr<StoreWorker>>& workers,
                ExportFiles& exports)
        : engine_(engine)
        , workers_(workers)
        , exports_(exports)
        , shipped_(workers.size(), 0)
        , pending_(workers.size())
        , inFlight_(workers.size()) {}

    // Entries the store already holds (loaded at start): exported, not shipped again.
    void adoptLoaded(size_t r) {
        exportUpTo(r, engine_.replica(r).logEnd());
        shipped_[r] = engine_.replica(r).logEnd();
    }

    // Converts entries appended since the last call; seed entries can carry attributes.
    void collect(size_t r, const std::string* attributes = nullptr) {
        const Replica& rep = engine_.replica(r);
        const size_t end = rep.logEnd();
        exportUpTo(r, end);
        for (; shipped_[r] < end; ++shipped_[r]) {
            pending_[r].emplace_back();
            toRecord(rep.entryAt(shipped_[r]), engine_.catalog(), pending_[r].back());
            if (attributes)
                pending_[r].back().attributes = *attributes;
        }
        if (pending_[r].size() >= kBatch)
            ship(r);
    }

    void collectAll() {
        for (size_t r = 0; r < workers_.size(); ++r)
            collect(r);
    }

    void trimEngine() { engine_.trim(shipped_); }

    bool finish() {
        for (size_t r = 0; r < workers_.size(); ++r)
            if (!pending_[r].empty())
                ship(r);
        for (size_t r = 0; r < workers_.size(); ++r)
            while (!inFlight_[r].empty())
                settleOldest(r);
        return !failure_;
    }

    bool failed() const { return failure_.has_value(); }
    const StoreError& failure() const { return *failure_; }

private:
    void exportUpTo(size_t r, size_t end) {
        if (!exports_.enabled())
            return;
        const Replica& rep = engine_.replica(r);
        std::string& out = exports_.buffer(r);
        for (size_t i = std::max(shipped_[r], rep.logBase); i < end; ++i)
            appendExportLine(out, rep.entryAt(i), engine_.catalog());
        exports_.maybeFlush(r);
    }

    void ship(size_t r) {
        while (inFlight_[r].size() >= kMaxInFlight)
            settleOldest(r);
        inFlight_[r].push_back(workers_[r]->append(std::move(pending_[r])));
        pending_[r] = {};
        pending_[r].reserve(kBatch);
    }

    void settleOldest(size_t r) {
        QFuture<Status> f = inFlight_[r].front();
        inFlight_[r].pop_front();
        f.waitForFinished();
        const Status s = f.result();
        if (!s && !failure_)
            failure_ = s.error();
    }

    // Two batches in flight keep a worker busy while the engine fills the next; more only
    // holds memory (a LogRecord is about 230 bytes).
    static constexpr size_t kMaxInFlight = 2;
    static constexpr size_t kBatch = 10000;
    Engine& engine_;
    std::vector<std::unique_ptr<StoreWorker>>& workers_;
    ExportFiles& exports_;
    std::vector<size_t> shipped_;
    std::vector<std::vector<LogRecord>> pending_;
    std::vector<std::deque<QFuture<Status>>> inFlight_;
    std::optional<StoreError> failure_;
};

int backendFailure(std::FILE* err, const StoreError& e) {
    say(err, e.toString());
    return ExitBackend;
}

} // namespace

int runScript(const RunOptions& options, std::FILE* out, std::FILE* err) {
    // 1. Everything that can be wrong with the input is found before any store is touched.
    QString why;
    std::optional<std::string> text = readFile(options.script, why);
    if (!text) {
        say(err,
            QStringLiteral("syncscope-cli: cannot read script %1: %2").arg(options.script, why));
        return ExitUsage;
    }
    std::optional<StoreDirectory> configured;
    if (!options.workspace.isEmpty()) {
        WorkspaceFile ws = WorkspaceFile::load(options.workspace);
        if (!ws.error.isEmpty()) {
            say(err, QStringLiteral("syncscope-cli: ") + ws.error);
            return ExitUsage;
        }
        configured.emplace(std::move(ws.stores));
    }

    Script script = parseScript(options.script.toStdString(), std::move(*text));
    StoreBinding binding;
    std::vector<ScriptError> errors =
        bindStores(script, configured ? &*configured : nullptr, binding);
    errors.insert(errors.end(), script.errors.begin(), script.errors.end());
    if (!errors.empty()) {
        std::stable_sort(errors.begin(), errors.end(),
                         [](const ScriptError& a, const ScriptError& b) {
                             return a.line != b.line ? a.line < b.line : a.column < b.column;
                         });
        for (const ScriptError& e : errors)
            say(err, script.formatError(e));
        return ExitScriptError;
    }

    std::optional<SeedData> seed;
    if (!options.seedCsv.isEmpty()) {
        std::optional<std::string> csv = readFile(options.seedCsv, why);
        if (!csv) {
            say(err, QStringLiteral("syncscope-cli: cannot read seed CSV %1: %2")
                         .arg(options.seedCsv, why));
            return ExitUsage;
        }
        seed = parseSeedCsv(options.seedCsv.toStdString(), *csv);
        if (!seed->errors.empty()) {
            for (const ScriptError& e : seed->errors)
                say(err, seed->formatError(e));
            return ExitScriptError;
        }
    }

    for (const StoreSpec& s : binding.stores) {
        if (const QString problem = StoreFactory::checkUri(QString::fromStdString(s.uri));
            !problem.isEmpty()) {
            say(err, QStringLiteral("syncscope-cli: store %1: %2")
                         .arg(QString::fromStdString(s.name), problem));
            return ExitUsage;
        }
    }
    if (!options.oplogDir.isEmpty() && !QDir().mkpath(options.oplogDir)) {
        say(err, QStringLiteral("syncscope-cli: cannot create the oplog directory %1")
                     .arg(options.oplogDir));
        return ExitUsage;
    }

    // 2. Open the stores (in parallel: each has its own worker) and load what they hold.
    std::vector<std::unique_ptr<StoreWorker>> workers;
    for (const StoreSpec& s : binding.stores) {
        auto store =
            StoreFactory::create(QString::fromStdString(s.name), QString::fromStdString(s.uri));
        if (!store)
            return backendFailure(err, store.error());
        workers.push_back(std::make_unique<StoreWorker>(std::move(store.value())));
    }
    std::vector<QFuture<Status>> opened;
    for (auto& w : workers)
        opened.push_back(w->open());
    for (QFuture<Status>& f : opened)
        if (Status s = f.result(); !s)
            return backendFailure(err, s.error());

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
    for (size_t r = 0; r < workers.size(); ++r) {
        Result<std::vector<LogRecord>> log = loaded[r].result();
        if (!log)
            return backendFailure(err, log.error());
        for (const LogRecord& rec : log.value())
            engine.restore(r, fromRecord(rec, catalog));
        writer.adoptLoaded(r);
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
    OutputBuffer stdoutBuffer(out);
    std::vector<size_t> syncSet;
    std::vector<size_t> everyStore(workers.size());
    for (size_t r = 0; r < everyStore.size(); ++r)
        everyStore[r] = r;
    size_t sinceTrim = 0;
    for (const Command& c : script.commands) {
        if (++sinceTrim == 65536) {
            writer.trimEngine();
            sinceTrim = 0;
        }
        const size_t store = binding.storeOfName[c.store];
        switch (c.op) {
        case Op::Set: {
            const KeyId k = catalog.internKey(script.view(c.studentId), script.view(c.courseId));
            engine.set(store, k, catalog.internValue(script.view(c.value)), c.ts);
            writer.collect(store);
            break;
        }
        case Op::Delete:
            engine.remove(
                store, catalog.internKey(script.view(c.studentId), script.view(c.courseId)), c.ts);
            writer.collect(store);
            break;
        case Op::Get: {
            const KeyId k = catalog.internKey(script.view(c.studentId), script.view(c.courseId));
            const OplogEntry entry = engine.get(store, k, c.ts);
            appendGetLine(stdoutBuffer.text(), engine.replica(store).name, entry, catalog);
            stdoutBuffer.maybeFlush();
            writer.collect(store);
            break;
        }
        case Op::Merge:
            engine.merge(store, binding.storeOfName[c.source]);
            writer.collect(store);
            break;
        case Op::FullSync:
            if (c.syncCount == 0) {
                engine.fullSync(everyStore);
            } else {
                syncSet.clear();
                for (uint16_t i = 0; i < c.syncCount; ++i)
                    syncSet.push_back(
                        binding.storeOfName[script.syncList[c.sourceOffset + i].name]);
                std::sort(syncSet.begin(), syncSet.end());
                syncSet.erase(std::unique(syncSet.begin(), syncSet.end()), syncSet.end());
                engine.fullSync(syncSet);
            }
            writer.collectAll();
            break;
        }
        if (writer.failed())
            break;
    }
    stdoutBuffer.flush();
    if (!writer.finish())
        return backendFailure(err, writer.failure());

    // 5. Exports and the dump.
    if (exports.enabled() && !exports.commit()) {
        say(err,
            QStringLiteral("syncscope-cli: cannot write the oplog export: ") + exports.error());
        return ExitUsage;
    }
    if (options.dump) {
        std::vector<size_t> order(workers.size());
        for (size_t r = 0; r < order.size(); ++r)
            order[r] = r;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return engine.replica(a).name < engine.replica(b).name;
        });
        std::string& o = stdoutBuffer.text();
        o += "store,student_id,course_id,grade,ts\n";
        std::vector<KeyId> keys;
        for (size_t r : order) {
            const Replica& rep = engine.replica(r);
            keys.clear();
            for (KeyId k : rep.state.keys())
                if (rep.state.isLive(k))
                    keys.push_back(k);
            std::sort(keys.begin(), keys.end(), [&](KeyId a, KeyId b) {
                return catalog.packedKey(a) < catalog.packedKey(b);
            });
            for (KeyId k : keys) {
                const Write& w = rep.state.at(k);
                appendCsvField(o, rep.name);
                o += ',';
                appendCsvField(o, catalog.studentId(k));
                o += ',';
                appendCsvField(o, catalog.courseId(k));
                o += ',';
                appendCsvField(o, catalog.value(w.value));
                o += ',';
                o += std::to_string(w.ts);
                o += '\n';
                stdoutBuffer.maybeFlush();
            }
        }
        stdoutBuffer.flush();
    }
    return ExitOk;
}

} // namespace syncscope

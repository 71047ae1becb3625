#include "commandsession.h"

#include "catalog.h"
#include "commandeffect.h"
#include "commandexecutor.h"
#include "engine.h"
#include "identityclash.h"
#include "pieces.h"
#include "recordconversion.h"
#include "scriptbinding.h"
#include "storesnamed.h"
#include "storeworker.h"
#include "textoutput.h"
#include "whenfinished.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace syncscope {

// The engine with its catalog (the engine holds a reference, so they never move), and what
// the engine thread tracks: how far each replica's log has been handed out, the script's
// executor and position.
struct CommandSession::Mirror {
    Mirror() = default;
    Mirror(const Mirror&) = delete;
    Mirror& operator=(const Mirror&) = delete;
    Catalog catalog;
    Engine engine{catalog};
    std::vector<size_t> shipped;
    std::unique_ptr<CommandExecutor> scriptExecutor;
    size_t scriptNext = 0;
    DivergenceTracker divergence;
    // Set when the stores could not be replayed (two writes under one identity): the session
    // stays unready and says why.
    std::string loadProblem;
    // The greatest ts of any write the stores held when loaded: typed lines continue after it.
    std::optional<int64_t> heldTs;
};

// The newest entries of each store the timeline draws: enough for any script a person steps
// through, few enough to draw at once.
constexpr size_t kTimelinePointsPerLane = 20000;

// The file name a typed command is parsed under (errors name it; samples do not).
constexpr const char* kTypedCommandName = "command";

// What a stretch of commands produced, carried from the engine thread to the UI thread.
struct CommandSession::Produced {
    std::vector<std::vector<LogRecord>> records; // per store, in log order
    std::vector<std::vector<GradeRecord>> states;
    std::vector<char> tooMany; // per store: more written keys than are worth listing
    struct Get {
        QString line;
        int store;
        QString studentId, courseId;
    };
    std::vector<Get> gets;
    // What each command did, in words ("HIVE.MERGE(SQL): 1 write applied"), for typed lines
    // and single steps (a Run of many lines is not narrated line by line).
    bool wantEffects = false;
    QStringList effects;
    // Writes other clients made, read from a store's tail: that store, its keys' states after
    // them, each as a script line, and the greatest timestamp among them.
    int capturedStore = -1;
    std::vector<GradeRecord> captured;
    QStringList capturedLines;
    int64_t capturedTs = 0;
    int writtenBy = -1;    // withEngineWrittenBy's store: nothing to ship to it
    int scriptDone = -1;   // for script stretches
    int importDone = -1;   // for import stretches
    QString scriptBlocked; // a step named an unavailable store: file:line:col: why
    int broughtBack = -1;  // bringBack's store, its history now in the engine
    uint64_t broughtBackSeq = 0;
    std::optional<int64_t> heldTs;
    std::function<void()> afterwards; // runs on the UI thread once the rest is accepted
};

constexpr size_t kMaxListedKeys = StoreShipping::kMaxListedKeys;

void CommandSession::handOut(Produced& out, Mirror& mirror, size_t store) {
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
        if (out.states[store].size() > kMaxListedKeys) {
            out.states[store].clear();
            out.tooMany[store] = true;
        }
    }
}

void CommandSession::runOne(Produced& out, Mirror& mirror, CommandExecutor& executor,
                            const Script& script, const Command& c) {
    const CommandExecutor::Outcome done = executor.run(script, c);
    // One divergence sample per command, labelled as the line reads ("demo.in:7: HIVE.MERGE(SQL)").
    std::string label(script.lineText(c));
    if (script.fileName != kTypedCommandName)
        label = script.fileName + ':' + std::to_string(c.line) + ": " + label;
    if (out.wantEffects)
        if (const std::string effect = commandEffect(c.op, done, mirror.engine); !effect.empty())
            out.effects << QString::fromStdString(label + ": " + effect);
    mirror.divergence.advance(mirror.engine, std::move(label), true);
    if (done.get) {
        std::string text;
        appendGetLine(text, mirror.engine.replica(done.store).name, *done.get, mirror.catalog);
        const KeyId k = done.get->write.key;
        out.gets.push_back({QString::fromStdString(text).trimmed(), static_cast<int>(done.store),
                            QString::fromUtf8(mirror.catalog.studentId(k)),
                            QString::fromUtf8(mirror.catalog.courseId(k))});
    }
    if (done.touchesAll) {
        for (size_t r = 0; r < mirror.engine.replicaCount(); ++r)
            handOut(out, mirror, r);
    } else {
        handOut(out, mirror, done.store);
    }
}

CommandSession::CommandSession(std::vector<StoreSpec> stores, std::vector<StoreWorker*> workers,
                               QObject* parent)
    : QObject(parent)
    , stores_(std::move(stores))
    , directory_(stores_)
    , workers_(std::move(workers))
    , shipping_(new StoreShipping(
          [this] {
              std::vector<std::string> names;
              for (const StoreSpec& spec : stores_)
                  names.push_back(spec.name);
              return names;
          }(),
          workers_, this))
    , unavailable_(workers_.size(), 0)
    , unavailableWhy_(workers_.size()) {
    connect(shipping_, &StoreShipping::storeCommitted, this, &CommandSession::storeCommitted);
    connect(shipping_, &StoreShipping::storeRewritten, this, &CommandSession::storeRewritten);
    connect(shipping_, &StoreShipping::failed, this, &CommandSession::failed);
    connect(shipping_, &StoreShipping::conflicted, this,
            [this](int store) { reloadAfterConflict(static_cast<size_t>(store)); });
    engineThread_.setObjectName(QStringLiteral("command-engine"));
    engineContext_ = new QObject;
    engineContext_->moveToThread(&engineThread_);
    connect(&engineThread_, &QThread::finished, engineContext_, &QObject::deleteLater);
    engineThread_.start();
}

CommandSession::~CommandSession() {
    // The mirror is released on its own thread, then the thread ends.
    QMetaObject::invokeMethod(
        engineContext_, [this] { mirror_.reset(); }, Qt::BlockingQueuedConnection);
    engineThread_.quit();
    engineThread_.wait();
}

template <class Fn>
void CommandSession::onEngine(Fn fn, const char* label) {
    QMetaObject::invokeMethod(engineContext_, [this, label, fn = std::move(fn)]() mutable {
        auto produced = std::make_shared<Produced>();
        produced->records.resize(workers_.size());
        produced->states.resize(workers_.size());
        produced->tooMany.assign(workers_.size(), false);
        if (mirror_) {
            fn(*mirror_, *produced);
            // Commands have sampled already; merges, imports and outside writes sample here.
            mirror_->divergence.advance(mirror_->engine, label, false);
        }
        QMetaObject::invokeMethod(this, [this, produced] { accept(std::move(*produced)); });
    });
}

void CommandSession::withEngine(std::function<void(Engine&, Catalog&)> fn,
                                std::function<void()> done) {
    runMerge(-1, std::move(fn), std::move(done));
}

void CommandSession::withEngineWrittenBy(size_t writtenBy,
                                         std::function<void(Engine&, Catalog&)> fn,
                                         std::function<void()> done) {
    runMerge(static_cast<int>(writtenBy), std::move(fn), std::move(done));
}

void CommandSession::runMerge(int writtenBy, std::function<void(Engine&, Catalog&)> fn,
                              std::function<void()> done) {
    onEngine(
        [writtenBy, fn = std::move(fn), done = std::move(done)](Mirror& m, Produced& out) {
            fn(m.engine, m.catalog);
            for (size_t r = 0; r < m.engine.replicaCount(); ++r)
                handOut(out, m, r);
            out.writtenBy = writtenBy;
            out.afterwards = done;
        },
        "merge");
}

void CommandSession::captureConflicts(std::vector<int> stores) {
    QMetaObject::invokeMethod(engineContext_, [this, stores = std::move(stores)] {
        std::shared_ptr<const ConflictSnapshot> snapshot;
        std::shared_ptr<PlotCapture> plots;
        if (mirror_) {
            const Engine& engine = mirror_->engine;
            std::vector<size_t> replicas(stores.begin(), stores.end());
            snapshot = std::make_shared<const ConflictSnapshot>(
                ConflictSnapshot::capture(engine, replicas));
            plots = std::make_shared<PlotCapture>();
            plots->timeline = TimelineSnapshot::capture(engine, replicas, kTimelinePointsPerLane);
            plots->divergence = mirror_->divergence.history();
            plots->divergenceTracked = mirror_->divergence.enabled();
            for (size_t r = 0; r < engine.replicaCount(); ++r)
                plots->storeNames.push_back(engine.replica(r).name);
            plots->chosen = std::move(replicas);
        }
        QMetaObject::invokeMethod(this, [this, snapshot, plots] {
            if (plots)
                Q_EMIT plotsCaptured(plots);
            Q_EMIT conflictsCaptured(snapshot);
        });
    });
}

void CommandSession::captureSkewWhatIf(std::vector<int> stores, std::vector<int64_t> offsets) {
    QMetaObject::invokeMethod(
        engineContext_, [this, stores = std::move(stores), offsets = std::move(offsets)] {
            std::shared_ptr<const ClockSkewReport> report;
            if (mirror_) {
                // Enough to read; the count says how many there are.
                constexpr size_t kListed = 500;
                const std::vector<size_t> replicas(stores.begin(), stores.end());
                report = std::make_shared<const ClockSkewReport>(
                    whatIfClocksSkewed(mirror_->engine, replicas, offsets, kListed));
            }
            QMetaObject::invokeMethod(this, [this, report] {
                if (report)
                    Q_EMIT skewWhatIfCaptured(report);
            });
        });
}

int CommandSession::storeIndex(const QString& spelled) const {
    const std::optional<size_t> at = directory_.resolve(spelled.toStdString());
    return at ? static_cast<int>(*at) : -1;
}

QStringList CommandSession::storeNames() const {
    QStringList names;
    for (const StoreSpec& s : stores_)
        names << QString::fromStdString(s.name);
    return names;
}

void CommandSession::load() {
    ready_ = false;
    // All oplogs first (each on its store's worker), then one background task folds them. A
    // store that is unavailable counts as empty: the others work without it.
    auto logs = std::make_shared<std::vector<std::vector<LogRecord>>>(workers_.size());
    loadedLogEnds_.assign(workers_.size(), 0);
    auto pending = std::make_shared<size_t>(workers_.size());
    for (size_t r = 0; r < workers_.size(); ++r) {
        if (!workers_[r] && !unavailable_[r])
            setUnavailable(static_cast<int>(r), QStringLiteral("the store could not be created"));
        if (unavailable_[r]) {
            if (--*pending == 0)
                buildMirror(logs);
            continue;
        }
        whenFinished(workers_[r]->readOplog(), this,
                     [this, r, logs, pending](QFuture<Result<std::vector<LogRecord>>> future) {
                         // Taken, not copied: a million records are not copied on the UI thread.
                         Result<std::vector<LogRecord>> log = future.takeResult();
                         if (!log)
                             setUnavailable(static_cast<int>(r), log.error().toString());
                         else
                             (*logs)[r] = std::move(log.value());
                         loadedLogEnds_[r] = (*logs)[r].empty() ? 0 : (*logs)[r].back().position;
                         if (--*pending == 0)
                             buildMirror(logs);
                     });
    }
}

void CommandSession::buildMirror(std::shared_ptr<std::vector<std::vector<LogRecord>>> logs) {
    std::vector<std::string> names;
    for (const StoreSpec& s : stores_)
        names.push_back(s.name);
    whenFinished(QtConcurrent::run([logs, names]() {
                     auto mirror = std::make_shared<Mirror>();
                     // One identity, one write (docs/crash-safety.md), before any replay.
                     if (const auto clash = findIdentityClash(*logs)) {
                         mirror->loadProblem = clash->message(names);
                         return mirror;
                     }
                     for (const std::string& n : names)
                         mirror->engine.addReplica(n);
                     for (size_t s = 0; s < logs->size(); ++s)
                         for (const LogRecord& rec : (*logs)[s]) {
                             if (rec.isWrite())
                                 mirror->heldTs = std::max(mirror->heldTs.value_or(rec.ts), rec.ts);
                             mirror->engine.restore(s, fromRecord(rec, mirror->catalog));
                         }
                     for (size_t s = 0; s < names.size(); ++s)
                         mirror->shipped.push_back(mirror->engine.replica(s).logEnd());
                     mirror->divergence.rebuild(mirror->engine, "stores loaded");
                     return mirror;
                 }),
                 this, [this](std::shared_ptr<Mirror> built) {
                     if (!built->loadProblem.empty()) {
                         Q_EMIT failed(QString::fromStdString(built->loadProblem));
                         return;
                     }
                     // docs/script-language.md: a typed line without a timestamp continues after
                     // what the stores hold, so it is not superseded on arrival.
                     if (built->heldTs && (!clock_.used || clock_.greatest < *built->heldTs))
                         clock_ = {true, *built->heldTs};
                     // Each store's own writes up to its counter are held (in it,
                     // or as copies elsewhere): copies of them wait for nothing.
                     for (size_t s = 0; s < workers_.size(); ++s)
                         shipping_->markHeld(s, built->engine.replica(s).seq);
                     // Adopted whole (the engine refers to its catalog), on the engine
                     // thread.
                     QMetaObject::invokeMethod(engineContext_, [this, built] {
                         mirror_ = built;
                         QMetaObject::invokeMethod(this, [this] {
                             ready_ = true;
                             Q_EMIT ready();
                         });
                     });
                 });
}

void CommandSession::setUnavailable(int store, const QString& reason) {
    const auto s = static_cast<size_t>(store);
    unavailable_[s] = 1;
    unavailableWhy_[s] = reason;
    Q_EMIT storeUnavailable(store, reason);
}

QString CommandSession::unavailableMessage(int store) const {
    return QStringLiteral("%1 is unavailable (%2): retry, edit or remove it in its panel")
        .arg(QString::fromStdString(stores_[static_cast<size_t>(store)].name),
             unavailableWhy_[static_cast<size_t>(store)]);
}

void CommandSession::bringBack(int store) {
    const auto s = static_cast<size_t>(store);
    if (!unavailable_[s] || !workers_[s])
        return;
    whenFinished(workers_[s]->readOplog(), this,
                 [this, store, s](QFuture<Result<std::vector<LogRecord>>> future) {
                     Result<std::vector<LogRecord>> log = future.takeResult();
                     if (!log) {
                         setUnavailable(store, log.error().toString());
                         return;
                     }
                     auto records =
                         std::make_shared<const std::vector<LogRecord>>(std::move(log.value()));
                     loadedLogEnds_[s] = records->empty() ? 0 : records->back().position;
                     // Its history enters the engine as at load: nothing was written to it
                     // meanwhile (every line naming it was refused), so nothing is shipped to it
                     // now.
                     onEngine(
                         [records, s](Mirror& m, Produced& out) {
                             for (const LogRecord& rec : *records) {
                                 if (rec.isWrite())
                                     m.heldTs = std::max(m.heldTs.value_or(rec.ts), rec.ts);
                                 m.engine.restore(s, fromRecord(rec, m.catalog));
                             }
                             m.shipped[s] = m.engine.replica(s).logEnd();
                             out.broughtBack = static_cast<int>(s);
                             out.broughtBackSeq = m.engine.replica(s).seq;
                             out.heldTs = m.heldTs;
                         },
                         "store back");
                 });
}

std::optional<CommandSession::LineError> CommandSession::execute(const QString& line) {
    if (!ready_)
        return LineError{1, QStringLiteral("the stores are still loading")};
    // The clock moves only for a line that runs: a refused line uses no timestamp
    // (docs/script-language.md).
    TimestampClock clock = clock_;
    auto script =
        std::make_shared<Script>(parseScript(kTypedCommandName, line.toStdString(), &clock));
    StoreBinding binding;
    std::vector<ScriptError> errors = bindStores(*script, &directory_, binding);
    errors.insert(errors.begin(), script->errors.begin(), script->errors.end());
    if (!errors.empty())
        return LineError{static_cast<int>(errors.front().column),
                         QString::fromStdString(errors.front().message)};
    for (const Command& c : script->commands)
        if (const auto down =
                firstUnavailableNamed(*script, c, binding.storeOfName, unavailable_)) {
            QString message = unavailableMessage(static_cast<int>(down->store));
            if (c.op == Op::FullSync && c.syncCount == 0) {
                // FULL_SYNC means every store; the ones that are here can be named.
                QStringList here;
                for (size_t s = 0; s < stores_.size(); ++s)
                    if (!unavailable_[s])
                        here << QString::fromStdString(stores_[s].name);
                message += QStringLiteral("; FULL_SYNC(%1) syncs the others")
                               .arg(here.join(QLatin1Char(',')));
            }
            return LineError{static_cast<int>(down->column), message};
        }
    clock_ = clock;
    // A store whose clock is off (the what-if) writes at its timestamp plus the offset. Only
    // SET and DELETE name a store to look up: FULL_SYNC names none (found by UBSan: the lookup
    // read past an empty binding).
    for (Command& c : script->commands) {
        if (c.op != Op::Set && c.op != Op::Delete)
            continue;
        const size_t store = binding.storeOfName[c.store];
        if (store < clockOffsets_.size())
            c.ts += clockOffsets_[store];
    }
    onEngine([script, stores = std::move(binding.storeOfName)](Mirror& m, Produced& out) {
        out.wantEffects = true;
        CommandExecutor executor(m.engine, stores);
        for (const Command& c : script->commands)
            runOne(out, m, executor, *script, c);
    });
    return std::nullopt;
}

void CommandSession::accept(Produced produced) {
    for (size_t s = 0; s < workers_.size(); ++s) {
        if (static_cast<int>(s) == produced.writtenBy)
            shipping_->handCommitted(s, produced.records[s].size(), produced.states[s],
                                     produced.tooMany[s]);
        else
            shipping_->hand(s, std::move(produced.records[s]), std::move(produced.states[s]),
                            produced.tooMany[s]);
    }
    if (produced.capturedStore >= 0) {
        // The command line's implicit timestamps continue after the captured writes, so the
        // next SET typed here is not beaten by the outside write it follows.
        clock_.greatest = std::max(clock_.greatest, produced.capturedTs);
        clock_.used = true;
        if (!produced.capturedLines.isEmpty())
            Q_EMIT outsideWritesCaptured(produced.capturedStore, produced.capturedLines);
        Q_EMIT storeCommitted(produced.capturedStore, produced.captured);
    }
    if (produced.importDone >= 0) {
        importDone_ = static_cast<size_t>(produced.importDone);
        const int total = static_cast<int>(importRows_->size());
        Q_EMIT importProgress(produced.importDone, total);
        if (importCanceled_ || produced.importDone >= total) {
            Q_EMIT importFinished(produced.importDone,
                                  importCanceled_ && produced.importDone < total);
            importRows_.reset();
        } else {
            requestImportStretch();
        }
    }
    if (!produced.scriptBlocked.isEmpty()) {
        scriptTarget_ = produced.scriptDone; // the run stops before the line
        Q_EMIT failed(produced.scriptBlocked);
    }
    if (produced.broughtBack >= 0) {
        const auto s = static_cast<size_t>(produced.broughtBack);
        shipping_->markHeld(s, produced.broughtBackSeq);
        if (produced.heldTs && (!clock_.used || clock_.greatest < *produced.heldTs))
            clock_ = {true, *produced.heldTs};
        unavailable_[s] = 0;
        unavailableWhy_[s].clear();
        Q_EMIT storeAvailable(produced.broughtBack);
    }
    if (produced.scriptDone >= 0) {
        stretchOut_ = false;
        scriptDone_ = produced.scriptDone;
        Q_EMIT scriptProgress(scriptDone_);
        if (scriptTarget_ > scriptDone_ && scriptDone_ < scriptTotal())
            requestScriptStretch();
        else
            scriptTarget_ = scriptDone_;
    }
    if (!produced.effects.isEmpty())
        whenCommittedUpTo(handedOut(), [this, effects = std::move(produced.effects)] {
            Q_EMIT commandsDone(
                effects); // a summary waits for durability too (docs/crash-safety.md)
        });
    if (!produced.gets.empty())
        answerGetsWhenDurable(produced);
    if (produced.writtenBy >= 0)
        shipping_->runCommittedCallbacks();
    if (produced.afterwards)
        produced.afterwards();
}

void CommandSession::answerGetsWhenDurable(Produced& produced) {
    const std::vector<Produced::Get>& gets = produced.gets;
    // What is shown never runs ahead of durability (docs/crash-safety.md): a GET's answer waits
    // until every write handed to the stores so far, those it reflects among them, has committed.
    // The session goes on meanwhile; only the console line waits (an embedded store commits in
    // milliseconds). A store that refuses a batch settles the wait too, and the line says so.
    QStringList lines;
    lines.reserve(static_cast<qsizetype>(gets.size()));
    for (const Produced::Get& g : gets)
        lines << g.line;
    whenCommittedUpTo(handedOut(), [this, lines = std::move(lines), last = gets.back(),
                                    refusedBefore = shipping_->refusedBatches()]() mutable {
        if (shipping_->refusedBatches() != refusedBefore)
            for (QString& line : lines)
                line += QStringLiteral("   (a store refused writes made before it: see the "
                                       "message above)");
        Q_EMIT getsAnswered(lines, last.store, last.studentId, last.courseId);
    });
}

// What reading and parsing a testcase file produced, off the UI thread.
struct CommandSession::OpenedScript {
    QString text; // for the script panel
    QString readError;
    std::shared_ptr<Script> script;
    std::vector<size_t> stores; // the script's store names bound to the workspace's
};

void CommandSession::openScriptFile(const QString& path) {
    const quint64 generation = ++openGeneration_;
    // A testcase file may be large: it is read, decoded and parsed (docs/script-language.md) on the
    // thread pool, then adopted here.
    whenFinished(
        QtConcurrent::run([path, directory = directory_] {
            auto opened = std::make_shared<OpenedScript>();
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                opened->readError = file.errorString();
                return opened;
            }
            const QByteArray bytes = file.readAll();
            // A binary file (a PDF or an image picked by mistake) is refused whole, not shown
            // as garbage with an error on some line.
            if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0) {
                opened->readError =
                    QStringLiteral("not a text file (a zero byte at offset %1); a testcase "
                                   "script is text, one command per line")
                        .arg(nul);
                return opened;
            }
            QStringDecoder utf8(QStringDecoder::Utf8);
            opened->text = utf8(bytes);
            if (utf8.hasError()) {
                opened->readError = QStringLiteral("not UTF-8 text; save the script as UTF-8");
                return opened;
            }
            opened->script = std::make_shared<Script>(
                parseScript(QFileInfo(path).fileName().toStdString(),
                            std::string(bytes.constData(), static_cast<size_t>(bytes.size()))));
            StoreBinding binding;
            std::vector<ScriptError> errors = bindStores(*opened->script, &directory, binding);
            const std::vector<ScriptError>& parsed = opened->script->errors;
            errors.insert(errors.end(), parsed.begin(), parsed.end());
            std::stable_sort(errors.begin(), errors.end(),
                             [](const ScriptError& a, const ScriptError& b) {
                                 return a.line != b.line ? a.line < b.line : a.column < b.column;
                             });
            opened->script->errors = std::move(errors);
            opened->stores = std::move(binding.storeOfName);
            return opened;
        }),
        this, [this, path, generation](std::shared_ptr<OpenedScript> opened) {
            if (generation != openGeneration_)
                return; // a later open took over
            if (!opened->readError.isEmpty()) {
                Q_EMIT scriptOpened(path, QString(), {}, opened->readError);
                return;
            }
            script_ = opened->script;
            scriptStores_ = std::move(opened->stores);
            scriptDone_ = scriptTarget_ = 0;
            // The engine starts the new script from its first command.
            QMetaObject::invokeMethod(engineContext_, [this] {
                if (mirror_) {
                    mirror_->scriptExecutor.reset();
                    mirror_->scriptNext = 0;
                }
            });
            Q_EMIT scriptOpened(path, opened->text, script_->errors, QString());
        });
}

void CommandSession::skipScriptTo(int done) {
    if (!ready_ || !hasRunnableScript() || scriptBusy())
        return;
    done = std::clamp(done, 0, scriptTotal());
    scriptDone_ = scriptTarget_ = done;
    onEngine([done](Mirror& m, Produced& out) {
        m.scriptNext = static_cast<size_t>(done);
        out.scriptDone = done;
    });
}

void CommandSession::runScriptTo(int done) {
    if (!ready_ || !hasRunnableScript())
        return;
    scriptTarget_ = std::min(done, scriptTotal());
    if (!stretchOut_ && scriptTarget_ > scriptDone_)
        requestScriptStretch();
}

// One stretch of the script on the engine thread: up to 20 ms of commands, then the results
// come back; the next stretch is asked for only then, so Pause takes effect promptly and the
// UI thread gets the results in digestible pieces.
void CommandSession::requestScriptStretch() {
    stretchOut_ = true;
    const int target = scriptTarget_;
    // A step naming an unavailable store stops the run before it, with the line's place.
    std::vector<QString> refusals(unavailable_.size());
    for (size_t s = 0; s < unavailable_.size(); ++s)
        if (unavailable_[s])
            refusals[s] = unavailableMessage(static_cast<int>(s));
    onEngine([script = script_, stores = scriptStores_, target, unavailable = unavailable_,
              refusals = std::move(refusals)](Mirror& m, Produced& out) {
        if (!m.scriptExecutor)
            m.scriptExecutor = std::make_unique<CommandExecutor>(m.engine, stores);
        QElapsedTimer stretch;
        stretch.start();
        out.wantEffects = static_cast<size_t>(target) == m.scriptNext + 1; // a single step
        while (m.scriptNext < static_cast<size_t>(target) && stretch.elapsed() < 20) {
            const Command& c = script->commands[m.scriptNext];
            if (const auto down = firstUnavailableNamed(*script, c, stores, unavailable)) {
                out.scriptBlocked = QStringLiteral("%1:%2:%3: %4")
                                        .arg(QString::fromStdString(script->fileName))
                                        .arg(c.line)
                                        .arg(down->column)
                                        .arg(refusals[down->store]);
                break;
            }
            runOne(out, m, *m.scriptExecutor, *script, c);
            ++m.scriptNext;
        }
        out.scriptDone = static_cast<int>(m.scriptNext);
    });
}

void CommandSession::importRows(std::shared_ptr<const std::vector<SeedRow>> rows,
                                std::vector<int> stores) {
    if (!ready_ || importRows_ || !rows)
        return;
    importRows_ = std::move(rows);
    importStores_.assign(stores.begin(), stores.end());
    importDone_ = 0;
    importCanceled_ = false;
    requestImportStretch();
}

// One stretch of an import on the engine thread: up to 20 ms of rows. Each seed write that
// changes a store is logged and shipped with the row's extra columns as attributes, as
// syncscope-cli --seed-csv does.
void CommandSession::requestImportStretch() {
    onEngine(
        [rows = importRows_, stores = importStores_, from = importDone_](Mirror& m, Produced& out) {
            QElapsedTimer stretch;
            stretch.start();
            size_t i = from;
            for (; i < rows->size() && (i == from || stretch.elapsed() < 20); ++i) {
                const SeedRow& row = (*rows)[i];
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
        },
        "CSV import");
}

void CommandSession::ingestTail(int store, std::vector<LogRecord> records) {
    ingest(store, std::make_shared<const std::vector<LogRecord>>(std::move(records)), true,
           "writes from outside");
}

void CommandSession::ingestReplicated(int store,
                                      std::shared_ptr<const std::vector<LogRecord>> records) {
    ingest(store, std::move(records), false, "replicated writes");
}

void CommandSession::ingest(int store, std::shared_ptr<const std::vector<LogRecord>> records,
                            bool outsideOnly, const char* label) {
    if (!ready_)
        return; // a load is under way and reads the whole log, these included
    onEngine(
        [store, records = std::move(records), outsideOnly](Mirror& m, Produced& out) {
            const size_t r = static_cast<size_t>(store);
            const Replica& rep = m.engine.replica(r);
            for (const LogRecord& rec : *records) {
                if (!rec.isWrite())
                    continue;
                // In a tail, everything this session wrote has a seq the replica already
                // counted (its own writes) or another origin (writes merged in). An outside
                // write that took a seq this session had also used is the conflict a batch is
                // refused for (SqlStore::append), after which the whole log is read again.
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
        },
        label);
}

void CommandSession::reloadAfterConflict(size_t store) {
    ready_ = false;
    stopScript();
    // What other stores were handed still goes out (it matches their own logs); this store's
    // queue was built on a history it does not have and is dropped (by StoreShipping, right
    // after this).
    QMetaObject::invokeMethod(engineContext_, [this, store] {
        mirror_.reset();
        QMetaObject::invokeMethod(this, [this, store] {
            shipping_->flush();
            // A script starts again from its first command, on the stores as they now are.
            scriptDone_ = scriptTarget_ = 0;
            stretchOut_ = false;
            Q_EMIT scriptProgress(0);
            load(); // each worker reads its log after the writes queued before it
            // The views of the store hold neither the refused write nor, perhaps, the other
            // writer's: they load again once the engine is rebuilt.
            connect(
                this, &CommandSession::ready, this,
                [this, store] { Q_EMIT storeRewritten(static_cast<int>(store)); },
                Qt::SingleShotConnection);
        });
    });
}

int CommandSession::scriptNextLine() const {
    if (!script_ || scriptDone_ >= scriptTotal())
        return 0;
    return static_cast<int>(script_->commands[static_cast<size_t>(scriptDone_)].line);
}

int CommandSession::commandsBeforeLine(int line) const {
    if (!script_)
        return 0;
    const auto& commands = script_->commands;
    auto it = std::lower_bound(commands.begin(), commands.end(), line, [](const Command& c, int l) {
        return static_cast<int>(c.line) < l;
    });
    return static_cast<int>(it - commands.begin());
}

void CommandSession::whenWritten(std::function<void()> fn) {
    // A round trip through the engine thread: what it is still producing comes back first.
    QMetaObject::invokeMethod(engineContext_, [this, fn = std::move(fn)]() mutable {
        QMetaObject::invokeMethod(this, [this, fn = std::move(fn)] {
            shipping_->flush();
            fn();
        });
    });
}

void CommandSession::markResetPoint() {
    resetPoints_.clear();
    // Reset rolls every store back: not while one cannot be reached (Reset stays off).
    if (std::any_of(unavailable_.begin(), unavailable_.end(), [](char down) { return down; }))
        return;
    whenWritten([this] {
        auto points = std::make_shared<std::vector<int64_t>>(workers_.size(), 0);
        auto pending = std::make_shared<size_t>(workers_.size());
        for (size_t s = 0; s < workers_.size(); ++s) {
            whenFinished(workers_[s]->counts(), this,
                         [this, s, points, pending](const Result<StoreCounts>& c) {
                             if (!c) {
                                 Q_EMIT failed(c.error().toString());
                                 return;
                             }
                             (*points)[s] = c.value().lastPosition;
                             if (--*pending == 0) {
                                 resetPoints_ = *points;
                                 Q_EMIT resetPointReady();
                             }
                         });
        }
    });
}

bool CommandSession::canReset() const {
    return ready_ && script_ && resetPoints_.size() == workers_.size();
}

void CommandSession::reset() {
    if (!canReset())
        return;
    ready_ = false;
    stopScript();
    const std::vector<int64_t> points = resetPoints_;
    resetPoints_ = {};
    // Drop the engine on its thread, after whatever it was doing; what it produced until then
    // is flushed to the workers, whose rollbacks then run after those writes.
    QMetaObject::invokeMethod(engineContext_, [this, points] {
        mirror_.reset();
        QMetaObject::invokeMethod(this, [this, points] {
            shipping_->flush();
            auto pending = std::make_shared<size_t>(workers_.size());
            for (size_t s = 0; s < workers_.size(); ++s) {
                whenFinished(workers_[s]->rollbackTo(points[s]), this,
                             [this, pending](const Status& st) {
                                 if (!st)
                                     Q_EMIT failed(st.error().toString());
                                 if (--*pending != 0)
                                     return;
                                 scriptDone_ = scriptTarget_ = 0;
                                 stretchOut_ = false;
                                 Q_EMIT resetDone();
                                 load();
                                 connect(this, &CommandSession::ready, this,
                                         &CommandSession::markResetPoint, Qt::SingleShotConnection);
                             });
            }
        });
    });
}

} // namespace syncscope

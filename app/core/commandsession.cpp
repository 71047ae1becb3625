#include "commandsession.h"

#include "catalog.h"
#include "commandexecutor.h"
#include "engine.h"
#include "enginemirror.h"
#include "oplogreplay.h"
#include "scriptbinding.h"
#include "storesnamed.h"
#include "storeworker.h"
#include "whenfinished.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace syncscope {

namespace {
std::vector<std::string> namesOf(const std::vector<StoreSpec>& stores) {
    std::vector<std::string> names;
    for (const StoreSpec& s : stores)
        names.push_back(s.name);
    return names;
}
} // namespace

CommandSession::CommandSession(std::vector<StoreSpec> stores, std::vector<StoreWorker*> workers,
                               QObject* parent)
    : QObject(parent)
    , stores_(std::move(stores))
    , directory_(stores_)
    , workers_(std::move(workers))
    , shipping_(new StoreShipping(namesOf(stores_), workers_, this))
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
        auto produced = std::make_shared<EngineOutput>();
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
        [writtenBy, fn = std::move(fn), done = std::move(done)](EngineMirror& m,
                                                                EngineOutput& out) {
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
            std::vector<size_t> replicas(stores.begin(), stores.end());
            snapshot = std::make_shared<const ConflictSnapshot>(
                ConflictSnapshot::capture(mirror_->engine, replicas));
            plots = capturePlots(*mirror_, std::move(replicas));
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
    whenFinished(QtConcurrent::run([logs, names = namesOf(stores_)]() {
                     auto mirror = std::make_shared<EngineMirror>();
                     for (const std::string& n : names)
                         mirror->engine.addReplica(n);
                     const OplogReplay replay = replayOplogs(mirror->engine, *logs);
                     if (replay.clash) {
                         mirror->loadProblem = replay.clash->message(names);
                         return mirror;
                     }
                     mirror->heldTs = replay.heldTs;
                     for (size_t s = 0; s < names.size(); ++s)
                         mirror->shipped.push_back(mirror->engine.replica(s).logEnd());
                     mirror->divergence.rebuild(mirror->engine, "stores loaded");
                     return mirror;
                 }),
                 this, [this](std::shared_ptr<EngineMirror> built) {
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
    whenFinished(
        workers_[s]->readOplog(), this,
        [this, store, s](QFuture<Result<std::vector<LogRecord>>> future) {
            Result<std::vector<LogRecord>> log = future.takeResult();
            if (!log) {
                setUnavailable(store, log.error().toString());
                return;
            }
            auto records = std::make_shared<const std::vector<LogRecord>>(std::move(log.value()));
            loadedLogEnds_[s] = records->empty() ? 0 : records->back().position;
            // Its history enters the engine as at load (restoreStore says why nothing ships).
            onEngine([records, s](EngineMirror& m,
                                  EngineOutput& out) { restoreStore(out, m, s, *records); },
                     "store back");
        });
}

std::optional<CommandSession::LineError> CommandSession::execute(const QString& line, bool undoable,
                                                                 quint64 stepId) {
    if (!ready_)
        return LineError{1, QStringLiteral("the stores are still loading")};
    // The clock moves only for a line that runs: a refused line uses no timestamp
    // (docs/script-language.md).
    TimestampClock clock = clock_;
    auto script =
        std::make_shared<Script>(parseScript(kTypedCommandName, line.toStdString(), &clock));
    StoreBinding binding;
    const ErrorList errors = checkScript(*script, &directory_, binding);
    if (!errors.empty())
        return LineError{static_cast<int>(errors.shown.front().column),
                         QString::fromStdString(errors.shown.front().message)};
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
    onEngine([script, stores = std::move(binding.storeOfName), undoable,
              stepId](EngineMirror& m, EngineOutput& out) {
        out.wantEffects = true;
        out.stepId = stepId;
        CommandExecutor executor(m.engine, stores);
        for (const Command& c : script->commands) {
            if (!undoable || (c.op != Op::Set && c.op != Op::Delete)) {
                runOne(out, m, executor, *script, c);
                continue;
            }
            const size_t store = stores[c.store];
            const KeyId key =
                m.catalog.internKey(script->view(c.studentId), script->view(c.courseId));
            const Write before = m.engine.replica(store).state.at(key);
            runOne(out, m, executor, *script, c);
            out.undoable = undoableOf(m, store, key, before);
            if (out.undoable)
                out.undoable->spans = out.lastSpans;
        }
    });
    return std::nullopt;
}

void CommandSession::accept(EngineOutput produced) {
    // What a command says it did waits for its stores' commits; a store that refuses the
    // batch carrying the command's records instead must not be reported as written ("cannot
    // write a batch", then "written at ts 3"). Each command is judged by its own records, by
    // their numbers in the shipping: another batch of the store refused meanwhile is not this
    // command's.
    std::vector<uint64_t> numbered(workers_.size());
    for (size_t s = 0; s < workers_.size(); ++s)
        numbered[s] = shipping_->queued(s);
    const auto refusedOf = [this, numbered,
                            writtenBy = produced.writtenBy](const EngineOutput::Spans& spans) {
        QStringList refused;
        for (const EngineOutput::Span& span : spans)
            if (static_cast<int>(span.store) != writtenBy &&
                shipping_->refused(span.store, numbered[span.store] + span.from,
                                   numbered[span.store] + span.to))
                refused << QString::fromStdString(stores_[span.store].name);
        refused.removeDuplicates();
        return refused;
    };
    for (size_t s = 0; s < workers_.size(); ++s) {
        if (static_cast<int>(s) == produced.writtenBy)
            shipping_->handCommitted(s, produced.records[s].size(), produced.states[s],
                                     produced.tooMany[s]);
        else
            shipping_->hand(s, std::move(produced.records[s]), std::move(produced.states[s]),
                            produced.tooMany[s]);
    }
    shipping_->shipIdle();
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
    if (!produced.scriptBlocked.isEmpty())
        Q_EMIT failed(produced.scriptBlocked);
    if (produced.broughtBack >= 0) {
        const auto s = static_cast<size_t>(produced.broughtBack);
        shipping_->markHeld(s, produced.broughtBackSeq);
        if (produced.heldTs && (!clock_.used || clock_.greatest < *produced.heldTs))
            clock_ = {true, *produced.heldTs};
        unavailable_[s] = 0;
        unavailableWhy_[s].clear();
        Q_EMIT storeAvailable(produced.broughtBack);
    }
    // The script's position is taken before what waits for commits (an answer that can be shown
    // at once comes after the step that asked for it).
    if (produced.scriptTs && (!clock_.used || clock_.greatest < *produced.scriptTs)) {
        // A line typed after a step continues after the script's writes, never under them.
        clock_.greatest = *produced.scriptTs;
        clock_.used = true;
    }
    if (produced.scriptRan)
        produced.scriptRan(produced.scriptDone, !produced.scriptBlocked.isEmpty());
    if (!produced.effects.isEmpty())
        whenCommittedUpTo(handedOut(), [this, refusedOf, effects = std::move(produced.effects),
                                        labels = std::move(produced.effectLabels),
                                        spans = std::move(produced.effectSpans),
                                        stepId = produced.stepId]() mutable {
            bool notWritten = false;
            for (qsizetype i = 0; i < effects.size() && i < labels.size(); ++i) {
                const auto at = static_cast<size_t>(i);
                const QStringList refused =
                    at < spans.size() ? refusedOf(spans[at]) : QStringList();
                if (refused.isEmpty())
                    continue;
                effects[i] = QStringLiteral("%1: NOT written: %2 refused it (the error "
                                            "above says why); run it again once it is back")
                                 .arg(labels[i], refused.join(QStringLiteral(", ")));
                notWritten = true;
            }
            Q_EMIT commandsDone(
                effects); // a summary waits for durability too (docs/crash-safety.md)
            if (notWritten && stepId != 0)
                Q_EMIT stepNotWritten(stepId);
        });
    if (!produced.gets.empty())
        answerGetsWhenDurable(produced);
    if (produced.undoable)
        whenCommittedUpTo(handedOut(), [this, refusedOf, u = std::move(*produced.undoable)] {
            if (!refusedOf(u.spans).isEmpty())
                return;                                   // never written: nothing to undo
            Q_EMIT writeUndoable(u.undoLine, u.redoLine); // offered once durable, as answers
        });
    if (produced.writtenBy >= 0)
        shipping_->runCommittedCallbacks();
    if (produced.afterwards)
        produced.afterwards();
}

void CommandSession::answerGetsWhenDurable(EngineOutput& produced) {
    const std::vector<EngineOutput::Get>& gets = produced.gets;
    // What is shown never runs ahead of durability (docs/crash-safety.md): a GET's answer waits
    // until every write handed to the stores so far, those it reflects among them, has committed.
    // The session goes on meanwhile; only the console line waits (an embedded store commits in
    // milliseconds). A store that refuses a batch settles the wait too, and the line says so.
    QStringList lines;
    lines.reserve(static_cast<qsizetype>(gets.size()));
    for (const EngineOutput::Get& g : gets)
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

void CommandSession::restartScript() {
    QMetaObject::invokeMethod(engineContext_, [this] {
        if (mirror_) {
            mirror_->scriptExecutor.reset();
            mirror_->scriptNext = 0;
        }
    });
}

void CommandSession::skipScript(int done, std::function<void(int done, bool blocked)> ran) {
    onEngine([done, ran = std::move(ran)](EngineMirror& m, EngineOutput& out) mutable {
        m.scriptNext = static_cast<size_t>(done);
        out.scriptDone = done;
        out.scriptRan = std::move(ran);
    });
}

void CommandSession::runScriptStretch(std::shared_ptr<const Script> script,
                                      std::vector<size_t> stores, int target,
                                      std::function<void(int done, bool blocked)> ran) {
    // A step naming an unavailable store stops the run before it, with the line's place.
    std::vector<QString> refusals(unavailable_.size());
    for (size_t s = 0; s < unavailable_.size(); ++s)
        if (unavailable_[s])
            refusals[s] = unavailableMessage(static_cast<int>(s));
    onEngine([script = std::move(script), stores = std::move(stores), target,
              unavailable = unavailable_, refusals = std::move(refusals),
              ran = std::move(ran)](EngineMirror& m, EngineOutput& out) mutable {
        syncscope::runScriptStretch(out, m, *script, stores, static_cast<size_t>(target),
                                    unavailable, refusals);
        out.scriptRan = std::move(ran);
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
        [rows = importRows_, stores = importStores_, from = importDone_](
            EngineMirror& m, EngineOutput& out) { runImportStretch(out, m, *rows, stores, from); },
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
        [store, records = std::move(records), outsideOnly](EngineMirror& m, EngineOutput& out) {
            ingestRecords(out, m, store, *records, outsideOnly);
        },
        label);
}

void CommandSession::reloadAfterConflict(size_t store) {
    ready_ = false;
    Q_EMIT engineDropping();
    // What other stores were handed still goes out (it matches their own logs); this store's
    // queue, built on a history it does not have, is dropped by StoreShipping.
    QMetaObject::invokeMethod(engineContext_, [this, store] {
        mirror_.reset();
        QMetaObject::invokeMethod(this, [this, store] {
            shipping_->flush();
            Q_EMIT engineDropped();
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

void CommandSession::whenWritten(std::function<void()> fn) {
    // A round trip through the engine thread: what it is still producing comes back first.
    QMetaObject::invokeMethod(engineContext_, [this, fn = std::move(fn)]() mutable {
        QMetaObject::invokeMethod(this, [this, fn = std::move(fn)] {
            shipping_->flush();
            fn();
        });
    });
}

void CommandSession::whenAnswered(std::function<void()> fn) {
    // After the round trip every answer waits in the shipping's queue, which runs in order.
    whenWritten(
        [this, fn = std::move(fn)]() mutable { whenCommittedUpTo(handedOut(), std::move(fn)); });
}

void CommandSession::readLogEnds(std::function<void(std::vector<int64_t>)> read) {
    whenWritten([this, read = std::move(read)] {
        auto ends = std::make_shared<std::vector<int64_t>>(workers_.size(), 0);
        auto pending = std::make_shared<size_t>(workers_.size());
        for (size_t s = 0; s < workers_.size(); ++s) {
            whenFinished(workers_[s]->counts(), this,
                         [this, s, ends, pending, read](const Result<StoreCounts>& c) {
                             if (!c) {
                                 Q_EMIT failed(c.error().toString());
                                 return;
                             }
                             (*ends)[s] = c.value().lastPosition;
                             if (--*pending == 0)
                                 read(*ends);
                         });
        }
    });
}

void CommandSession::rollBackTo(std::vector<int64_t> ends, std::function<void()> rolledBack) {
    ready_ = false;
    // Drop the engine on its thread, after whatever it was doing; what it produced until then
    // is flushed to the workers, whose rollbacks then run after those writes.
    QMetaObject::invokeMethod(
        engineContext_, [this, ends = std::move(ends), rolledBack = std::move(rolledBack)] {
            mirror_.reset();
            QMetaObject::invokeMethod(this, [this, ends, rolledBack] {
                shipping_->flush();
                auto pending = std::make_shared<size_t>(workers_.size());
                for (size_t s = 0; s < workers_.size(); ++s) {
                    whenFinished(workers_[s]->rollbackTo(ends[s]), this,
                                 [this, pending, rolledBack](const Status& st) {
                                     if (!st)
                                         Q_EMIT failed(st.error().toString());
                                     if (--*pending != 0)
                                         return;
                                     rolledBack();
                                     load();
                                 });
                }
            });
        });
}

} // namespace syncscope

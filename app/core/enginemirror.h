#pragma once
// The engine thread's side of CommandSession: the engine that mirrors the stores, and what a
// piece of work on it produced for the UI thread to ship and show. Only the engine thread
// touches an EngineMirror; an EngineOutput crosses to the UI thread whole.
#include "catalog.h"
#include "commandexecutor.h"
#include "divergence.h"
#include "engine.h"
#include "logrecord.h"
#include "plotcapture.h"
#include "script.h"
#include "seedcsv.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace syncscope {

// The engine with its catalog (the engine holds a reference, so they never move), and what
// the engine thread tracks: how far each replica's log has been handed out, the script's
// executor and position.
struct EngineMirror {
    EngineMirror() = default;
    EngineMirror(const EngineMirror&) = delete;
    EngineMirror& operator=(const EngineMirror&) = delete;
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

// The file name a typed command is parsed under (errors name it; samples do not).
inline constexpr const char* kTypedCommandName = "command";

// What a stretch of commands produced, carried from the engine thread to the UI thread.
struct EngineOutput {
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
    QStringList effectLabels; // each effect's line alone ("HIVE.MERGE(SQL)"), to say it failed
    // The records one command appended: records[store][from, to). Each effect's own, so that
    // only the command whose write a store refused is said to be NOT written.
    struct Span {
        size_t store, from, to;
    };
    using Spans = std::vector<Span>;
    std::vector<Spans> effectSpans; // per effect
    Spans lastSpans;                // the last command run's
    // A typed SET or DELETE that changed its key: the lines that put back what the key held
    // before (undo) and write it again (redo), each as typed, with a new timestamp.
    struct Undoable {
        QString undoLine, redoLine;
        Spans spans; // the typed write's records
    };
    std::optional<Undoable> undoable;
    // The Undo step (or Redo) a line ran for (0: none), told back when a store refused it.
    quint64 stepId = 0;
    // Writes other clients made, read from a store's tail: that store, its keys' states after
    // them, each as a script line, and the greatest timestamp among them.
    int capturedStore = -1;
    std::vector<GradeRecord> captured;
    QStringList capturedLines;
    int64_t capturedTs = 0;
    int writtenBy = -1;  // withEngineWrittenBy's store: nothing to ship to it
    int scriptDone = -1; // for script stretches
    // The greatest timestamp a script stretch's commands used: typed lines continue after it.
    std::optional<int64_t> scriptTs;
    int importDone = -1;   // for import stretches
    QString scriptBlocked; // a step named an unavailable store: file:line:col: why
    int broughtBack = -1;  // bringBack's store, its history now in the engine
    uint64_t broughtBackSeq = 0;
    std::optional<int64_t> heldTs;
    std::function<void()> afterwards; // runs on the UI thread once the rest is accepted
    // A script stretch's (or skip's) continuation, on the UI thread: scriptDone, and whether
    // scriptBlocked stopped the stretch.
    std::function<void(int done, bool blocked)> scriptRan;
};

// Engine thread: the entries appended to the store's replica since the last hand-out, as
// records, and the states of the keys they wrote (dropped past StoreShipping::kMaxListedKeys).
void handOut(EngineOutput& out, EngineMirror& mirror, size_t store);
// Engine thread: one command run, its GET answer, effect and divergence sample collected.
// What undoes a typed SET or DELETE of `key` run just now at replica `store` over `before`
// (the key's write before it), or nothing when it left the key as it was.
std::optional<EngineOutput::Undoable> undoableOf(const EngineMirror& mirror, size_t store,
                                                 KeyId key, const Write& before);
void runOne(EngineOutput& out, EngineMirror& mirror, CommandExecutor& executor,
            const Script& script, const Command& command);

// Engine thread: the script's commands up to `target` (commands before it already run), for
// about 20 ms; a command naming an unavailable store (unavailable[s]) stops the stretch before
// it, with refusals[s] as the reason at the name's place (out.scriptBlocked).
void runScriptStretch(EngineOutput& out, EngineMirror& mirror, const Script& script,
                      const std::vector<size_t>& stores, size_t target,
                      const std::vector<char>& unavailable, const std::vector<QString>& refusals);
// Engine thread: seed rows from `from` into the stores, for about 20 ms (at least one row).
void runImportStretch(EngineOutput& out, EngineMirror& mirror, const std::vector<SeedRow>& rows,
                      const std::vector<size_t>& stores, size_t from);
// Engine thread: records read from a store's tail (outsideOnly: only other clients' writes,
// each also described as a script line) or replicated into it, entering as its history.
void ingestRecords(EngineOutput& out, EngineMirror& mirror, int store,
                   const std::vector<LogRecord>& records, bool outsideOnly);
// Engine thread: a store that was unavailable is back; its whole oplog enters the engine as at
// load, and nothing is shipped to it (every line naming it was refused meanwhile).
void restoreStore(EngineOutput& out, EngineMirror& mirror, size_t store,
                  const std::vector<LogRecord>& records);
// Engine thread: what the history plots draw of the chosen replicas.
std::shared_ptr<PlotCapture> capturePlots(const EngineMirror& mirror, std::vector<size_t> replicas);

} // namespace syncscope

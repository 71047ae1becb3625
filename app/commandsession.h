#pragma once

#include "catalog.h"
#include "engine.h"
#include "logrecord.h"
#include "script.h"
#include "storedirectory.h"

#include <QObject>

#include <memory>
#include <optional>
#include <vector>

namespace syncscope {

class CommandExecutor;
class StoreWorker;

// Commands typed or stepped in the GUI, run the way syncscope-cli runs them: the engine mirrors
// every store (built from their oplogs off the UI thread), executes each command in memory,
// and the entries it appends go to the stores' workers, one batch in flight per store, never
// waited on. When a store has committed a batch, storeCommitted() tells the views which keys
// changed and what they hold now.
class CommandSession : public QObject {
    Q_OBJECT
public:
    CommandSession(std::vector<StoreSpec> stores, std::vector<StoreWorker*> workers,
                   QObject* parent = nullptr);
    ~CommandSession() override;

    // Reads every store's oplog and builds the engine in the background; ready() follows.
    void load();
    bool isReady() const { return mirror_ != nullptr; }

    struct LineError {
        int column = 0; // 1-based
        QString message;
    };
    // Parses and runs one script line. Returns the error (nothing ran) or nothing.
    std::optional<LineError> execute(const QString& line);

    QStringList storeNames() const;

    // A testcase file, parsed whole (SPEC §3) with its own timestamp clock, then run command by
    // command. Returns its errors (file:line:col); a script with errors cannot run.
    std::vector<ScriptError> openScript(const QString& fileName, std::string text);
    bool hasRunnableScript() const { return script_ && script_->script.ok(); }
    // Runs the script's next command; false when there is none.
    bool stepScript();
    int scriptDone() const { return script_ ? static_cast<int>(script_->next) : 0; }
    int scriptTotal() const {
        return script_ ? static_cast<int>(script_->script.commands.size()) : 0;
    }
    // The line of the command that runs next, or 0 at the end.
    int scriptNextLine() const;
    // How many commands come before the first one on or after `line`.
    int commandsBeforeLine(int line) const;

    // Remembers where every store's oplog ends now (after everything already typed is
    // written): the point Reset returns to. resetPointReady() follows.
    void markResetPoint();
    bool canReset() const;
    // Rolls every store back to the reset point, rebuilds the engine from the stores and
    // rewinds the script to its start; ready() follows (the views should reload).
    void reset();

Q_SIGNALS:
    void ready();
    void resetPointReady();
    // The stores were rolled back; ready() follows once the engine is rebuilt.
    void resetDone();
    // A GET's result line, as syncscope-cli prints it, and where it points.
    void getAnswered(const QString& line, int store, const QString& studentId,
                     const QString& courseId);
    // A store committed a batch: the current state of every key it touched.
    void storeCommitted(int store, const std::vector<syncscope::GradeRecord>& keys);
    void failed(const QString& message);

private:
    struct Mirror;
    struct OpenScript {
        Script script;
        std::vector<size_t> storeOfName;
        std::unique_ptr<CommandExecutor> executor; // made on the first step: the engine exists
        size_t next = 0;
    };
    void runCommand(const Script& script, CommandExecutor& executor, const Command& c);
    void collect(size_t store);
    void ship(size_t store);
    // Ships whatever waits in the outboxes now, even beside a batch in flight: calls queued on
    // a worker after this see every command run so far (a worker serves calls in order).
    void flushOutboxes();

    std::vector<StoreSpec> stores_;
    StoreDirectory directory_;
    std::vector<StoreWorker*> workers_;
    std::shared_ptr<Mirror> mirror_;
    TimestampClock clock_;
    std::unique_ptr<OpenScript> script_;
    std::vector<int64_t> resetPoints_; // per store; empty until markResetPoint() completes
    struct Outbox {
        size_t shipped = 0;            // engine log position already queued
        std::vector<LogRecord> queued; // waiting for the batch in flight
        std::vector<KeyId> queuedKeys;
        bool inFlight = false;
    };
    std::vector<Outbox> outboxes_;
    int lines_ = 0;
};

} // namespace syncscope

#include "commandsession.h"

#include "commandexecutor.h"
#include "recordconversion.h"
#include "scriptbinding.h"
#include "seedformat.h"
#include "storeworker.h"

#include <QtConcurrent/QtConcurrentRun>

namespace syncscope {

// The engine and its catalog live together on the heap and never move: the engine holds a
// reference to the catalog.
struct CommandSession::Mirror {
    Mirror() = default;
    Mirror(const Mirror&) = delete;
    Mirror& operator=(const Mirror&) = delete;
    Catalog catalog;
    Engine engine{catalog};
};

CommandSession::CommandSession(std::vector<StoreSpec> stores, std::vector<StoreWorker*> workers,
                               QObject* parent)
    : QObject(parent)
    , stores_(std::move(stores))
    , directory_(stores_)
    , workers_(std::move(workers))
    , outboxes_(workers_.size()) {}

CommandSession::~CommandSession() = default;

QStringList CommandSession::storeNames() const {
    QStringList names;
    for (const StoreSpec& s : stores_)
        names << QString::fromStdString(s.name);
    return names;
}

void CommandSession::load() {
    // All oplogs first (each on its store's worker), then one background task folds them.
    auto logs = std::make_shared<std::vector<std::vector<LogRecord>>>(workers_.size());
    auto pending = std::make_shared<size_t>(workers_.size());
    for (size_t r = 0; r < workers_.size(); ++r) {
        if (!workers_[r]) {
            Q_EMIT failed(QString::fromStdString(stores_[r].name) +
                          QStringLiteral(": unavailable, commands are disabled"));
            return;
        }
        workers_[r]->readOplog().then(
            this, [this, r, logs, pending](QFuture<Result<std::vector<LogRecord>>> future) {
                // Taken, not copied: a million records are not copied on the UI thread.
                Result<std::vector<LogRecord>> log = future.takeResult();
                if (!log) {
                    Q_EMIT failed(log.error().toString());
                    return;
                }
                (*logs)[r] = std::move(log.value());
                if (--*pending != 0)
                    return;
                std::vector<std::string> names;
                for (const StoreSpec& s : stores_)
                    names.push_back(s.name);
                QtConcurrent::run([logs, names]() {
                    auto mirror = std::make_shared<Mirror>();
                    for (const std::string& n : names)
                        mirror->engine.addReplica(n);
                    for (size_t s = 0; s < logs->size(); ++s)
                        for (const LogRecord& rec : (*logs)[s])
                            mirror->engine.restore(s, fromRecord(rec, mirror->catalog));
                    return mirror;
                }).then(this, [this](std::shared_ptr<Mirror> built) {
                    mirror_ = std::move(built); // adopted whole: the engine refers to its catalog
                    for (size_t s = 0; s < outboxes_.size(); ++s)
                        outboxes_[s].shipped = mirror_->engine.replica(s).logEnd();
                    Q_EMIT ready();
                });
            });
    }
}

std::optional<CommandSession::LineError> CommandSession::execute(const QString& line) {
    if (!mirror_)
        return LineError{1, QStringLiteral("the stores are still loading")};
    Script script = parseScript("command", line.toStdString(), &clock_);
    StoreBinding binding;
    std::vector<ScriptError> errors = bindStores(script, &directory_, binding);
    errors.insert(errors.begin(), script.errors.begin(), script.errors.end());
    if (!errors.empty())
        return LineError{static_cast<int>(errors.front().column),
                         QString::fromStdString(errors.front().message)};
    CommandExecutor executor(mirror_->engine, binding.storeOfName);
    for (const Command& c : script.commands)
        runCommand(script, executor, c);
    ++lines_;
    return std::nullopt;
}

void CommandSession::runCommand(const Script& script, CommandExecutor& executor, const Command& c) {
    Engine& engine = mirror_->engine;
    const CommandExecutor::Outcome done = executor.run(script, c);
    if (done.get) {
        std::string text;
        appendGetLine(text, engine.replica(done.store).name, *done.get, mirror_->catalog);
        const KeyId k = done.get->write.key;
        Q_EMIT getAnswered(QString::fromStdString(text).trimmed(), static_cast<int>(done.store),
                           QString::fromUtf8(mirror_->catalog.studentId(k)),
                           QString::fromUtf8(mirror_->catalog.courseId(k)));
    }
    if (done.touchesAll) {
        for (size_t r = 0; r < outboxes_.size(); ++r)
            collect(r);
    } else {
        collect(done.store);
    }
}

std::vector<ScriptError> CommandSession::openScript(const QString& fileName, std::string text) {
    auto open = std::make_unique<OpenScript>();
    open->script = parseScript(fileName.toStdString(), std::move(text));
    StoreBinding binding;
    std::vector<ScriptError> errors = bindStores(open->script, &directory_, binding);
    errors.insert(errors.end(), open->script.errors.begin(), open->script.errors.end());
    std::stable_sort(errors.begin(), errors.end(), [](const ScriptError& a, const ScriptError& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    open->script.errors = errors;
    open->storeOfName = std::move(binding.storeOfName);
    script_ = std::move(open);
    return errors;
}

bool CommandSession::stepScript() {
    if (!mirror_ || !hasRunnableScript() || script_->next >= script_->script.commands.size())
        return false;
    if (!script_->executor)
        script_->executor =
            std::make_unique<CommandExecutor>(mirror_->engine, script_->storeOfName);
    const Command& c = script_->script.commands[script_->next++];
    runCommand(script_->script, *script_->executor, c);
    return true;
}

int CommandSession::scriptNextLine() const {
    if (!script_ || script_->next >= script_->script.commands.size())
        return 0;
    return static_cast<int>(script_->script.commands[script_->next].line);
}

int CommandSession::commandsBeforeLine(int line) const {
    if (!script_)
        return 0;
    const auto& commands = script_->script.commands;
    auto it = std::lower_bound(commands.begin(), commands.end(), line, [](const Command& c, int l) {
        return static_cast<int>(c.line) < l;
    });
    return static_cast<int>(it - commands.begin());
}

void CommandSession::flushOutboxes() {
    for (size_t s = 0; s < outboxes_.size(); ++s)
        if (!outboxes_[s].queued.empty())
            ship(s);
}

void CommandSession::markResetPoint() {
    resetPoints_.clear();
    flushOutboxes();
    auto points = std::make_shared<std::vector<int64_t>>(workers_.size(), 0);
    auto pending = std::make_shared<size_t>(workers_.size());
    for (size_t s = 0; s < workers_.size(); ++s) {
        workers_[s]->counts().then(this, [this, s, points, pending](const Result<StoreCounts>& c) {
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
}

bool CommandSession::canReset() const {
    return mirror_ && script_ && resetPoints_.size() == workers_.size();
}

void CommandSession::reset() {
    if (!canReset())
        return;
    flushOutboxes();
    const std::vector<int64_t> points = resetPoints_;
    mirror_.reset(); // commands wait until the engine is rebuilt from the rolled-back stores
    auto pending = std::make_shared<size_t>(workers_.size());
    auto ok = std::make_shared<bool>(true);
    for (size_t s = 0; s < workers_.size(); ++s) {
        workers_[s]->rollbackTo(points[s]).then(this, [this, pending, ok](const Status& st) {
            if (!st) {
                *ok = false;
                Q_EMIT failed(st.error().toString());
            }
            if (--*pending != 0)
                return;
            script_->next = 0;
            script_->executor.reset();
            for (Outbox& box : outboxes_)
                box = Outbox{};
            resetPoints_ = {};
            Q_EMIT resetDone();
            load();
            markResetPoint();
        });
    }
}

void CommandSession::collect(size_t store) {
    Outbox& box = outboxes_[store];
    const Replica& rep = mirror_->engine.replica(store);
    for (; box.shipped < rep.logEnd(); ++box.shipped) {
        const OplogEntry& e = rep.entryAt(box.shipped);
        box.queued.push_back(toRecord(e, mirror_->catalog));
        if (e.isWrite())
            box.queuedKeys.push_back(e.write.key);
    }
    if (!box.inFlight && !box.queued.empty())
        ship(store);
}

void CommandSession::ship(size_t store) {
    Outbox& box = outboxes_[store];
    box.inFlight = true;
    std::vector<KeyId> keys = std::move(box.queuedKeys);
    box.queuedKeys = {};
    workers_[store]->append(std::move(box.queued)).then(this, [this, store, keys](const Status& s) {
        Outbox& b = outboxes_[store];
        b.inFlight = false;
        if (!s) {
            Q_EMIT failed(s.error().toString());
            return;
        }
        if (!mirror_)
            return; // a reset is rebuilding the engine; the views reload after it
        const Catalog& catalog = mirror_->catalog;
        const StoreState& state = mirror_->engine.replica(store).state;
        std::vector<GradeRecord> changed;
        for (KeyId k : keys) {
            const Write& w = state.at(k);
            GradeRecord g;
            g.studentId = std::string(catalog.studentId(k));
            g.courseId = std::string(catalog.courseId(k));
            g.deleted = w.isNone() || w.isTombstone();
            if (!g.deleted)
                g.value = std::string(catalog.value(w.value));
            g.ts = w.ts;
            g.origin = w.isNone() ? std::string() : std::string(catalog.names().view(w.origin));
            g.seq = w.seq;
            changed.push_back(std::move(g));
        }
        Q_EMIT storeCommitted(static_cast<int>(store), changed);
        if (!b.queued.empty())
            ship(store);
    });
    box.queued = {};
}

} // namespace syncscope

#include "scriptrunner.h"

#include "commandsession.h"
#include "scriptfile.h"
#include "whenfinished.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

namespace syncscope {

ScriptRunner::ScriptRunner(CommandSession* session, QObject* parent)
    : QObject(parent)
    , session_(session) {
    // Whatever the old engine still sends back is taken, but nothing more is asked of it; the
    // engine built next starts the script from its first command, on the stores as they are.
    connect(session_, &CommandSession::engineDropping, this, &ScriptRunner::stop);
    connect(session_, &CommandSession::engineDropped, this, [this] {
        rewind();
        Q_EMIT progress(0);
    });
    // Any other reload of the stores (after a follow pauses or stops, say) builds an engine at
    // the script's start, while the commands done are in the stores already: the new engine is
    // told where the script stands, so the next Step runs the next command, not the first ones
    // again.
    connect(session_, &CommandSession::ready, this, [this] {
        if (done_ > 0 && hasRunnableScript() && !isBusy())
            session_->skipScript(done_, [](int, bool) {});
    });
}

void ScriptRunner::open(const QString& path) {
    const quint64 generation = ++openGeneration_;
    // A testcase file may be large: it is read, decoded and parsed (docs/script-language.md) on
    // the thread pool, then adopted here.
    whenFinished(QtConcurrent::run([path, directory = session_->directory()] {
                     return readScriptFile(path, directory);
                 }),
                 this, [this, path, generation](std::shared_ptr<OpenedScript> read) {
                     if (generation != openGeneration_)
                         return; // a later open took over
                     if (!read->readError.isEmpty()) {
                         Q_EMIT opened(path, QString(), {}, 0, read->readError);
                         return;
                     }
                     script_ = read->script;
                     stores_ = std::move(read->stores);
                     done_ = target_ = 0;
                     session_->restartScript();
                     Q_EMIT opened(path, read->text, script_->errors,
                                   static_cast<qsizetype>(script_->moreErrors), QString());
                 });
}

int ScriptRunner::nextLine() const {
    if (!script_ || done_ >= total())
        return 0;
    return static_cast<int>(script_->commands[static_cast<size_t>(done_)].line);
}

int ScriptRunner::commandsBeforeLine(int line) const {
    if (!script_)
        return 0;
    const auto& commands = script_->commands;
    auto it = std::lower_bound(commands.begin(), commands.end(), line, [](const Command& c, int l) {
        return static_cast<int>(c.line) < l;
    });
    return static_cast<int>(it - commands.begin());
}

void ScriptRunner::runTo(int count) {
    if (!session_->isReady() || !hasRunnableScript())
        return;
    target_ = std::min(count, total());
    if (!stretchOut_ && target_ > done_)
        requestStretch();
}

void ScriptRunner::skipTo(int count) {
    if (!session_->isReady() || !hasRunnableScript() || isBusy())
        return;
    count = std::clamp(count, 0, total());
    done_ = target_ = count;
    session_->skipScript(count, [self = QPointer(this)](int ran, bool blocked) {
        if (self)
            self->stretchRan(ran, blocked);
    });
}

// The next stretch is asked for only once the last is back: a Pause takes effect after the
// stretch the engine is on, and the UI thread gets the results in digestible pieces.
void ScriptRunner::requestStretch() {
    stretchOut_ = true;
    session_->runScriptStretch(script_, stores_, target_,
                               [self = QPointer(this)](int ran, bool blocked) {
                                   if (self)
                                       self->stretchRan(ran, blocked);
                               });
}

void ScriptRunner::stretchRan(int count, bool blocked) {
    if (blocked)
        target_ = count; // the run stops before the line
    stretchOut_ = false;
    done_ = count;
    Q_EMIT progress(done_);
    if (target_ > done_ && done_ < total())
        requestStretch();
    else
        target_ = done_;
}

void ScriptRunner::rewind() {
    done_ = target_ = 0;
    stretchOut_ = false;
}

void ScriptRunner::markResetPoint() {
    resetPoints_.clear();
    // Reset rolls every store back: not while one cannot be reached.
    for (int s = 0; s < session_->storeCount(); ++s)
        if (session_->isUnavailable(s))
            return;
    session_->readLogEnds([self = QPointer(this)](std::vector<int64_t> ends) {
        if (!self)
            return;
        self->resetPoints_ = std::move(ends);
        Q_EMIT self->resetPointReady();
    });
}

bool ScriptRunner::canReset() const {
    return session_->isReady() && script_ &&
           resetPoints_.size() == static_cast<size_t>(session_->storeCount());
}

void ScriptRunner::reset() {
    if (!canReset())
        return;
    stop();
    session_->rollBackTo(std::exchange(resetPoints_, {}), [self = QPointer(this)] {
        if (!self)
            return;
        self->rewind();
        Q_EMIT self->resetDone();
        // The stores are loaded again next: the new reset point is where they are then.
        connect(self->session_, &CommandSession::ready, self, &ScriptRunner::markResetPoint,
                Qt::SingleShotConnection);
    });
}

} // namespace syncscope

#include "mergerunner.h"

#include "commandsession.h"
#include "counttext.h"
#include "engine.h"
#include "identifiers.h"
#include "interner.h"
#include "mergeoutcome.h"
#include "mergeplanner.h"
#include "mergerequestjson.h"
#include "recordconversion.h"
#include "storefactory.h"
#include "storeworker.h"
#include "whenfinished.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace syncscope {

namespace {

// Writes per batch: small enough that a batch is one transaction in every backend (SqlStore
// commits 20,000 records at a time) and Cancel answers within a fraction of a second.
constexpr size_t kMergeBatch = 10000;
// Batches applied by the engine but not yet committed: one committing while the next is made.
constexpr int kPipelineDepth = 2;

QString valueText(const Write& w, const Catalog& c) {
    return w.isNone() || w.isTombstone() ? QString() : QString::fromUtf8(c.value(w.value));
}

QString jsonText(const QJsonObject& o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

// What the runner keeps next to the engine: the plan on screen and how far it is applied.
struct MergeRunner::EngineSide {
    MergePlan plan;
    int generation = 0;
    size_t next = 0;
    size_t skipped = 0;
    // After the last batch: what each target should hold for the keys the plan wrote.
    std::optional<FinalWrites> applied;
};

MergeRunner::MergeRunner(CommandSession* session, std::vector<StoreWorker*> workers,
                         QString auditPath, QString workspace, QObject* parent)
    : QObject(parent)
    , session_(session)
    , workers_(std::move(workers))
    , audit_(std::move(auditPath))
    , workspace_(std::move(workspace))
    , engine_(std::make_shared<EngineSide>()) {
    auditPool_.setMaxThreadCount(1); // audit rows are appended in the order they are asked for
    connect(session_, &CommandSession::failed, this, [this](const QString& why) {
        if (applying_)
            finish(QStringLiteral("failed"), QStringLiteral("The merge stopped: %1").arg(why),
                   true);
    });
}

MergeRunner::~MergeRunner() {
    auditPool_.waitForDone();
}

QStringList MergeRunner::storeNames() const {
    return session_->storeNames();
}

AuditEntry MergeRunner::auditRow(const QString& kind) const {
    AuditEntry e;
    e.kind = kind;
    e.at = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    e.user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME", QStringLiteral("?")));
    e.workspace = workspace_;
    e.detail = QStringLiteral("{}");
    return e;
}

void MergeRunner::appendAudit(std::vector<AuditEntry> rows) {
    if (rows.empty())
        return;
    // The rows written are dropped on the audit thread, not sent back to this one.
    auditInOrder([this, rows = std::move(rows)]() mutable -> Result<bool> {
        auto written = audit_.append(std::move(rows));
        if (!written)
            return written.error();
        return true;
    });
}

void MergeRunner::appendKeyRows(AuditKeyRows rows) {
    if (rows.empty())
        return;
    auditInOrder([this, rows = std::move(rows)]() -> Result<bool> {
        auto written = audit_.appendKeyRows(rows);
        if (!written)
            return written.error();
        return true;
    });
}

void MergeRunner::auditInOrder(std::function<Result<bool>()> append) {
    whenFinished(QtConcurrent::run(&auditPool_, std::move(append)), this,
                 [this](const Result<bool>& r) {
                     if (!r)
                         Q_EMIT failed(r.error().toString());
                     Q_EMIT auditChanged();
                 });
}

void MergeRunner::preview(const MergeRequest& request, const ManualPicks& picks) {
    if (applying_) {
        waitingPreview_ = std::pair{request, picks};
        return;
    }
    const int generation = ++previewGeneration_;
    auto result = std::make_shared<std::shared_ptr<const MergePreview>>();
    session_->withEngine(
        [side = engine_, request, picks, generation, result](Engine& e, Catalog& c) {
            side->plan = planMerge(e, request, internPicks(c, picks));
            side->generation = generation;
            side->next = side->skipped = 0;
            *result = std::make_shared<const MergePreview>(MergePreview::capture(e, side->plan));
        },
        [this, result, generation, picks] {
            if (generation != previewGeneration_)
                return; // a newer request is on its way
            shown_ = *result;
            shownPicks_ = picks;
            Q_EMIT previewReady(shown_);
        });
}

QString MergeRunner::mergeInsideProblem(const MergeRequest& request,
                                        const ManualPicks& picks) const {
    if (request.fullSync || request.targets.size() != 1 || request.sources.size() != 1)
        return QStringLiteral("only for one target merging one source");
    if (request.strategy != MergeStrategy::LastWriterWins || !picks.empty())
        return QStringLiteral("only for last writer wins without decisions by hand");
    const size_t target = request.targets.front(), source = request.sources.front();
    if (target >= workers_.size() || source >= workers_.size())
        return QStringLiteral("no such store");
    return StoreFactory::mergeInsideProblem(workers_[target]->description(),
                                            workers_[source]->description());
}

void MergeRunner::apply(bool inside) {
    if (applying_ || !shown_ || !shown_->canApply())
        return;
    // A store whose server is down takes no part (its panel says why): nothing is written.
    const MergeRequest& request = shown_->request();
    for (const std::vector<size_t>* side : {&request.targets, &request.sources})
        for (size_t s : *side)
            if (session_->isUnavailable(static_cast<int>(s))) {
                Q_EMIT failed(session_->unavailableMessage(static_cast<int>(s)));
                return;
            }
    inside_ = inside && mergeInsideProblem(shown_->request(), shownPicks_).isEmpty();
    applying_ = true;
    canceled_ = false;
    engineFinished_ = false;
    inFlight_ = 0;
    done_ = 0;
    clock_.start();
    AuditEntry begin = auditRow(QStringLiteral("merge"));
    begin.detail = mergeRequestToJson(shown_->request(), shownPicks_, storeNames());
    whenFinished(QtConcurrent::run(&auditPool_, [this, begin] { return audit_.append({begin}); }),
                 this, [this](const Result<std::vector<AuditEntry>>& r) {
                     if (!r) {
                         applying_ = false;
                         Q_EMIT failed(r.error().toString());
                         return;
                     }
                     mergeId_ = r.value().front().id;
                     Q_EMIT auditChanged();
                     if (inside_)
                         applyInside();
                     else
                         applyNextBatch();
                 });
}

// Engine thread. The plan is only applied to the stores it was made from: any write since (a
// script still running, say) makes it stale, and the preview is made again.
bool MergeRunner::planIsStale(const EngineSide& side, const Engine& e, int generation) {
    bool changed = side.generation != generation;
    for (size_t r = 0; r < e.replicaCount() && side.next == 0 && !changed; ++r)
        changed = e.replica(r).logEnd() != side.plan.sourceLogEnds[r];
    return changed;
}

// Engine thread: the plan's writes up to `end` applied to the engine, with their audit rows.
void MergeRunner::applyStretch(EngineSide& side, Batch& batch, Engine& e, size_t end,
                               const AuditEntry& keyRow, const ManualPicks& picks) {
    MergePlan& plan = side.plan;
    const size_t from = side.next;
    side.skipped += e.applyPlanned(plan, from, end).skipped;
    side.next = end;
    batch.rows = auditRowsFor(plan, from, end, e, keyRow, picks);
    if (end == plan.writes.size()) {
        if (side.skipped == 0)
            e.finishPlan(plan);
        side.applied = finalWrites(plan, e);
    }
    batch.done = end;
    batch.total = plan.writes.size();
    batch.skipped = side.skipped;
}

void MergeRunner::abandonStale() {
    finish(QStringLiteral("stale"),
           QStringLiteral("The stores changed after the preview was made, so nothing was "
                          "applied. The preview has been made again: check it and apply."),
           true);
    preview(shown_->request(), shownPicks_);
}

void MergeRunner::applyNextBatch() {
    ++inFlight_;
    auto batch = std::make_shared<Batch>();
    AuditEntry keyRow = auditRow(QStringLiteral("key"));
    keyRow.mergeId = mergeId_;
    session_->withEngine(
        [side = engine_, batch, keyRow, picks = shownPicks_,
         generation = previewGeneration_](Engine& e, Catalog&) {
            if (planIsStale(*side, e, generation)) {
                batch->stale = true;
                return;
            }
            applyStretch(*side, *batch, e, side->plan.batchEnd(side->next, kMergeBatch), keyRow,
                         picks);
        },
        [this, batch] {
            if (batch->stale) {
                --inFlight_;
                abandonStale();
                return;
            }
            engineFinished_ = batch->done >= batch->total;
            // The batch is on its way to the targets; its audit rows follow its commit. The
            // engine makes the next batch meanwhile (at most kPipelineDepth uncommitted).
            session_->whenCommittedUpTo(session_->handedOut(),
                                        [this, batch] { batchCommitted(*batch); });
            if (!canceled_ && !engineFinished_ && inFlight_ < kPipelineDepth)
                applyNextBatch();
        });
}

// The target's engine merges the source itself (Store::mergeInside, one statement), then the
// command engine applies the same plan to its mirror without sending it to the target again.
// The plan is checked for staleness first; the target's count of appended entries is checked
// against the plan's, and verify() compares the target with the plan afterwards as always.
void MergeRunner::applyInside() {
    const size_t target = shown_->request().targets.front();
    const size_t source = shown_->request().sources.front();
    ++inFlight_;
    auto stale = std::make_shared<bool>(false);
    session_->withEngine(
        [side = engine_, stale, generation = previewGeneration_](Engine& e, Catalog&) {
            *stale = planIsStale(*side, e, generation);
        },
        [this, stale, target, source] {
            if (*stale || !session_->storeIdle(target)) {
                --inFlight_;
                abandonStale();
                return;
            }
            if (canceled_) {
                --inFlight_;
                finish(QStringLiteral("canceled"),
                       QStringLiteral("Canceled before anything was applied."), true);
                return;
            }
            Q_EMIT progress(0, static_cast<qint64>(shown_->totalWrites()), 0, 0);
            *stopInside_ = false;
            whenFinished(
                workers_[target]->mergeInside(workers_[source]->description(),
                                              [stop = stopInside_] { return stop->load(); }),
                this, [this, target](const Result<std::optional<int64_t>>& merged) {
                    if (!merged && merged.error().canceled) {
                        --inFlight_;
                        finish(QStringLiteral("canceled"),
                               QStringLiteral("Canceled: the target's engine stopped the "
                                              "statement, so nothing was merged."),
                               true);
                        return;
                    }
                    if (!merged || !merged.value()) {
                        --inFlight_;
                        const QString why = merged
                                                ? QStringLiteral("the store could not merge inside")
                                                : merged.error().toString();
                        finish(QStringLiteral("failed"), why, true);
                        Q_EMIT failed(why);
                        return;
                    }
                    mirrorInsideMerge(target, *merged.value());
                });
        });
}

void MergeRunner::mirrorInsideMerge(size_t target, int64_t appended) {
    auto batch = std::make_shared<Batch>();
    AuditEntry keyRow = auditRow(QStringLiteral("key"));
    keyRow.mergeId = mergeId_;
    session_->withEngineWrittenBy(
        target,
        [side = engine_, batch, keyRow, picks = shownPicks_](Engine& e, Catalog&) {
            applyStretch(*side, *batch, e, side->plan.writes.size(), keyRow, picks);
        },
        [this, batch, appended] {
            engineFinished_ = true;
            if (appended != static_cast<int64_t>(batch->total))
                Q_EMIT failed(QStringLiteral("The store appended %1 where the plan has %2: the "
                                             "verification will show which keys differ.")
                                  .arg(countOf(appended, "entry", "entries"))
                                  .arg(batch->total));
            batchCommitted(*batch);
        });
}

void MergeRunner::batchCommitted(Batch& batch) {
    --inFlight_;
    appendKeyRows(std::move(batch.rows));
    done_ = static_cast<qint64>(batch.done);
    const double seconds = std::max(1e-3, static_cast<double>(clock_.elapsed()) / 1000.0);
    const double rate = static_cast<double>(batch.done) / seconds;
    const double left = rate > 0 ? static_cast<double>(batch.total - batch.done) / rate : 0.0;
    Q_EMIT progress(done_, static_cast<qint64>(batch.total), rate, left);
    if (inFlight_ > 0) {
        if (!canceled_ && !engineFinished_ && inFlight_ < kPipelineDepth)
            applyNextBatch();
        return;
    }
    if (engineFinished_) {
        finish(QStringLiteral("done"),
               batch.skipped == 0
                   ? (inside_ ? QStringLiteral("Merged inside the target's engine: %1 "
                                               "applied, none sent through Syncscope.")
                              : QStringLiteral("Merged: %1 applied."))
                         .arg(countOf(static_cast<qint64>(batch.total), "write"))
                   : QStringLiteral("Merged with %1 of %2 writes skipped: their keys changed "
                                    "after the preview. Merge again to settle them.")
                         .arg(batch.skipped)
                         .arg(batch.total),
               false);
        verify();
    } else if (canceled_) {
        finish(QStringLiteral("canceled"),
               QStringLiteral("Canceled after %1 of %2 writes; every batch applied is complete. "
                              "Merging again finishes the rest.")
                   .arg(batch.done)
                   .arg(batch.total),
               true);
    } else {
        applyNextBatch();
    }
}

void MergeRunner::finish(const QString& status, const QString& summary, bool canceled) {
    if (!applying_)
        return;
    applying_ = false;
    AuditEntry end = auditRow(QStringLiteral("end"));
    end.mergeId = mergeId_;
    QJsonObject d;
    d.insert(QStringLiteral("status"), status);
    d.insert(QStringLiteral("applied"), done_);
    d.insert(QStringLiteral("summary"), summary);
    end.detail = jsonText(d);
    appendAudit({end});
    Q_EMIT finished(summary, canceled);
    if (waitingPreview_) {
        const auto [request, picks] = *std::exchange(waitingPreview_, std::nullopt);
        preview(request, picks);
    }
}

void MergeRunner::verify() {
    auto expected = std::make_shared<std::shared_ptr<const Expected>>();
    session_->withEngine(
        [side = engine_, expected](Engine& e, Catalog&) {
            if (side->applied)
                *expected = expectedRows(*side->applied, e);
        },
        [this, expected] {
            if (!*expected) {
                Q_EMIT verified(QStringLiteral("No merge has been applied yet."), 0);
                return;
            }
            verifyTargets(*expected);
        });
}

void MergeRunner::verifyTargets(std::shared_ptr<const Expected> expected) {
    struct Tally {
        size_t pending = 0;
        qint64 count = 0;
        QStringList lines;
    };
    auto tally = std::make_shared<Tally>();
    tally->pending = expected->size();
    const QStringList names = storeNames();
    for (size_t t = 0; t < expected->size(); ++t) {
        const QString& name = (*expected)[t].first;
        StoreWorker* worker = workers_[static_cast<size_t>(names.indexOf(name))];
        whenFinished(
            worker->readGrades(), this,
            [this, expected, tally, t](QFuture<Result<std::vector<GradeRecord>>> f) {
                auto rows = std::make_shared<Result<std::vector<GradeRecord>>>(f.takeResult());
                whenFinished(
                    QtConcurrent::run([expected, rows, t] {
                        qint64 count = 0;
                        const auto& [store, want] = (*expected)[t];
                        if (!*rows)
                            return std::pair{QStringList{rows->error().toString()}, qint64(1)};
                        QStringList lines = storeDifferences(store, want, rows->value(), count);
                        return std::pair{lines, count};
                    }),
                    this, [this, tally](const std::pair<QStringList, qint64>& found) {
                        tally->count += found.second;
                        tally->lines << found.first;
                        if (--tally->pending != 0)
                            return;
                        const QString report =
                            tally->count == 0
                                ? QStringLiteral(
                                      "Verified: every target holds what the plan wrote.")
                                : QStringLiteral("%1 from the plan:\n%2")
                                      .arg(tally->count == 1
                                               ? QStringLiteral("1 key differs")
                                               : QStringLiteral("%1 keys differ").arg(tally->count))
                                      .arg(tally->lines.join(QLatin1Char('\n')));
                        Q_EMIT verified(report, tally->count);
                    });
            });
    }
}

void MergeRunner::revert(const AuditEntry& keyRow, const QString& note) {
    const qsizetype store = storeNames().indexOf(keyRow.store);
    if (store < 0 || keyRow.kind != QLatin1String("key")) {
        Q_EMIT failed(QStringLiteral("audit entry %1 cannot be reverted: store %2 is not in this "
                                     "workspace")
                          .arg(keyRow.id)
                          .arg(keyRow.store));
        return;
    }
    auto current = std::make_shared<std::optional<QString>>();
    auto holds = std::make_shared<std::optional<QString>>(); // set: no longer the decision's
    session_->withEngine(
        [keyRow, store, current, holds](Engine& e, Catalog& c) {
            const KeyId k =
                c.findKey(keyRow.studentId.toStdString(), keyRow.courseId.toStdString());
            if (k == StringInterner::npos) {
                // No store knows the key (a Reset took it away): only a decision that left
                // it absent would still stand, and there is nothing to revert to then either.
                if (!keyRow.after.isNull())
                    *holds = QString();
                return;
            }
            int64_t maxTs = 0;
            for (size_t r = 0; r < e.replicaCount(); ++r)
                if (!e.replica(r).state.at(k).isNone())
                    maxTs = std::max(maxTs, e.replica(r).state.at(k).ts);
            // The audit file is only text: a value that is no grade is not written back.
            if (!keyRow.before.isNull() && !isValidValue(keyRow.before.toStdString()))
                return;
            const size_t r = static_cast<size_t>(store);
            const QString now = valueText(e.replica(r).state.at(k), c);
            // Only a decision that still stands is reverted: after a Reset, or a later write,
            // the store holds something else, and writing `before` would undo that instead.
            if (now != keyRow.after || now.isNull() != keyRow.after.isNull()) {
                *holds = now;
                return;
            }
            *current = now;
            if (keyRow.before.isNull())
                e.remove(r, k, maxTs + 1);
            else
                e.set(r, k, c.internValue(keyRow.before.toStdString()), maxTs + 1);
        },
        [this, keyRow, note, current, holds] {
            if (holds->has_value()) {
                const auto shown = [](const QString& v) {
                    return v.isNull() ? QStringLiteral("no value") : v;
                };
                Q_EMIT failed(QStringLiteral("audit entry %1 no longer applies: %2 holds %3 for "
                                             "(%4,%5), not %6 as the decision left it; nothing "
                                             "was reverted")
                                  .arg(QString::number(keyRow.id), keyRow.store, shown(**holds),
                                       keyRow.studentId, keyRow.courseId, shown(keyRow.after)));
                return;
            }
            if (!current->has_value()) {
                Q_EMIT failed(
                    QStringLiteral("audit entry %1 cannot be reverted: (%2,%3) is "
                                   "unknown to the stores, or its value is not a grade")
                        .arg(QString::number(keyRow.id), keyRow.studentId, keyRow.courseId));
                return;
            }
            AuditEntry row = auditRow(QStringLiteral("revert"));
            row.mergeId = keyRow.mergeId;
            row.store = keyRow.store;
            row.studentId = keyRow.studentId;
            row.courseId = keyRow.courseId;
            row.before = **current;
            row.after = keyRow.before;
            row.winner = QStringLiteral("audit");
            row.reason = QStringLiteral("revert");
            row.note = note;
            QJsonObject d;
            d.insert(QStringLiteral("reverts"), static_cast<qint64>(keyRow.id));
            row.detail = jsonText(d);
            appendAudit({row});
        });
}

void MergeRunner::recordReset(const QString& script, int commandsUndone, int mergesUndone) {
    AuditEntry row = auditRow(QStringLiteral("reset"));
    QJsonObject d;
    d.insert(QStringLiteral("script"), script);
    d.insert(QStringLiteral("commandsUndone"), commandsUndone);
    d.insert(QStringLiteral("mergesUndone"), mergesUndone);
    row.detail = jsonText(d);
    row.note = QStringLiteral("Script reset: every store rolled back to where the script began");
    appendAudit({row});
}

void MergeRunner::abandon(const AuditEntry& mergeRow) {
    AuditEntry end = auditRow(QStringLiteral("end"));
    end.mergeId = mergeRow.id;
    QJsonObject d;
    d.insert(QStringLiteral("status"), QStringLiteral("abandoned"));
    end.detail = jsonText(d);
    appendAudit({end});
}

QFuture<Result<std::vector<AuditEntry>>> MergeRunner::readAudit(size_t newest) {
    return QtConcurrent::run(&auditPool_, [this, newest] {
        return newest == 0 ? audit_.read() : audit_.readNewest(newest);
    });
}

QFuture<Result<AuditChainCheck>> MergeRunner::verifyAudit() {
    return QtConcurrent::run(&auditPool_, [this] { return audit_.verify(); });
}

QFuture<Result<std::optional<AuditEntry>>> MergeRunner::unfinishedMerge() {
    return QtConcurrent::run(&auditPool_, [this] { return audit_.unfinishedMerge(); });
}

} // namespace syncscope

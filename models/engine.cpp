#include "engine.h"

#include <algorithm>
#include <stdexcept>

namespace syncscope {

size_t Engine::addReplica(std::string_view canonicalName) {
    for (const Replica& existing : replicas_)
        if (existing.logBase != 0)
            throw std::logic_error("Engine::addReplica after trim: watermarks would be lost");
    Replica r;
    r.name = std::string(canonicalName);
    r.nameId = catalog_.names().intern(canonicalName);
    replicas_.push_back(std::move(r));
    // Watermarks are an N x N matrix; adding a store resets them, which is always safe
    // (a merge then reads the source's whole log).
    watermarks_.assign(replicas_.size() * replicas_.size(), 0);
    return replicas_.size() - 1;
}

const OplogEntry& Engine::append(size_t r, const Write& w, EntryKind kind, bool changed) {
    Oplog& log = replicas_[r].log;
    log.push_back(OplogEntry{w, kind, changed});
    return log.back();
}

ContextId Engine::knowledgeOf(const Replica& rep, KeyId k) {
    if (k < rep.knowledge.size() && rep.knowledge[k] != 0)
        return rep.knowledge[k] - 1;
    const Write& cur = rep.state.at(k);
    if (cur.isNone())
        return CausalContexts::kEmpty;
    // The state's write and everything it had seen (a local one: only its context, since the
    // store's own origin is implied).
    if (cur.origin == rep.nameId)
        return cur.context;
    return catalog_.contexts().join(cur.context, CausalContexts::kEmpty, {cur.origin, cur.seq},
                                    rep.nameId);
}

void Engine::receive(Replica& rep, const Write& w, bool changesState) {
    if (w.origin == rep.nameId)
        return; // the store's own write came back: it already knows it
    CausalContexts& contexts = catalog_.contexts();
    const KeyId k = w.key;
    const bool explicitKnowledge = k < rep.knowledge.size() && rep.knowledge[k] != 0;
    // The common case costs nothing: w follows everything the store had for the key, so after
    // applying it "the state's write and its past" is still exactly what the store knows.
    if (!explicitKnowledge && changesState && contexts.follows(w, rep.state.at(k)))
        return;
    const ContextId known =
        contexts.join(knowledgeOf(rep, k), w.context, {w.origin, w.seq}, rep.nameId);
    if (k >= rep.knowledge.size())
        rep.knowledge.resize(static_cast<size_t>(k) + 1 + rep.knowledge.size() / 2, 0);
    rep.knowledge[k] = known + 1;
}

Replica* Engine::replicaNamed(NameId name) {
    if (lastNamed_ < replicas_.size() && replicas_[lastNamed_].nameId == name)
        return &replicas_[lastNamed_];
    for (size_t i = 0; i < replicas_.size(); ++i)
        if (replicas_[i].nameId == name) {
            lastNamed_ = i;
            return &replicas_[i];
        }
    return nullptr;
}

void Engine::restore(size_t r, const OplogEntry& entry) {
    Replica& rep = replicas_[r];
    bool changed = false;
    if (entry.isWrite()) {
        receive(rep, entry.write,
                catalog_.order().beats(entry.write, rep.state.at(entry.write.key)));
        changed = rep.state.apply(entry.write, catalog_.order());
        // A store's counter starts past every identity of its origin held anywhere, not only
        // in its own log: a copy that outlived its origin's entry (a crash under an earlier
        // version) must never see its identity given to a new write (docs/crash-safety.md).
        if (Replica* origin = replicaNamed(entry.write.origin))
            origin->seq = std::max(origin->seq, entry.write.seq);
    }
    OplogEntry copy = entry;
    copy.changedState = entry.isWrite() && changed;
    rep.log.push_back(copy);
}

bool Engine::seed(size_t r, KeyId key, ValueId value, uint64_t row) {
    const Write w{0, row, key, value, catalog_.seedOrigin(), CausalContexts::kEmpty};
    // Seeding a store that already holds this baseline (a persistent store seeded on every run)
    // or something newer logs nothing: the seed is not an operation anyone made.
    Replica& rep = replicas_[r];
    if (!catalog_.order().beats(w, rep.state.at(key)))
        return false;
    receive(rep, w, true);
    rep.state.apply(w, catalog_.order());
    append(r, w, EntryKind::Seed, true);
    return true;
}

const OplogEntry& Engine::localWrite(size_t r, KeyId key, ValueId value, int64_t ts) {
    Replica& rep = replicas_[r];
    const ContextId context = knowledgeOf(rep, key);
    const Write w{ts, ++rep.seq, key, value, rep.nameId, context};
    const bool changed = rep.state.apply(w, catalog_.order());
    return append(r, w, value == kTombstone ? EntryKind::Delete : EntryKind::Set, changed);
}

const OplogEntry& Engine::set(size_t r, KeyId key, ValueId value, int64_t ts) {
    if (value == kTombstone)
        throw std::invalid_argument("Engine::set needs a value; use remove for tombstones");
    return localWrite(r, key, value, ts);
}

const OplogEntry& Engine::remove(size_t r, KeyId key, int64_t ts) {
    return localWrite(r, key, kTombstone, ts);
}

const OplogEntry& Engine::get(size_t r, KeyId key, int64_t ts) {
    Replica& rep = replicas_[r];
    const Write& cur = rep.state.at(key);
    const Write entry{
        ts, 0, key, cur.isNone() ? kTombstone : cur.value, rep.nameId, CausalContexts::kEmpty};
    return append(r, entry, EntryKind::Get, false);
}

size_t Engine::merge(size_t target, size_t source) {
    if (target == source)
        return 0;
    const WriteOrder order = catalog_.order();
    Replica& t = replicas_[target];
    const Replica& s = replicas_[source];
    const std::vector<Write> plan =
        planMergeFromOplog(s.log, watermark(target, source) - s.logBase, t.state, order, scratch_);
    for (const Write& w : plan) {
        receive(t, w, true);
        t.state.apply(w, order);
        append(target, w, entryKindOf(w, catalog_.seedOrigin()), true);
    }
    watermark(target, source) = s.logEnd();
    return plan.size();
}

size_t Engine::fullSync(std::span<const size_t> stores) {
    const WriteOrder order = catalog_.order();
    if (marks_.size() < catalog_.keyCount())
        marks_.resize(catalog_.keyCount(), 0);
    if (++markGeneration_ == 0) {
        std::fill(marks_.begin(), marks_.end(), 0);
        markGeneration_ = 1;
    }

    // Candidate keys: those written in some store's log after the point every other store of
    // the set is known to hold. Every other key is already equal everywhere in the set.
    std::vector<KeyId> candidates;
    for (size_t b : stores) {
        size_t from = replicas_[b].logEnd();
        for (size_t a : stores)
            if (a != b)
                from = std::min(from, watermark(a, b));
        const Oplog& log = replicas_[b].log;
        for (size_t i = from - replicas_[b].logBase; i < log.size(); ++i) {
            const KeyId k = log[i].write.key;
            if (log[i].isWrite() && marks_[k] != markGeneration_) {
                marks_[k] = markGeneration_;
                candidates.push_back(k);
            }
        }
    }

    std::vector<std::vector<Write>> perStore(stores.size());
    for (KeyId k : candidates) {
        const Write* best = nullptr;
        for (size_t r : stores) {
            const Write& w = replicas_[r].state.at(k);
            if (!w.isNone() && (best == nullptr || order.less(*best, w)))
                best = &w;
        }
        if (best == nullptr)
            continue;
        const Write winner = *best;
        for (size_t i = 0; i < stores.size(); ++i)
            if (order.beats(winner, replicas_[stores[i]].state.at(k)))
                perStore[i].push_back(winner);
    }

    size_t appended = 0;
    for (size_t i = 0; i < stores.size(); ++i) {
        sortWrites(perStore[i], order);
        for (const Write& w : perStore[i]) {
            receive(replicas_[stores[i]], w, true);
            replicas_[stores[i]].state.apply(w, order);
            append(stores[i], w, entryKindOf(w, catalog_.seedOrigin()), true);
        }
        appended += perStore[i].size();
    }
    for (size_t a : stores)
        for (size_t b : stores)
            if (a != b)
                watermark(a, b) = replicas_[b].logEnd();
    return appended;
}

Engine::PlanProgress Engine::applyPlanned(const MergePlan& plan, size_t from, size_t to) {
    const WriteOrder order = catalog_.order();
    PlanProgress progress;
    Write made; // the decision of the current key group, once made at its origin
    for (size_t i = from; i < to; ++i) {
        const PlannedWrite& pw = plan.writes[i];
        if (i == from || pw.key != plan.writes[i - 1].key)
            made = Write{};
        const size_t r = plan.request.targets[pw.target];
        Replica& t = replicas_[r];
        const Write& cur = t.state.at(pw.key);
        if (!(cur.sameWrite(pw.before) || (cur.isNone() && pw.before.isNone()))) {
            ++progress.skipped;
            continue;
        }
        if (pw.decision && pw.after.origin == t.nameId) {
            // The decision has seen every write of the key the merge looked at.
            for (size_t p : plan.participants)
                if (p != r && !replicas_[p].state.at(pw.key).isNone())
                    receive(t, replicas_[p].state.at(pw.key), false);
            made = localWrite(r, pw.key, pw.after.value, pw.after.ts).write;
            ++progress.appended;
            continue;
        }
        Write w = pw.after;
        if (pw.decision) {
            if (made.isNone()) {
                ++progress.skipped; // its origin was skipped: nothing to adopt
                continue;
            }
            w = made;
        }
        receive(t, w, true);
        t.state.apply(w, order);
        append(r, w, entryKindOf(w, catalog_.seedOrigin()), true);
        ++progress.appended;
    }
    return progress;
}

void Engine::finishPlan(const MergePlan& plan) {
    const MergeRequest& req = plan.request;
    const std::vector<size_t>& from = req.fullSync ? req.targets : req.sources;
    for (size_t t : req.targets)
        for (size_t s : from)
            if (t != s)
                watermark(t, s) = std::max(watermark(t, s), plan.sourceLogEnds[s]);
}

void Engine::trim(std::span<const size_t> keepFrom, size_t minDead) {
    for (size_t s = 0; s < replicas_.size(); ++s) {
        Replica& rep = replicas_[s];
        size_t cut = std::min(keepFrom[s], rep.logEnd());
        for (size_t t = 0; t < replicas_.size(); ++t)
            if (t != s)
                cut = std::min(cut, watermark(t, s));
        // Erase only when the dead prefix is at least half the vector: amortised O(1) per entry.
        const size_t dead = cut - rep.logBase;
        if (dead == 0 || dead < minDead || dead * 2 < rep.log.size())
            continue;
        rep.log.erase(rep.log.begin(), rep.log.begin() + static_cast<std::ptrdiff_t>(dead));
        rep.logBase = cut;
    }
}

} // namespace syncscope

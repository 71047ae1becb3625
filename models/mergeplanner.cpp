#include "mergeplanner.h"

#include <algorithm>

namespace syncscope {

namespace {

// One participant's write for the key being planned.
struct Candidate {
    size_t replica;
    const Write* write;
};

// What a strategy or a choice picked: a value (kTombstone: the key deleted or absent), the
// replica it came from (-1: typed) and why.
struct Pick {
    ValueId value = kTombstone;
    int32_t replica = -1;
    DecisionReason reason = DecisionReason::Greatest;
};

class Planner {
public:
    Planner(const Engine& engine, const MergeRequest& request, const ManualChoices& choices)
        : engine_(engine)
        , request_(request)
        , choices_(choices)
        , catalog_(engine.catalog())
        , order_(catalog_.order()) {}

    MergePlan run();

private:
    std::string problem() const;
    // Plans key k for the targets given (their candidates: themselves and the sources).
    void planKey(KeyId k, const KeyConflict& conflict);
    void planTarget(KeyId k, ConflictKind kind, std::span<const size_t> targetIndexes,
                    std::span<const Candidate> candidates, const Candidate* own, int64_t maxTs);
    Pick pickByStrategy(std::span<const Candidate> candidates, const Candidate* own,
                        const Candidate& greatest) const;
    Pick pickByChoice(KeyId k, const ManualChoice& choice, const Candidate* own) const;
    size_t priorityRank(size_t replica) const;

    const Engine& engine_;
    const MergeRequest& request_;
    const ManualChoices& choices_;
    const Catalog& catalog_;
    const WriteOrder order_;
    MergePlan plan_;
    std::vector<const StoreState*> states_; // of plan_.participants
    std::vector<Candidate> scratch_;
    std::vector<size_t> allTargets_; // 0 .. targets-1: a FULL_SYNC decision is for all of them
};

std::string Planner::problem() const {
    const size_t n = engine_.replicaCount();
    if (request_.targets.empty())
        return "choose at least one target store";
    if (!request_.fullSync && request_.sources.empty())
        return "choose at least one source store";
    for (size_t r : request_.targets)
        if (r >= n)
            return "a target is not a store of this workspace";
    for (size_t r : request_.sources) {
        if (r >= n)
            return "a source is not a store of this workspace";
        if (std::find(request_.targets.begin(), request_.targets.end(), r) !=
            request_.targets.end())
            return "store " + engine_.replica(r).name + " cannot be both a target and a source";
    }
    if (request_.fullSync && strategyNeedsRoles(request_.strategy))
        return std::string(mergeStrategyTitle(request_.strategy)) +
               " needs a MERGE: in a FULL_SYNC every store is both source and target";
    return {};
}

size_t Planner::priorityRank(size_t replica) const {
    const auto it = std::find(request_.priority.begin(), request_.priority.end(), replica);
    return static_cast<size_t>(it - request_.priority.begin());
}

Pick Planner::pickByStrategy(std::span<const Candidate> candidates, const Candidate* own,
                             const Candidate& greatest) const {
    const auto pickOf = [](const Candidate& c, DecisionReason why) {
        return Pick{c.write->value, static_cast<int32_t>(c.replica), why};
    };
    switch (request_.strategy) {
    case MergeStrategy::LastWriterWins:
    case MergeStrategy::Manual:
        break;
    case MergeStrategy::SourceWins: {
        const Candidate* best = nullptr;
        for (const Candidate& c : candidates)
            if (&c != own && (best == nullptr || order_.less(*best->write, *c.write)))
                best = &c;
        if (best != nullptr)
            return pickOf(*best, DecisionReason::SourceWins);
        break;
    }
    case MergeStrategy::TargetWins:
        if (own != nullptr)
            return pickOf(*own, DecisionReason::TargetWins);
        break;
    case MergeStrategy::StorePriority: {
        const Candidate* best = &candidates.front();
        for (const Candidate& c : candidates) {
            const size_t rc = priorityRank(c.replica);
            const size_t rb = priorityRank(best->replica);
            if (rc < rb || (rc == rb && order_.less(*best->write, *c.write)))
                best = &c;
        }
        return pickOf(*best, DecisionReason::Priority);
    }
    case MergeStrategy::HighestGrade: {
        const Candidate* best = nullptr;
        for (const Candidate& c : candidates) {
            if (c.write->isTombstone())
                continue;
            if (best == nullptr) {
                best = &c;
                continue;
            }
            const int cmp =
                compareGrades(catalog_.value(c.write->value), catalog_.value(best->write->value));
            if (cmp > 0 || (cmp == 0 && order_.less(*best->write, *c.write)))
                best = &c;
        }
        if (best != nullptr)
            return pickOf(*best, DecisionReason::HighestGrade);
        break;
    }
    }
    return pickOf(greatest, DecisionReason::Greatest);
}

Pick Planner::pickByChoice(KeyId k, const ManualChoice& choice, const Candidate* own) const {
    switch (choice.kind) {
    case ManualChoice::Kind::KeepTarget:
        // Keeping a target that never had the key keeps it absent: a DELETE that beats the rest.
        return Pick{own != nullptr ? own->write->value : kTombstone,
                    static_cast<int32_t>(own != nullptr ? own->replica : request_.targets[0]),
                    DecisionReason::Manual};
    case ManualChoice::Kind::TakeStore: {
        const Write& w = engine_.replica(choice.store).state.at(k);
        return Pick{w.isNone() ? kTombstone : w.value, static_cast<int32_t>(choice.store),
                    DecisionReason::Manual};
    }
    case ManualChoice::Kind::TypeValue:
        return Pick{choice.value, -1, DecisionReason::Manual};
    }
    return Pick{};
}

void Planner::planTarget(KeyId k, ConflictKind kind, std::span<const size_t> targetIndexes,
                         std::span<const Candidate> candidates, const Candidate* own,
                         int64_t maxTs) {
    const Candidate* greatest = &candidates.front();
    for (const Candidate& c : candidates)
        if (order_.less(*greatest->write, *c.write))
            greatest = &c;
    const auto choice = choices_.find(k);
    const Pick pick = choice != choices_.end() ? pickByChoice(k, choice->second, own)
                                               : pickByStrategy(candidates, own, *greatest);

    // A pick of the value LWW keeps anyway adopts the greatest write; any other value becomes a
    // new write made at the first target, greater than every write of the key in any store.
    PlannedWrite pw;
    pw.key = k;
    pw.kind = kind;
    pw.reason = pick.reason;
    pw.picked = pick.replica;
    pw.greatest = *greatest->write;
    if (pick.value == greatest->write->value) {
        pw.after = *greatest->write;
    } else {
        pw.decision = true;
        const size_t origin = request_.targets[targetIndexes.front()];
        pw.after = Write{maxTs + 1, 0, k, pick.value, engine_.replica(origin).nameId, 0};
    }
    for (size_t t : targetIndexes) {
        pw.target = static_cast<uint8_t>(t);
        pw.before = engine_.replica(request_.targets[t]).state.at(k);
        if (!pw.before.sameWrite(pw.after))
            plan_.writes.push_back(pw);
    }
}

void Planner::planKey(KeyId k, const KeyConflict& conflict) {
    int64_t maxTs = 0;
    for (size_t r = 0; r < engine_.replicaCount(); ++r) {
        const Write& w = engine_.replica(r).state.at(k);
        if (!w.isNone())
            maxTs = std::max(maxTs, w.ts);
    }
    const size_t targetCount = request_.targets.size();
    if (request_.fullSync) {
        // One decision for the whole set, so every store ends with the same write.
        scratch_.clear();
        for (size_t i = 0; i < plan_.participants.size(); ++i)
            if (!states_[i]->at(k).isNone())
                scratch_.push_back(Candidate{plan_.participants[i], &states_[i]->at(k)});
        const Candidate* own = nullptr;
        for (const Candidate& c : scratch_)
            if (c.replica == request_.targets[0])
                own = &c;
        planTarget(k, conflict.kind, allTargets_, scratch_, own, maxTs);
        return;
    }
    for (size_t t = 0; t < targetCount; ++t) {
        scratch_.clear();
        const Write& mine = states_[t]->at(k);
        if (!mine.isNone())
            scratch_.push_back(Candidate{request_.targets[t], &mine});
        const Candidate* own = scratch_.empty() ? nullptr : &scratch_.front();
        for (size_t i = targetCount; i < plan_.participants.size(); ++i)
            if (!states_[i]->at(k).isNone())
                scratch_.push_back(Candidate{plan_.participants[i], &states_[i]->at(k)});
        if (scratch_.size() > (own != nullptr ? 1u : 0u)) {
            own = own != nullptr ? &scratch_.front() : nullptr; // scratch_ may have moved
            const size_t only[1] = {t};
            planTarget(k, conflict.kind, only, scratch_, own, maxTs);
        }
    }
}

MergePlan Planner::run() {
    plan_.request = request_;
    plan_.problem = problem();
    if (!plan_.ok())
        return std::move(plan_);
    for (size_t r : request_.targets)
        if (std::find(plan_.participants.begin(), plan_.participants.end(), r) ==
            plan_.participants.end())
            plan_.participants.push_back(r);
    for (size_t r : request_.sources)
        plan_.participants.push_back(r);
    if (plan_.participants.size() > kMaxConflictStores) {
        plan_.problem = "a merge can involve at most 32 stores";
        return std::move(plan_);
    }
    for (size_t r : plan_.participants)
        states_.push_back(&engine_.replica(r).state);
    for (size_t t = 0; t < request_.targets.size(); ++t)
        allTargets_.push_back(t);
    for (size_t r = 0; r < engine_.replicaCount(); ++r)
        plan_.sourceLogEnds.push_back(engine_.replica(r).logEnd());

    const CausalContexts& contexts = catalog_.contexts();
    const size_t keyCount = catalog_.keyCount();
    for (size_t i = 0; i < keyCount; ++i) {
        const KeyId k = static_cast<KeyId>(i);
        const KeyConflict conflict = classifyKey(k, states_, contexts, order_);
        if (conflict.kind == ConflictKind::Identical)
            continue;
        if (conflict.kind == ConflictKind::Concurrent)
            plan_.concurrent.push_back(k);
        if (request_.strategy == MergeStrategy::Manual &&
            conflict.kind == ConflictKind::Concurrent && choices_.find(k) == choices_.end()) {
            plan_.undecided.push_back(k);
            continue;
        }
        planKey(k, conflict);
    }
    // Ascending write order (docs/script-language.md), ties (one FULL_SYNC decision for several
    // targets) by target, so a key's group stays together.
    std::sort(plan_.writes.begin(), plan_.writes.end(),
              [this](const PlannedWrite& a, const PlannedWrite& b) {
                  if (order_.less(a.after, b.after))
                      return true;
                  if (order_.less(b.after, a.after))
                      return false;
                  return a.key != b.key ? a.key < b.key : a.target < b.target;
              });
    return std::move(plan_);
}

} // namespace

bool applyWholePlan(Engine& engine, const MergePlan& plan) {
    if (!plan.canApply())
        return false;
    const Engine::PlanProgress p = engine.applyPlanned(plan, 0, plan.writes.size());
    if (p.skipped != 0)
        return false;
    engine.finishPlan(plan);
    return true;
}

MergePlan planMerge(const Engine& engine, const MergeRequest& request,
                    const ManualChoices& choices) {
    return Planner(engine, request, choices).run();
}

} // namespace syncscope

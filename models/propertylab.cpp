#include "propertylab.h"

#include "identifiers.h"
#include "mergeplanner.h"
#include "recordconversion.h"

#include <algorithm>
#include <map>

namespace syncscope {

namespace {

// A store's value for a key, as the lab compares them: values, not writes (a merge that makes
// a new write of the value a store already shows has not changed what anyone reads).
constexpr uint32_t kNever = 0;
constexpr uint32_t kDeleted = 1;
constexpr uint32_t kFirstValue = 2;
using Values = std::vector<uint32_t>; // keys × stores, row-major

Values valuesOf(const Engine& e, std::span<const KeyId> keys) {
    const size_t stores = e.replicaCount();
    Values out;
    out.reserve(keys.size() * stores);
    for (KeyId k : keys)
        for (size_t r = 0; r < stores; ++r) {
            const Write& w = e.replica(r).state.at(k);
            out.push_back(w.isNone() ? kNever : w.isTombstone() ? kDeleted : w.value + kFirstValue);
        }
    return out;
}

std::string valueText(uint32_t code, const Catalog& catalog) {
    if (code == kNever)
        return {};
    if (code == kDeleted)
        return "deleted";
    return std::string(catalog.value(code - kFirstValue));
}

std::string keyText(const Catalog& catalog, KeyId k) {
    return spellKey(catalog.studentId(k), catalog.courseId(k));
}

// A value in a sentence: "A", "a delete", "nothing".
std::string valueWords(uint32_t code, const Catalog& catalog) {
    if (code == kNever)
        return "nothing";
    if (code == kDeleted)
        return "a delete";
    return valueText(code, catalog);
}

bool sameWriteEverywhere(const Engine& engine, std::span<const size_t> stores, KeyId k) {
    const Write& first = engine.replica(stores.front()).state.at(k);
    return std::all_of(stores.begin() + 1, stores.end(),
                       [&](size_t r) { return engine.replica(r).state.at(k).sameWrite(first); });
}

// Whether a rebuilt write is the original one, compared through the names and values.
bool sameRebuilt(const Write& a, const Catalog& ca, const Write& b, const Catalog& cb) {
    if (a.isNone() || b.isNone())
        return a.isNone() == b.isNone();
    return a.ts == b.ts && a.seq == b.seq && a.isTombstone() == b.isTombstone() &&
           (a.isTombstone() || ca.value(a.value) == cb.value(b.value)) &&
           ca.names().view(a.origin) == cb.names().view(b.origin);
}

// Every order of the steps under one strategy, walked depth first so orders sharing a prefix
// share its merges.
class StrategyRun {
public:
    StrategyRun(LabHistory& history, std::span<const LabStep> steps,
                std::span<const std::string> stepNames, MergeStrategy strategy,
                LabStrategyResult& result)
        : history_(history)
        , steps_(steps)
        , stepNames_(stepNames)
        , strategy_(strategy)
        , result_(result) {
        // Convergence is asked of the stores the merges touch: one no step names keeps its own
        // values whatever the strategy, and must not count as a failure to converge.
        merged_.assign(history_.engine.replicaCount(), 0);
        for (const LabStep& step : steps_) {
            if (step.fullSync)
                std::fill(merged_.begin(), merged_.end(), 1);
            else
                merged_[step.target] = merged_[step.source] = 1;
        }
        firstMerged_ =
            static_cast<size_t>(std::find(merged_.begin(), merged_.end(), 1) - merged_.begin());
    }

    std::vector<Values> run() {
        result_.strategy = strategy_;
        for (const LabStep& step : steps_) {
            const MergePlan plan = planMerge(history_.engine, request(step));
            if (!plan.ok()) {
                result_.problem = plan.problem;
                for (LabVerdict& v : result_.verdicts)
                    v = {LabVerdict::State::NotTested, plan.problem};
                return {};
            }
        }
        checkCommutative();
        std::vector<uint8_t> order;
        walk(history_.engine, order, 0);
        finishVerdicts();
        return std::move(values_);
    }

private:
    MergeRequest request(const LabStep& step) const {
        MergeRequest r;
        r.strategy = strategy_;
        r.fullSync = step.fullSync;
        for (size_t s = 0; s < history_.engine.replicaCount(); ++s) {
            r.priority.push_back(s);
            if (step.fullSync)
                r.targets.push_back(s);
        }
        if (!step.fullSync) {
            r.targets = {step.target};
            r.sources = {step.source};
        }
        return r;
    }

    void apply(Engine& e, const LabStep& step) const {
        applyWholePlan(e, planMerge(e, request(step)));
    }

    std::string storeName(size_t s) const { return history_.engine.replica(s).name; }

    void checkCommutative() {
        LabVerdict& v = verdict(LabProperty::Commutative);
        v.state = LabVerdict::State::NotTested;
        v.why = "no MERGE among the steps (a FULL_SYNC has no direction to swap)";
        const std::span<const KeyId> keys = history_.keys;
        const size_t stores = history_.engine.replicaCount();
        for (const LabStep& step : steps_) {
            if (step.fullSync)
                continue;
            v.state = LabVerdict::State::Held;
            Engine forward = history_.engine;
            apply(forward, step);
            Engine backward = history_.engine;
            apply(backward, LabStep{false, step.source, step.target});
            const Values f = valuesOf(forward, keys);
            const Values b = valuesOf(backward, keys);
            for (size_t i = 0; i < keys.size(); ++i) {
                const uint32_t ft = f[i * stores + step.target];
                const uint32_t bs = b[i * stores + step.source];
                if (ft == bs)
                    continue;
                const std::string t = storeName(step.target), s = storeName(step.source);
                v.state = LabVerdict::State::Failed;
                v.why = t + ".MERGE(" + s + ") leaves " + t + " with " +
                        valueWords(ft, history_.catalog) + " for " +
                        keyText(history_.catalog, keys[i]) + ", but " + s + ".MERGE(" + t +
                        ") leaves " + s + " with " + valueWords(bs, history_.catalog);
                return;
            }
        }
        if (v.state == LabVerdict::State::Held)
            v.why.clear();
    }

    void walk(const Engine& at, std::vector<uint8_t>& order, uint32_t used) {
        if (order.size() == steps_.size()) {
            reached(at, order);
            return;
        }
        for (size_t i = 0; i < steps_.size(); ++i) {
            if ((used >> i) & 1U)
                continue;
            // Two equal steps swapped are the same order: take equal steps first to last.
            bool repeat = false;
            for (size_t j = 0; j < i && !repeat; ++j)
                repeat = !((used >> j) & 1U) && steps_[j] == steps_[i];
            if (repeat)
                continue;
            Engine next = at;
            apply(next, steps_[i]);
            order.push_back(static_cast<uint8_t>(i));
            walk(next, order, used | (1U << i));
            order.pop_back();
        }
    }

    void reached(const Engine& e, const std::vector<uint8_t>& order) {
        Values values = valuesOf(e, history_.keys);
        auto [it, fresh] = outcomeOf_.try_emplace(values, result_.outcomes.size());
        if (fresh) {
            LabOutcome outcome;
            outcome.converged = firstDisagreement(values) == values.size();
            result_.outcomes.push_back(std::move(outcome));
            values_.push_back(std::move(values));
        }
        result_.outcomes[it->second].orders.push_back(order);
        checkIdempotent(e, order);
    }

    // Nothing written means nothing changed, so every step is planned on the same state.
    void checkIdempotent(const Engine& e, const std::vector<uint8_t>& order) {
        LabVerdict& v = verdict(LabProperty::Idempotent);
        if (v.state == LabVerdict::State::Failed)
            return;
        for (uint8_t i : order) {
            const MergePlan again = planMerge(e, request(steps_[i]));
            if (again.writes.empty())
                continue;
            v.state = LabVerdict::State::Failed;
            v.why = "after " + spellLabOrder(order, stepNames_) + ", running " + stepNames_[i] +
                    " again still writes " + std::to_string(again.writes.size()) + " key(s)";
            return;
        }
    }

    // The first cell of a merged store that differs from the first merged store in its row,
    // or values.size() when the merged stores all hold the same values.
    size_t firstDisagreement(const Values& values) const {
        const size_t stores = history_.engine.replicaCount();
        if (firstMerged_ >= stores)
            return values.size();
        for (size_t cell = 0; cell < values.size(); ++cell)
            if (merged_[cell % stores] &&
                values[cell] != values[cell - cell % stores + firstMerged_])
                return cell;
        return values.size();
    }

    void finishVerdicts() {
        const size_t stores = history_.engine.replicaCount();
        const Catalog& catalog = history_.catalog;
        LabVerdict& orderFree = verdict(LabProperty::OrderFree);
        if (result_.outcomes.size() > 1) {
            const Values& a = values_[0];
            const Values& b = values_[1];
            const size_t cell =
                static_cast<size_t>(std::mismatch(a.begin(), a.end(), b.begin()).first - a.begin());
            const KeyId k = history_.keys[cell / stores];
            const std::string store = storeName(cell % stores);
            orderFree.state = LabVerdict::State::Failed;
            orderFree.why = spellLabOrder(result_.outcomes[0].orders.front(), stepNames_) +
                            " leaves " + store + " with " + valueWords(a[cell], catalog) + " for " +
                            keyText(catalog, k) + ", but " +
                            spellLabOrder(result_.outcomes[1].orders.front(), stepNames_) +
                            " leaves it with " + valueWords(b[cell], catalog);
        }
        LabVerdict& convergent = verdict(LabProperty::Convergent);
        for (size_t o = 0; o < result_.outcomes.size(); ++o) {
            if (result_.outcomes[o].converged)
                continue;
            const Values& v = values_[o];
            const size_t cell = firstDisagreement(v);
            const size_t row = cell - cell % stores + firstMerged_;
            convergent.state = LabVerdict::State::Failed;
            convergent.why = "after " +
                             spellLabOrder(result_.outcomes[o].orders.front(), stepNames_) + ", " +
                             storeName(firstMerged_) + " holds " + valueWords(v[row], catalog) +
                             " for " + keyText(catalog, history_.keys[cell / stores]) + " and " +
                             storeName(cell % stores) + " holds " + valueWords(v[cell], catalog);
            return;
        }
    }

    LabVerdict& verdict(LabProperty p) { return result_.verdicts[static_cast<size_t>(p)]; }

    LabHistory& history_;
    std::span<const LabStep> steps_;
    std::span<const std::string> stepNames_;
    MergeStrategy strategy_;
    LabStrategyResult& result_;
    std::vector<Values> values_; // per outcome
    std::vector<char> merged_;   // per store: named by a step (a FULL_SYNC names every store)
    size_t firstMerged_ = 0;     // the first such store: the one the others are compared with
    std::map<Values, size_t> outcomeOf_;
};

// The rows some strategy ends differently on, across its orders or its stores.
std::vector<size_t> rowsToList(const std::vector<std::vector<Values>>& perStrategy, size_t rows,
                               size_t stores) {
    std::vector<size_t> listed;
    for (size_t row = 0; row < rows && listed.size() < kMaxLabListed; ++row) {
        const size_t at = row * stores;
        const bool differs =
            std::any_of(perStrategy.begin(), perStrategy.end(), [&](const auto& outcomes) {
                return std::any_of(outcomes.begin(), outcomes.end(), [&](const Values& v) {
                    for (size_t s = 0; s < stores; ++s)
                        if (v[at + s] != outcomes.front()[at])
                            return true;
                    return false;
                });
            });
        if (differs)
            listed.push_back(row);
    }
    if (listed.empty())
        for (size_t row = 0; row < std::min(rows, kMaxLabListed); ++row)
            listed.push_back(row);
    return listed;
}

} // namespace

std::string_view labPropertyName(LabProperty p) {
    static constexpr std::array<std::string_view, kLabProperties> kNames{
        "commutative", "order-free", "idempotent", "convergent"};
    return kNames[static_cast<size_t>(p)];
}

std::vector<MergeStrategy> labStrategies() {
    std::vector<MergeStrategy> out;
    for (size_t s = 0; s < kMergeStrategies; ++s)
        if (static_cast<MergeStrategy>(s) != MergeStrategy::Manual)
            out.push_back(static_cast<MergeStrategy>(s));
    return out;
}

std::string describeHeld(LabProperty p, size_t orders) {
    if (p == LabProperty::Commutative)
        return "held for every MERGE among the steps, swapped";
    return "held in all " + std::to_string(orders) + " orders";
}

std::string spellLabStep(const LabStep& step, std::span<const std::string> storeNames) {
    if (step.fullSync)
        return "FULL_SYNC";
    return storeNames[step.target] + ".MERGE(" + storeNames[step.source] + ")";
}

std::string spellLabOrder(std::span<const uint8_t> order, std::span<const std::string> steps) {
    std::string out;
    for (uint8_t i : order)
        out += (out.empty() ? "" : ", then ") + steps[i];
    return out;
}

std::unique_ptr<LabHistory> extractLabHistory(const Engine& engine, std::span<const size_t> stores,
                                              std::string& problem, size_t maxKeys) {
    if (stores.size() < 2) {
        problem = "choose at least two stores";
        return nullptr;
    }
    for (size_t r : stores) {
        if (r >= engine.replicaCount()) {
            problem = "a chosen store is not a store of this workspace";
            return nullptr;
        }
        if (engine.replica(r).logBase != 0) {
            problem =
                engine.replica(r).name + "'s oplog was trimmed: the lab needs its whole history";
            return nullptr;
        }
    }
    const Catalog& source = engine.catalog();
    // 1: a key some store holds; 2: one they disagree on that the lab keeps.
    std::vector<uint8_t> mark(source.keyCount(), 0);
    std::vector<KeyId> differing;
    for (size_t r : stores)
        for (KeyId k : engine.replica(r).state.keys())
            if (mark[k] == 0) {
                mark[k] = 1;
                if (!sameWriteEverywhere(engine, stores, k))
                    differing.push_back(k);
            }
    std::sort(differing.begin(), differing.end(),
              [&](KeyId a, KeyId b) { return source.packedKey(a) < source.packedKey(b); });
    auto lab = std::make_unique<LabHistory>();
    lab->differingKeys = differing.size();
    differing.resize(std::min(differing.size(), maxKeys));
    for (KeyId k : differing)
        mark[k] = 2;

    LogRecord record;
    for (size_t i = 0; i < stores.size(); ++i) {
        const Replica& rep = engine.replica(stores[i]);
        lab->engine.addReplica(rep.name);
        for (const OplogEntry& entry : rep.log) {
            if (!entry.isWrite() || mark[entry.write.key] != 2)
                continue;
            toRecord(entry, source, record);
            lab->engine.restore(i, fromRecord(record, lab->catalog));
        }
    }
    for (KeyId k : differing) {
        const KeyId labKey = lab->catalog.findKey(source.studentId(k), source.courseId(k));
        for (size_t i = 0; i < stores.size(); ++i) {
            const Write none;
            const Write& rebuilt =
                labKey == UINT32_MAX ? none : lab->engine.replica(i).state.at(labKey);
            if (!sameRebuilt(engine.replica(stores[i]).state.at(k), source, rebuilt,
                             lab->catalog)) {
                problem = engine.replica(stores[i]).name +
                          "'s oplog does not rebuild its grade table for " + keyText(source, k);
                return nullptr;
            }
        }
        lab->keys.push_back(labKey);
    }
    return lab;
}

PropertyLabReport runPropertyLab(LabHistory& history, std::span<const LabStep> steps,
                                 std::span<const MergeStrategy> strategies) {
    PropertyLabReport report;
    const size_t stores = history.engine.replicaCount();
    for (size_t s = 0; s < stores; ++s)
        report.storeNames.push_back(history.engine.replica(s).name);
    report.labKeys = history.keys.size();
    report.differingKeys = history.differingKeys;
    if (steps.empty() || steps.size() > kMaxLabSteps) {
        report.problem = "choose between 1 and " + std::to_string(kMaxLabSteps) + " merges";
        return report;
    }
    for (const LabStep& step : steps) {
        if (!step.fullSync &&
            (step.target >= stores || step.source >= stores || step.target == step.source)) {
            report.problem = "a merge needs two different stores of the lab";
            return report;
        }
        report.steps.push_back(spellLabStep(step, report.storeNames));
    }

    std::vector<std::vector<Values>> values;
    for (MergeStrategy strategy : strategies) {
        LabStrategyResult& result = report.strategies.emplace_back();
        values.push_back(StrategyRun(history, steps, report.steps, strategy, result).run());
        size_t orders = 0;
        for (const LabOutcome& o : result.outcomes)
            orders += o.orders.size();
        report.orders = std::max(report.orders, orders);
    }

    const std::vector<size_t> listed = rowsToList(values, history.keys.size(), stores);
    for (size_t row : listed)
        report.listedKeys.emplace_back(history.catalog.studentId(history.keys[row]),
                                       history.catalog.courseId(history.keys[row]));
    for (size_t s = 0; s < report.strategies.size(); ++s)
        for (size_t o = 0; o < report.strategies[s].outcomes.size(); ++o) {
            std::vector<std::string>& cells = report.strategies[s].outcomes[o].cells;
            for (size_t row : listed)
                for (size_t st = 0; st < stores; ++st)
                    cells.push_back(valueText(values[s][o][row * stores + st], history.catalog));
        }
    return report;
}

} // namespace syncscope

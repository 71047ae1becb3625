#include "commandexecutor.h"

#include <algorithm>

namespace syncscope {

CommandExecutor::CommandExecutor(Engine& engine, std::vector<size_t> storeOfName)
    : engine_(engine)
    , storeOfName_(std::move(storeOfName))
    , everyStore_(engine.replicaCount()) {
    for (size_t r = 0; r < everyStore_.size(); ++r)
        everyStore_[r] = r;
}

CommandExecutor::Outcome CommandExecutor::run(const Script& script, const Command& c) {
    Catalog& catalog = engine_.catalog();
    Outcome out;
    out.store = c.op == Op::FullSync ? 0 : storeOfName_[c.store];
    switch (c.op) {
    case Op::Set: {
        const KeyId k = catalog.internKey(script.view(c.studentId), script.view(c.courseId));
        engine_.set(out.store, k, catalog.internValue(script.view(c.value)), c.ts);
        break;
    }
    case Op::Delete:
        engine_.remove(out.store,
                       catalog.internKey(script.view(c.studentId), script.view(c.courseId)), c.ts);
        break;
    case Op::Get:
        out.get = engine_.get(
            out.store, catalog.internKey(script.view(c.studentId), script.view(c.courseId)), c.ts);
        break;
    case Op::Merge:
        engine_.merge(out.store, storeOfName_[c.source]);
        break;
    case Op::FullSync:
        out.touchesAll = true;
        if (c.syncCount == 0) {
            engine_.fullSync(everyStore_);
            break;
        }
        syncSet_.clear();
        for (uint16_t i = 0; i < c.syncCount; ++i)
            syncSet_.push_back(storeOfName_[script.syncList[c.sourceOffset + i].name]);
        std::sort(syncSet_.begin(), syncSet_.end());
        syncSet_.erase(std::unique(syncSet_.begin(), syncSet_.end()), syncSet_.end());
        engine_.fullSync(syncSet_);
        break;
    }
    return out;
}

} // namespace syncscope

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
    Resolved r;
    r.op = c.op;
    r.ts = c.ts;
    switch (c.op) {
    case Op::Set:
        r.value = catalog.internValue(script.view(c.value));
        [[fallthrough]];
    case Op::Get:
    case Op::Delete:
        r.key = catalog.internKey(script.view(c.studentId), script.view(c.courseId));
        r.store = storeOfName_[c.store];
        break;
    case Op::Merge:
        r.store = storeOfName_[c.store];
        r.source = storeOfName_[c.source];
        break;
    case Op::FullSync:
        if (c.syncCount == 0)
            break;
        syncSet_.clear();
        for (uint16_t i = 0; i < c.syncCount; ++i)
            syncSet_.push_back(storeOfName_[script.syncList[c.sourceOffset + i].name]);
        std::sort(syncSet_.begin(), syncSet_.end());
        syncSet_.erase(std::unique(syncSet_.begin(), syncSet_.end()), syncSet_.end());
        r.syncStores = syncSet_;
        break;
    }
    return run(r);
}

CommandExecutor::Outcome CommandExecutor::run(const Resolved& c) {
    Outcome out;
    out.store = c.op == Op::FullSync ? 0 : c.store;
    switch (c.op) {
    case Op::Set:
        out.written = engine_.set(c.store, c.key, c.value, c.ts);
        break;
    case Op::Delete:
        out.written = engine_.remove(c.store, c.key, c.ts);
        break;
    case Op::Get:
        out.get = engine_.get(c.store, c.key, c.ts);
        break;
    case Op::Merge:
        out.appended = engine_.merge(c.store, c.source);
        break;
    case Op::FullSync:
        out.touchesAll = true;
        out.appended = engine_.fullSync(c.syncStores.empty() ? std::span<const size_t>(everyStore_)
                                                             : c.syncStores);
        break;
    }
    return out;
}

} // namespace syncscope

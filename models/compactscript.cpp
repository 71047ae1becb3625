#include "compactscript.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace syncscope {

CompactScript::CompactScript(const Script& script, const std::vector<size_t>& storeOfName) {
    std::unordered_map<std::string, uint32_t> keyIndex, valueIndex;
    const auto indexOf = [](std::unordered_map<std::string, uint32_t>& index,
                            std::vector<std::string>& all, std::string text) {
        const auto [it, fresh] = index.try_emplace(std::move(text), 0);
        if (fresh) {
            it->second = static_cast<uint32_t>(all.size());
            all.push_back(it->first);
        }
        return it->second;
    };
    steps_.reserve(script.commands.size());
    std::string key;
    for (const Command& c : script.commands) {
        Step s;
        s.ts = c.ts;
        s.op = c.op;
        s.explicitTs = c.explicitTs;
        s.line = c.line;
        switch (c.op) {
        case Op::Set:
            s.value = indexOf(valueIndex, values_, std::string(script.view(c.value)));
            [[fallthrough]];
        case Op::Get:
        case Op::Delete:
            key.assign(script.view(c.studentId));
            key += '\n';
            key += script.view(c.courseId);
            s.key = indexOf(keyIndex, keys_, key);
            s.store = static_cast<uint16_t>(storeOfName[c.store]);
            break;
        case Op::Merge:
            s.store = static_cast<uint16_t>(storeOfName[c.store]);
            s.source = static_cast<uint16_t>(storeOfName[c.source]);
            break;
        case Op::FullSync: {
            if (c.syncCount == 0)
                break;
            const size_t first = syncStores_.size();
            for (uint16_t i = 0; i < c.syncCount; ++i)
                syncStores_.push_back(storeOfName[script.syncList[c.sourceOffset + i].name]);
            std::sort(syncStores_.begin() + static_cast<std::ptrdiff_t>(first), syncStores_.end());
            syncStores_.erase(std::unique(syncStores_.begin() + static_cast<std::ptrdiff_t>(first),
                                          syncStores_.end()),
                              syncStores_.end());
            s.syncFirst = static_cast<uint32_t>(first);
            s.syncCount = static_cast<uint16_t>(syncStores_.size() - first);
            break;
        }
        }
        steps_.push_back(s);
    }
}

namespace {
constexpr uint32_t kUnseen = ~uint32_t{0};
} // namespace

CompactScript::Resolver::Resolver(const CompactScript& script, Catalog& catalog)
    : script_(script)
    , catalog_(catalog)
    , keys_(script.keyCount(), kUnseen)
    , values_(script.valueCount(), kUnseen) {}

CommandExecutor::Resolved CompactScript::Resolver::operator()(const Step& step) {
    CommandExecutor::Resolved c;
    c.op = step.op;
    c.ts = step.ts;
    c.store = step.store;
    c.source = step.source;
    if (step.op == Op::Set || step.op == Op::Get || step.op == Op::Delete) {
        KeyId& key = keys_[step.key];
        if (key == kUnseen)
            key = catalog_.internKey(script_.studentId(step.key), script_.courseId(step.key));
        c.key = key;
    }
    if (step.op == Op::Set) {
        ValueId& value = values_[step.value];
        if (value == kUnseen)
            value = catalog_.internValue(script_.value(step.value));
        c.value = value;
    }
    if (step.syncCount > 0)
        c.syncStores =
            std::span<const size_t>(script_.syncStores_).subspan(step.syncFirst, step.syncCount);
    return c;
}

uint32_t CompactScript::continueAfter(int64_t held) {
    int64_t greatest = held;
    for (Step& s : steps_) {
        if (s.op == Op::Merge || s.op == Op::FullSync)
            continue; // a timestamp there has no effect (docs/script-language.md)
        if (!s.explicitTs) {
            if (greatest == std::numeric_limits<int64_t>::max())
                return s.line;
            s.ts = greatest + 1;
        }
        greatest = std::max(greatest, s.ts);
    }
    return 0;
}

} // namespace syncscope

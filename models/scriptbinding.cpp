#include "scriptbinding.h"

#include "identifiers.h"

#include <algorithm>
#include <optional>

namespace syncscope {

namespace {

std::string storeList(const std::vector<StoreSpec>& stores) {
    std::string out;
    for (const StoreSpec& s : stores) {
        if (!out.empty())
            out += ", ";
        out += s.name;
    }
    return out;
}

} // namespace

ErrorList bindStores(const Script& script, const StoreDirectory* configured,
                     StoreBinding& binding) {
    binding = {};
    const size_t unbound = SIZE_MAX;
    binding.storeOfName.assign(script.names.size(), unbound);
    std::vector<std::string> problem(script.names.size());
    // The name that would have been one store too many: said at its first mention only.
    size_t overLimit = unbound;

    if (configured) {
        binding.stores = configured->stores();
        const std::string known = storeList(binding.stores);
        for (size_t i = 0; i < script.names.size(); ++i) {
            if (const std::optional<size_t> at = configured->resolve(script.names[i]))
                binding.storeOfName[i] = *at;
            else
                problem[i] = "unknown store '" + script.names[i] + "': the workspace has " + known;
        }
    } else {
        for (size_t i = 0; i < script.names.size(); ++i) {
            const std::string canonical = StoreDirectory::defaultCanonical(script.names[i]);
            if (canonical == kSeedOrigin) {
                problem[i] = "store name CSV is reserved for seed data";
                continue;
            }
            auto it = std::find_if(binding.stores.begin(), binding.stores.end(),
                                   [&](const StoreSpec& s) { return s.name == canonical; });
            if (it == binding.stores.end()) {
                if (binding.stores.size() == kMaxStores) {
                    // Names come in order of first mention: the first over is the one to name.
                    if (overLimit == unbound) {
                        overLimit = i;
                        problem[i] = "store " + canonical + " would be store " +
                                     std::to_string(kMaxStores + 1) + ": a run has at most " +
                                     std::to_string(kMaxStores) + " stores";
                    }
                    continue;
                }
                binding.stores.push_back({canonical, {}, {}});
                it = binding.stores.end() - 1;
            }
            binding.storeOfName[i] = static_cast<size_t>(it - binding.stores.begin());
        }
    }

    ErrorList errors;
    auto check = [&](const Command& c, uint16_t name, uint32_t offset) {
        if (problem[name].empty())
            return true;
        errors.add({c.line, script.columnAt(c, offset), problem[name]});
        if (name == overLimit)
            problem[name].clear();
        return false;
    };
    for (const Command& c : script.commands) {
        switch (c.op) {
        case Op::Set:
        case Op::Get:
        case Op::Delete:
            check(c, c.store, c.storeOffset);
            break;
        case Op::Merge:
            if (check(c, c.store, c.storeOffset))
                check(c, c.source, c.sourceOffset);
            break;
        case Op::FullSync:
            for (uint16_t i = 0; i < c.syncCount; ++i) {
                const SyncListEntry& e = script.syncList[c.sourceOffset + i];
                if (!check(c, e.name, e.offset))
                    break;
            }
            break;
        }
    }
    return errors;
}

ErrorList checkScript(const Script& script, const StoreDirectory* configured,
                      StoreBinding& binding) {
    ErrorList errors = bindStores(script, configured, binding);
    errors.merge(script.errors, script.moreErrors);
    return errors;
}

} // namespace syncscope

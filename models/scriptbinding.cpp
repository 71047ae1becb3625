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

StoreBinder::StoreBinder(const StoreDirectory* configured)
    : configured_(configured) {
    if (configured_) {
        binding_.stores = configured_->stores();
        known_ = storeList(binding_.stores);
    }
}

void StoreBinder::bindNames(const std::vector<std::string>& names) {
    const size_t unbound = SIZE_MAX;
    for (size_t i = binding_.storeOfName.size(); i < names.size(); ++i) {
        size_t& store = binding_.storeOfName.emplace_back(unbound);
        std::string& problem = problem_.emplace_back();
        if (configured_) {
            if (const std::optional<size_t> at = configured_->resolve(names[i]))
                store = *at;
            else
                problem = "unknown store '" + names[i] + "': the workspace has " + known_;
            continue;
        }
        const std::string canonical = StoreDirectory::defaultCanonical(names[i]);
        if (canonical == kSeedOrigin) {
            problem = "store name CSV is reserved for seed data";
            continue;
        }
        std::vector<StoreSpec>& stores = binding_.stores;
        auto it = std::find_if(stores.begin(), stores.end(),
                               [&](const StoreSpec& s) { return s.name == canonical; });
        if (it == stores.end()) {
            if (stores.size() == kMaxStores) {
                // Names come in order of first mention: the first over is the one to name.
                if (overLimit_ == unbound) {
                    overLimit_ = i;
                    problem = "store " + canonical + " would be store " +
                              std::to_string(kMaxStores + 1) + ": a run has at most " +
                              std::to_string(kMaxStores) + " stores";
                }
                continue;
            }
            stores.push_back({canonical, {}, {}});
            it = stores.end() - 1;
        }
        store = static_cast<size_t>(it - stores.begin());
    }
}

bool StoreBinder::checkName(const Script& script, const Command& c, uint16_t name, uint32_t offset,
                            ErrorList& errors) {
    if (problem_[name].empty())
        return true;
    errors.add({c.line, script.columnAt(c, offset), problem_[name]});
    if (name == overLimit_) // said at its first mention only
        problem_[name].clear();
    return false;
}

void StoreBinder::check(const Script& script, ErrorList& errors) {
    bindNames(script.names);
    for (const Command& c : script.commands) {
        switch (c.op) {
        case Op::Set:
        case Op::Get:
        case Op::Delete:
            checkName(script, c, c.store, c.storeOffset, errors);
            break;
        case Op::Merge:
            if (checkName(script, c, c.store, c.storeOffset, errors))
                checkName(script, c, c.source, c.sourceOffset, errors);
            break;
        case Op::FullSync:
            for (uint16_t i = 0; i < c.syncCount; ++i) {
                const SyncListEntry& e = script.syncList[c.sourceOffset + i];
                if (!checkName(script, c, e.name, e.offset, errors))
                    break;
            }
            break;
        }
    }
}

ErrorList bindStores(const Script& script, const StoreDirectory* configured,
                     StoreBinding& binding) {
    StoreBinder binder(configured);
    ErrorList errors;
    binder.check(script, errors);
    binding = binder.takeBinding();
    return errors;
}

ErrorList checkScript(const Script& script, const StoreDirectory* configured,
                      StoreBinding& binding) {
    ErrorList errors = bindStores(script, configured, binding);
    errors.merge(script.errors, script.moreErrors);
    return errors;
}

} // namespace syncscope

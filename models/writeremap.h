#pragma once

#include "catalog.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace syncscope {

// Copies the values and origins a snapshot uses into tables of its own, so the snapshot can
// be read on another thread while the engine goes on interning.
class WriteRemap {
public:
    WriteRemap(const Catalog& catalog, std::vector<std::string>& values,
               std::vector<std::string>& origins)
        : catalog_(catalog)
        , values_(values)
        , origins_(origins) {}

    Write operator()(Write w) {
        if (w.isNone())
            return w;
        if (!w.isTombstone())
            w.value = id(valueIds_, values_, w.value, catalog_.value(w.value));
        w.origin = id(originIds_, origins_, w.origin, catalog_.names().view(w.origin));
        w.context = CausalContexts::kEmpty; // the snapshot keeps the verdicts, not the vectors
        return w;
    }

private:
    static uint32_t id(std::unordered_map<uint32_t, uint32_t>& ids, std::vector<std::string>& table,
                       uint32_t from, std::string_view text) {
        auto [it, inserted] = ids.try_emplace(from, static_cast<uint32_t>(table.size()));
        if (inserted)
            table.emplace_back(text);
        return it->second;
    }

    const Catalog& catalog_;
    std::vector<std::string>& values_;
    std::vector<std::string>& origins_;
    std::unordered_map<uint32_t, uint32_t> valueIds_, originIds_;
};

} // namespace syncscope

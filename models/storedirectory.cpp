#include "storedirectory.h"

#include "identifiers.h"

namespace syncscope {

StoreDirectory::StoreDirectory(std::vector<StoreSpec> stores)
    : stores_(std::move(stores)) {}

const std::vector<StoreSpec>& StoreDirectory::defaultGroups() {
    static const std::vector<StoreSpec> groups = {
        {"SQL", {"MYSQL", "POSTGRESQL", "POSTGRES", "PSQL", "PG"}, {}},
        {"MONGO", {"MONGODB"}, {}},
        {"HIVE", {}, {}},
        {"REDIS", {}, {}},
        {"SQLITE", {}, {}},
    };
    return groups;
}

std::string StoreDirectory::defaultCanonical(std::string_view spelled) {
    const std::string upper = upperAscii(spelled);
    for (const StoreSpec& g : defaultGroups()) {
        if (g.name == upper)
            return g.name;
        for (const std::string& a : g.aliases)
            if (a == upper)
                return g.name;
    }
    return upper;
}

std::optional<size_t> StoreDirectory::resolve(std::string_view spelled) const {
    const std::string upper = upperAscii(spelled);
    for (size_t i = 0; i < stores_.size(); ++i) {
        if (upperAscii(stores_[i].name) == upper)
            return i;
        for (const std::string& a : stores_[i].aliases)
            if (upperAscii(a) == upper)
                return i;
    }
    return std::nullopt;
}

} // namespace syncscope

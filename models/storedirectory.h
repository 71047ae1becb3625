#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// The most stores one run or workspace has (docs/cli.md#limits). Each store costs a worker
// thread and its event loop's wake-up descriptor, a connection (an SQLite file holds three
// descriptors: the database, its WAL and its shared memory), a panel in the window and a
// column of every comparison: 64 stay within the 1,024 descriptors most systems allow a
// process by default, and past a few dozen the panels no longer fit a screen anyway.
constexpr size_t kMaxStores = 64;

// One store of a workspace: canonical name, aliases, backend URI (empty = embedded default).
struct StoreSpec {
    std::string name;
    std::vector<std::string> aliases;
    std::string uri;
};

// Resolves the names a script uses to a workspace's stores (docs/script-language.md):
// case-insensitive, through canonical names and aliases.
class StoreDirectory {
public:
    StoreDirectory() = default;
    explicit StoreDirectory(std::vector<StoreSpec> stores);

    // The alias groups of the default workspace: SQL, MONGO, HIVE, REDIS, SQLITE.
    static const std::vector<StoreSpec>& defaultGroups();
    // The canonical name a default workspace gives to a spelled name: its alias group's, or the
    // name itself in upper case.
    static std::string defaultCanonical(std::string_view spelled);

    std::optional<size_t> resolve(std::string_view spelled) const;
    const std::vector<StoreSpec>& stores() const { return stores_; }

private:
    std::vector<StoreSpec> stores_;
};

} // namespace syncscope

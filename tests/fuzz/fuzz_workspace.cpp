// libFuzzer target: the files Syncscope reads besides scripts and data: a workspace
// (docs/backends.md) and a follow's positions file, on arbitrary bytes. Besides not
// crashing, a workspace that loads must have canonical, unique names and aliases and survive being
// written and read again unchanged; a positions file that loads must survive the same round trip.
#include "followstate.h"
#include "fuzzcheck.h"
#include "identifiers.h"
#include "workspacefile.h"

#include <set>

using namespace syncscope;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const WorkspaceFile ws = WorkspaceFile::fromJson(bytes, QStringLiteral("fuzz.json"));
    if (ws.error.isEmpty()) {
        std::set<std::string> names;
        for (const StoreSpec& s : ws.stores) {
            require(isCanonicalStoreName(s.name), "a store name that is not canonical passed");
            require(names.insert(s.name).second, "a name used twice passed");
            for (const std::string& a : s.aliases)
                require(names.insert(a).second, "an alias used twice passed");
        }
        const WorkspaceFile again =
            WorkspaceFile::fromJson(WorkspaceFile::toJson(ws.stores), QStringLiteral("again"));
        require(again.error.isEmpty() && again.stores.size() == ws.stores.size(),
                "a workspace written and read again changed");
        for (size_t i = 0; i < ws.stores.size(); ++i)
            require(again.stores[i].name == ws.stores[i].name &&
                        again.stores[i].uri == ws.stores[i].uri &&
                        again.stores[i].aliases == ws.stores[i].aliases,
                    "a store written and read again changed");
    } else {
        require(ws.error.contains(QStringLiteral("fuzz.json")), "an error does not name the file");
    }
    QString why;
    if (const std::optional<FollowState> state = FollowState::fromJson(bytes, why)) {
        QString again;
        const std::optional<FollowState> back = FollowState::fromJson(state->toJson(), again);
        require(back && back->targets.size() == state->targets.size() &&
                    back->source == state->source,
                "a positions file written and read again changed");
    } else {
        require(!why.isEmpty(), "a refused positions file without a reason");
    }
    return 0;
}

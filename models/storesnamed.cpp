#include "storesnamed.h"

namespace syncscope {

std::optional<UnavailableName> firstUnavailableNamed(const Script& script, const Command& command,
                                                     std::span<const size_t> storeOfName,
                                                     std::span<const char> unavailable) {
    const auto down = [&](size_t store) {
        return store < unavailable.size() && unavailable[store];
    };
    const auto named = [&](uint16_t name, uint32_t offset) -> std::optional<UnavailableName> {
        if (name >= storeOfName.size() || !down(storeOfName[name]))
            return std::nullopt;
        return UnavailableName{storeOfName[name], script.columnAt(command, offset)};
    };
    switch (command.op) {
    case Op::Set:
    case Op::Get:
    case Op::Delete:
        return named(command.store, command.storeOffset);
    case Op::Merge:
        if (auto target = named(command.store, command.storeOffset))
            return target;
        return named(command.source, command.sourceOffset);
    case Op::FullSync:
        if (command.syncCount == 0) {
            for (size_t s = 0; s < unavailable.size(); ++s)
                if (down(s))
                    return UnavailableName{s, script.columnAt(command, command.lineOffset)};
            return std::nullopt;
        }
        for (size_t i = 0; i < command.syncCount; ++i) {
            const SyncListEntry& e = script.syncList[command.sourceOffset + i];
            if (auto found = named(e.name, e.offset))
                return found;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace syncscope

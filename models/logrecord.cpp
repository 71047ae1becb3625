#include "logrecord.h"

namespace syncscope {

const char* entryKindName(EntryKind kind) {
    switch (kind) {
    case EntryKind::Set:
        return "SET";
    case EntryKind::Delete:
        return "DELETE";
    case EntryKind::Get:
        return "GET";
    case EntryKind::Seed:
        return "SEED";
    }
    return "?";
}

bool entryKindFromName(std::string_view name, EntryKind& kind) {
    for (EntryKind k : {EntryKind::Set, EntryKind::Delete, EntryKind::Get, EntryKind::Seed}) {
        if (name == entryKindName(k)) {
            kind = k;
            return true;
        }
    }
    return false;
}

} // namespace syncscope

#include "storestate.h"

namespace syncscope {

// Equal when every key has the same greatest write; key order of first write is irrelevant.
bool StoreState::operator==(const StoreState& o) const {
    if (keys_.size() != o.keys_.size() || live_ != o.live_)
        return false;
    for (KeyId k : keys_)
        if (!at(k).sameWrite(o.at(k)))
            return false;
    return true;
}

} // namespace syncscope

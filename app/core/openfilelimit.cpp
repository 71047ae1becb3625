#include "openfilelimit.h"

#include "storedirectory.h"

#include <sys/resource.h>

#include <algorithm>

namespace syncscope {

void raiseOpenFileLimit() {
    constexpr rlim_t kPerStore = 16, kBesides = 256;
    constexpr rlim_t wanted = kMaxStores * kPerStore + kBesides;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted)
        return;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace syncscope

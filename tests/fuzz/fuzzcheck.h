#pragma once
// What a fuzz target does when a reader breaks a promise that is not a crash: says which one
// and aborts, so libFuzzer keeps the input as a crash.
#include <cstdio>
#include <cstdlib>

namespace fuzz {

inline void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz: broken promise: %s\n", what);
        std::abort();
    }
}

} // namespace fuzz

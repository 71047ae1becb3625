#pragma once

#include "seedcsv.h"

#include <cstdint>
#include <vector>

namespace syncscope {

// Demo data in the course data set's shape (docs/script-language.md): students SID1000.. take every
// one of the courses CSE001.., with a roll number and an e-mail address as attributes and grades
// drawn from a realistic distribution (A 18%, B 30%, C 26%, D 14%, E 7%, F 5%).
// Deterministic for a given seed.
std::vector<SeedRow> generateSampleData(int students, int courses, uint64_t seed = 20261121);

} // namespace syncscope

#include "sampledata.h"

#include <array>
#include <cstdio>
#include <random>

namespace syncscope {

std::vector<SeedRow> generateSampleData(int students, int courses, uint64_t seed) {
    static constexpr std::array<const char*, 6> grades{"A", "B", "C", "D", "E", "F"};
    static constexpr std::array<int, 6> percent{18, 30, 26, 14, 7, 5};
    std::mt19937_64 rng(seed);
    std::vector<SeedRow> rows;
    rows.reserve(static_cast<size_t>(std::max(0, students)) *
                 static_cast<size_t>(std::max(0, courses)));
    char buf[64];
    for (int s = 0; s < students; ++s) {
        for (int c = 0; c < courses; ++c) {
            SeedRow row;
            std::snprintf(buf, sizeof buf, "SID%d", 1000 + s);
            row.studentId = buf;
            std::snprintf(buf, sizeof buf, "CSE%03d", 1 + c);
            row.courseId = buf;
            int draw = static_cast<int>(rng() % 100), g = 0;
            while (draw >= percent[static_cast<size_t>(g)]) {
                draw -= percent[static_cast<size_t>(g)];
                ++g;
            }
            row.grade = grades[static_cast<size_t>(g)];
            std::snprintf(buf, sizeof buf, "%d", s + 1);
            row.attributes = std::string("{\"email ID\":\"sid") + std::to_string(1000 + s) +
                             "@example.edu\",\"roll no\":\"" + buf + "\"}";
            row.line = static_cast<uint32_t>(rows.size() + 2);
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

} // namespace syncscope

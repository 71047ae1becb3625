// libFuzzer target: the seed-data CSV reader (docs/script-language.md) on arbitrary bytes. Besides
// not crashing, a file without errors must give rows whose keys and grades obey
// docs/script-language.md and appear once, on lines the file has; errors name such lines.
#include "fuzzcheck.h"
#include "identifiers.h"
#include "seedcsv.h"

#include <algorithm>
#include <set>
#include <string>

using namespace syncscope;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const SeedData seed = parseSeedCsv("fuzz.csv", text);
    const auto lines = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n') + 1);
    for (const ScriptError& e : seed.errors) {
        if (e.line < 1 || e.line > lines)
            std::fprintf(stderr, "line %u of %u: %s\n", e.line, lines, e.message.c_str());
        require(e.line >= 1 && e.line <= lines, "an error names a line the file does not have");
        require(!e.message.empty(), "an error says nothing");
    }
    if (!seed.errors.empty())
        return 0;
    std::set<std::pair<std::string, std::string>> keys;
    for (const SeedRow& r : seed.rows) {
        require(isValidIdentifier(r.studentId) && isValidIdentifier(r.courseId),
                "an invalid key passed");
        require(isValidValue(r.grade), "an invalid grade passed");
        require(r.line >= 2 && r.line <= lines, "a row on a line the file does not have");
        require(keys.insert({r.studentId, r.courseId}).second, "a key passed twice");
        require(r.attributes.empty() || r.attributes.front() == '{', "attributes are not JSON");
    }
    return 0;
}

// libFuzzer target: the testcase-script parser (docs/script-language.md) on arbitrary bytes.
// Besides not crashing (AddressSanitizer and UBSan watch), it checks what the rest of the program
// relies on: errors name a line of the text at a column of that line; a script without errors has
// keys and values that obey docs/script-language.md's rules; and a script that parsed parses again
// to the same commands.
#include "fuzzcheck.h"
#include "identifiers.h"
#include "script.h"

#include <algorithm>
#include <string>

using namespace syncscope;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const Script script = parseScript("fuzz.txt", text);
    const auto lines = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n') + 1);
    for (const ScriptError& e : script.errors) {
        require(e.line >= 1 && e.line <= lines, "an error names a line the text does not have");
        require(e.column >= 1, "an error has no column");
        require(!e.message.empty(), "an error says nothing");
        require(script.formatError(e).rfind("fuzz.txt:", 0) == 0,
                "an error does not name the file");
    }
    if (!script.ok())
        return 0;
    for (const Command& c : script.commands) {
        require(c.line >= 1 && c.line <= lines, "a command on a line the text does not have");
        if (c.op == Op::Set || c.op == Op::Get || c.op == Op::Delete) {
            require(isValidIdentifier(script.view(c.studentId)), "an invalid student id passed");
            require(isValidIdentifier(script.view(c.courseId)), "an invalid course id passed");
        }
        if (c.op == Op::Set)
            require(isValidValue(script.view(c.value)), "an invalid grade passed");
    }
    const Script again = parseScript("fuzz.txt", text);
    require(again.ok() && again.commands.size() == script.commands.size(),
            "the same text parsed twice differs");
    return 0;
}

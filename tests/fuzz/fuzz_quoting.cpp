// libFuzzer target: the two functions that put outside text where it could be obeyed.
//  - hiveStringLiteral, the one escaping between a value and a HiveQL statement (HiveServer2
//    has no bound parameters): for any bytes, the statement HiveServer2 would see after its
//    variable substitution holds exactly one literal, and Hive's unescaping (the hs2 peer's
//    copy of it) gives those bytes back. Nothing of the value can end the literal, add a
//    statement or name a variable.
//  - displayText / quotedForMessage, how messages quote what files and stores hand over: the
//    result never holds a control byte, is valid UTF-8, and stays short for long input.
#include "displaytext.h"
#include "fuzzcheck.h"
#include "hivedialect.h"
#include "hiveql.h"
#include "utf8.h"

#include <string>

using namespace syncscope;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);

    const std::string statement = "SELECT " + hiveStringLiteral(bytes) + " AS v";
    const std::string seen = hs2peer::substituteHiveVariables(statement, {{"x", "X"}});
    require(seen == statement, "HiveServer2 would substitute a variable inside the literal");
    const hs2peer::Translation t = hs2peer::translateHiveQl(seen);
    require(t.error.empty(), "the statement does not parse");
    require(t.params.size() == 1, "the value is not exactly one literal");
    require(t.params.front() == bytes, "the literal does not read back as the value");

    for (const std::string& shown : {displayText(bytes), quotedForMessage(bytes)}) {
        for (const char c : shown)
            require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
                    "a control byte reaches a message");
        require(checkUtf8(shown).status == Utf8Status::Ok, "a message is not UTF-8");
    }
    require(quotedForMessage(bytes).size() <= 4 * 64 + 40, "a quoted field is not cut short");
    return 0;
}

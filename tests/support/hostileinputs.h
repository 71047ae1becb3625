#pragma once
// The hostile inputs: identifiers and values built to break quoting, escaping, protocols
// and limits. docs/script-language.md decides each one: it is either a valid key and grade, which
// every backend must store and give back byte for byte, or it breaks a rule, which every backend
// must refuse with a clear error before writing anything. Nothing in them may ever run as code.
#include <string>
#include <vector>

namespace lab {

struct HostileInput {
    std::string label; // the input class, as the hostile-input table names it
    std::string studentId, courseId, value;
    bool valid; // docs/script-language.md takes it
};

inline std::vector<HostileInput> hostileInputs() {
    using namespace std::string_literals;
    const std::string x64(64, 'x');
    return {
        {"quotes", "S", "C", "O'Brien \"Bob\" `x`", true},
        {"backslashes", "S", "C", "\\ \\' \\N \\0 \\u0041 \\x41 \\", true},
        {"SQL injection", "S", "C", "'); DROP TABLE grades; --", true},
        {"SQL tautology", "S", "C", "1' OR '1'='1", true},
        {"HiveQL injection", "S", "C", "'),('X','Y','Z'),('", true},
        {"HiveQL variable", "S", "C", "${env:HOME} ${system:user.name}", true},
        {"MongoDB operator value", "S", "C", "{\"$gt\": \"\"}", true},
        {"MongoDB operator id", "$where", "C", "A", false},
        {"MongoDB dotted id", "a.b", "c.d", "A", true},
        {"Redis protocol inline", "S", "C", "*3 $3 SET $1 k $1 v", true},
        {"Redis protocol CRLF", "S", "C", "A\r\n*1\r\n$8\r\nFLUSHALL\r\n", false},
        {"Redis glob id", "S*", "C", "A", false},
        {"newline", "S", "C", "A\nB", false},
        {"NUL in value", "S", "C", "A\0B"s, false},
        {"NUL in id", "S\0T"s, "C", "A", false},
        {"tab", "S", "C", "A\tB", false},
        {"terminal escape", "S", "C", "\x1b[2JA", false},
        {"C1 control", "S", "C", "A\xc2\x85", false},
        {"right-to-left", "S", "C", "\u202eA+\u202c \u05e9\u05dc\u05d5\u05dd \u0627", true},
        {"combining marks", "S", "C", "e\u0301\u0301\u0301 Z\u0351\u036b\u0489", true},
        {"4-byte UTF-8", "S", "C", "\U0001F600\U00010348", true},
        {"invalid UTF-8", "S", "C", "\xff\xfe", false},
        {"overlong UTF-8", "S", "C", "\xc0\xaf", false},
        {"UTF-16 surrogate", "S", "C", "\xed\xa0\x80", false},
        {"quote in id", "S'1", "C", "A", false},
        {"space in id", "S 1", "C", "A", false},
        {"unicode id", "S\u00e9", "C", "A", false},
        {"empty value", "S", "C", "", false},
        {"value 64 bytes", "S", "C", x64, true},
        {"value 65 bytes", "S", "C", x64 + "x", false},
        {"value 64 bytes, multibyte end", "S", "C", std::string(62, 'x') + "\u00e9", true},
        {"value 65 bytes, multibyte end", "S", "C", std::string(63, 'x') + "\u00e9", false},
        {"value 63 bytes", "S", "C", std::string(63, 'y'), true},
        {"student id 64 bytes", x64, "C", "A", true},
        {"student id 65 bytes", x64 + "x", "C", "A", false},
        {"course id 64 bytes", "S", x64, "A", true},
        {"course id 65 bytes", "S", x64 + "y", "A", false},
    };
}

} // namespace lab

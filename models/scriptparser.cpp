// The script parser of docs/script-language.md: a hand-written scanner over the whole file held in
// memory. It allocates only for errors, new store names and escaped strings, so a million-line
// script parses in a few tens of milliseconds (see tests/bench/bench_parse).
#include "script.h"

#include "errorlist.h"
#include "identifiers.h"
#include "utf8.h"

#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>

namespace syncscope {

namespace {

// The per-token helpers are tiny and run several times per line; GCC at -O2 kept some of them
// out of line (forcing them inline took bench_parse from 7.1 to 7.4 M lines/s). Error paths
// are the opposite: cold.
#define SYNCSCOPE_HOT inline __attribute__((always_inline))
#define SYNCSCOPE_COLD __attribute__((noinline, cold))

// Character classes by table lookup: one load per byte instead of a chain of comparisons.
enum CharClass : uint8_t {
    kBlank = 1,    // space, tab, CR, FF, VT
    kAlpha = 2,    // A-Z a-z
    kDigit = 4,    // 0-9
    kName = 8,     // store and operation names: A-Z a-z 0-9 _
    kIdent = 16,   // student and course ids: A-Z a-z 0-9 _ . -
    kBareEnd = 32, // ends a bare value: blanks , ( )
};

constexpr std::array<uint8_t, 256> makeClasses() {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        uint8_t k = 0;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
            k |= kBlank | kBareEnd;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
            k |= kAlpha | kName | kIdent;
        if (c >= '0' && c <= '9')
            k |= kDigit | kName | kIdent;
        if (c == '_')
            k |= kName | kIdent;
        if (c == '.' || c == '-')
            k |= kIdent;
        if (c == ',' || c == '(' || c == ')' || c == '\n')
            k |= kBareEnd;
        t[static_cast<size_t>(c)] = k;
    }
    return t;
}
constexpr std::array<uint8_t, 256> kClasses = makeClasses();

SYNCSCOPE_HOT bool is(char c, uint8_t cls) {
    return kClasses[static_cast<unsigned char>(c)] & cls;
}
SYNCSCOPE_HOT bool isBlank(char c) {
    return is(c, kBlank);
}
SYNCSCOPE_HOT bool isAlpha(char c) {
    return is(c, kAlpha);
}
SYNCSCOPE_HOT bool isDigit(char c) {
    return is(c, kDigit);
}
SYNCSCOPE_HOT bool isNameChar(char c) {
    return is(c, kName);
}
SYNCSCOPE_HOT bool endsBareToken(char c) {
    return is(c, kBareEnd);
}

SYNCSCOPE_HOT bool equalsNoCase(const char* p, size_t n, std::string_view upper) {
    if (n != upper.size())
        return false;
    for (size_t i = 0; i < n; ++i) {
        char c = p[i];
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        if (c != upper[i])
            return false;
    }
    return true;
}

class Parser {
public:
    explicit Parser(Script& script)
        : s_(script) {}

    void startClock(const TimestampClock& clock) {
        haveMaxTs_ = clock.used;
        maxTs_ = clock.greatest;
    }
    TimestampClock clock() const { return {haveMaxTs_, maxTs_}; }
    uint32_t nextLine() const { return nextLine_; }

    // Parses s_.text as the script's next lines: the whole script, or a piece of whole lines
    // (ScriptPieceParser). Line numbers go on from the previous piece.
    void run() {
        const char* const base = s_.text.data();
        const char* cur = base;
        const char* const textEnd = base + s_.text.size();
        if (s_.text.size() >= Script::kUnescapedBit) {
            if (s_.errors.empty()) // the first piece that large says it; nothing after is read
                s_.errors.push_back({nextLine_, 1, "script is larger than 2 GiB"});
            return;
        }
        // Lines are not split up front: every scan stops at '\n' (no character class holds it),
        // so a well-formed line is read once; only comments and errors search for its end.
        end_ = textEnd;
        uint32_t line = nextLine_;
        while (cur < textEnd) {
            parseLine(cur, line);
            if (p_ >= textEnd || *p_ != '\n')
                p_ = lineEndFrom(p_);
            cur = p_ + 1;
            ++line;
        }
        nextLine_ = line;
    }

private:
    Script& s_;
    const char* lineStart_ = nullptr;
    const char* end_ = nullptr; // end of the whole text; a line ends at '\n' or here
    const char* p_ = nullptr;
    uint32_t line_ = 0;
    uint32_t nextLine_ = 1; // of the next piece's first line
    bool failed_ = false;
    bool haveMaxTs_ = false;
    int64_t maxTs_ = 0;
    std::array<uint16_t, 256> nameSlots_{};                 // name index + 1; 0 = empty
    std::unordered_map<std::string, uint16_t> nameIndexes_; // every name, upper case

    uint32_t offsetOf(const char* at) const { return static_cast<uint32_t>(at - s_.text.data()); }
    // std::string keeps a '\0' after its last byte, and no character class holds '\0', so the
    // class-driven loops stop at the end of the text without a bounds check per byte.
    SYNCSCOPE_HOT bool atEnd() const { return *p_ == '\n' || p_ >= end_; }
    SYNCSCOPE_HOT char peek() const { return *p_; }
    SYNCSCOPE_HOT void skipBlanks() {
        while (isBlank(*p_))
            ++p_;
    }
    const char* lineEndFrom(const char* from) const {
        const auto* nl =
            static_cast<const char*>(std::memchr(from, '\n', static_cast<size_t>(end_ - from)));
        return nl ? nl : end_;
    }

    SYNCSCOPE_COLD bool fail(const char* at, std::string message) {
        if (!failed_ && s_.errors.size() >= kMaxErrorsShown) {
            ++s_.moreErrors; // counted only: neither its column nor its text is needed
            failed_ = true;
        }
        if (!failed_) {
            const char* lineEnd = lineEndFrom(lineStart_);
            const std::string_view lineText(lineStart_, static_cast<size_t>(lineEnd - lineStart_));
            const size_t column = columnOf(lineText, static_cast<size_t>(at - lineStart_));
            s_.errors.push_back({line_, static_cast<uint32_t>(column), std::move(message)});
            failed_ = true;
        }
        return false;
    }

    SYNCSCOPE_HOT bool expect(char c, const char* message) {
        skipBlanks();
        if (peek() != c)
            return fail(p_, message);
        ++p_;
        skipBlanks();
        return true;
    }

    void parseLine(const char* begin, uint32_t line) {
        lineStart_ = begin;
        p_ = begin;
        line_ = line;
        failed_ = false;
        skipBlanks();
        if (atEnd() || *p_ == '#' || (*p_ == '/' && p_ + 1 < end_ && p_[1] == '/'))
            return;
        // Built in place: a failed line is popped again.
        Command& c = s_.commands.emplace_back();
        c.line = line;
        c.lineOffset = offsetOf(begin);
        if (!parseCommand(c))
            s_.commands.pop_back();
    }

    bool parseTimestamp(Command& c) {
        const char* start = p_;
        bool negative = false;
        if (*p_ == '+' || *p_ == '-') {
            negative = *p_ == '-';
            ++p_;
        }
        if (!isDigit(peek()))
            return fail(p_, "expected digits of the timestamp");
        // Accumulate as a negative number so INT64_MIN parses too.
        int64_t value = 0;
        constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
        while (isDigit(peek())) {
            const int digit = *p_ - '0';
            if (value < (kMin + digit) / 10)
                return fail(start, "timestamp is out of the 64-bit range");
            value = value * 10 - digit;
            ++p_;
        }
        if (!negative) {
            if (value == kMin)
                return fail(start, "timestamp is out of the 64-bit range");
            value = -value;
        }
        c.ts = value;
        c.explicitTs = true;
        return expect(',', "expected ',' after the timestamp");
    }

    bool parseName(uint16_t& index, uint32_t& offset, const char* missing) {
        skipBlanks();
        const char* start = p_;
        if (!isAlpha(peek()))
            return fail(p_, missing);
        while (isNameChar(peek()))
            ++p_;
        return nameIndex(start, static_cast<size_t>(p_ - start), index, offset);
    }

    // A script names a handful of stores, interleaved at random: a 256-slot direct table keyed
    // by (first letter, last letter, length) finds the name with one compare.
    static size_t nameSlot(const char* start, size_t n) {
        const auto first = static_cast<unsigned char>(start[0] & ~0x20);
        const auto last = static_cast<unsigned char>(start[n - 1] & ~0x20);
        return (first * 7u + last * 13u + n * 31u) & 255u;
    }

    SYNCSCOPE_HOT bool nameIndex(const char* start, size_t n, uint16_t& index, uint32_t& offset) {
        offset = offsetOf(start);
        if (n <= kMaxIdentifierBytes) {
            const uint16_t slot = nameSlots_[nameSlot(start, n)];
            if (slot != 0 && equalsNoCase(start, n, s_.names[slot - 1u])) {
                index = static_cast<uint16_t>(slot - 1u);
                return true;
            }
        }
        return findOrAddName(start, n, index);
    }

    // Hashed, not searched: a script of 60,000 different names must not take minutes.
    bool findOrAddName(const char* start, size_t n, uint16_t& index) {
        if (n > kMaxIdentifierBytes)
            return fail(start, "store name is longer than 64 bytes");
        std::string upper = upperAscii(std::string_view(start, n));
        auto found = nameIndexes_.find(upper);
        if (found == nameIndexes_.end()) {
            if (s_.names.size() >= UINT16_MAX - 1)
                return fail(start, "too many different store names");
            s_.names.push_back(upper);
            found =
                nameIndexes_.emplace(std::move(upper), static_cast<uint16_t>(s_.names.size() - 1))
                    .first;
        }
        index = found->second;
        nameSlots_[nameSlot(start, n)] = static_cast<uint16_t>(index + 1u);
        return true;
    }

    SYNCSCOPE_HOT bool parseIdentifier(Span& span, const char* what, const char* tooLong) {
        skipBlanks();
        const char* start = p_;
        while (is(*p_, kIdent))
            ++p_;
        const size_t n = static_cast<size_t>(p_ - start);
        if (n == 0)
            return fail(start, what);
        if (n > kMaxIdentifierBytes)
            return fail(start, tooLong);
        span = {offsetOf(start), static_cast<uint32_t>(n)};
        return true;
    }

    // (SID,CID) with the opening parenthesis already consumed; consumes the closing one.
    SYNCSCOPE_HOT bool parseKeyBody(Command& c) {
        return parseIdentifier(c.studentId, "expected a student id",
                               "student id is longer than 64 bytes") &&
               expect(',', "expected ',' after student id") &&
               parseIdentifier(c.courseId, "expected a course id",
                               "course id is longer than 64 bytes") &&
               expect(')', "expected ')' after course id");
    }

    SYNCSCOPE_HOT bool checkValue(const char* at, std::string_view v) {
        // Fast path: short printable ASCII, the shape of nearly every grade.
        bool plain = !v.empty() && v.size() <= kMaxValueBytes;
        for (size_t i = 0; plain && i < v.size(); ++i)
            plain = static_cast<unsigned char>(v[i]) - 0x20u < 0x5Fu;
        if (plain)
            return true;
        if (const char* problem = valueProblem(v))
            return fail(at, problem);
        return true;
    }

    bool parseValue(Command& c) {
        skipBlanks();
        const char* start = p_;
        if (peek() == '"')
            return parseQuotedValue(c);
        while (!endsBareToken(*p_) && p_ < end_)
            ++p_;
        const size_t n = static_cast<size_t>(p_ - start);
        if (n == 0)
            return fail(start, "expected a value");
        c.value = {offsetOf(start), static_cast<uint32_t>(n)};
        return checkValue(start, std::string_view(start, n));
    }

    bool parseQuotedValue(Command& c) {
        const char* open = p_++;
        const char* contentStart = p_;
        bool escaped = false;
        while (!atEnd() && *p_ != '"') {
            if (*p_ == '\\') {
                if (p_ + 1 >= end_ || p_[1] == '\n')
                    break;
                if (p_[1] != '"' && p_[1] != '\\')
                    return fail(p_, "invalid escape in value: only \\\" and \\\\ are allowed");
                escaped = true;
                p_ += 2;
                continue;
            }
            ++p_;
        }
        if (atEnd() || *p_ != '"')
            return fail(open, "unterminated string: expected a closing '\"'");
        const char* contentEnd = p_++;
        if (!escaped) {
            const size_t n = static_cast<size_t>(contentEnd - contentStart);
            c.value = {offsetOf(contentStart), static_cast<uint32_t>(n)};
            return checkValue(open, std::string_view(contentStart, n));
        }
        const size_t at = s_.unescaped.size();
        for (const char* q = contentStart; q < contentEnd; ++q) {
            if (*q == '\\')
                ++q;
            s_.unescaped.push_back(*q);
        }
        const size_t n = s_.unescaped.size() - at;
        c.value = {static_cast<uint32_t>(at) | Script::kUnescapedBit, static_cast<uint32_t>(n)};
        return checkValue(open, std::string_view(s_.unescaped).substr(at, n));
    }

    bool parseStoreOp(Command& c, uint16_t store, uint32_t storeOffset) {
        ++p_; // '.'
        skipBlanks();
        const char* opStart = p_;
        while (isNameChar(peek()))
            ++p_;
        const size_t n = static_cast<size_t>(p_ - opStart);
        if (n == 0)
            return fail(opStart, "expected an operation after '.': SET, GET, DELETE or MERGE");
        if (equalsNoCase(opStart, n, "SET"))
            c.op = Op::Set;
        else if (equalsNoCase(opStart, n, "GET"))
            c.op = Op::Get;
        else if (equalsNoCase(opStart, n, "DELETE"))
            c.op = Op::Delete;
        else if (equalsNoCase(opStart, n, "MERGE"))
            c.op = Op::Merge;
        else
            return fail(opStart, "unknown operation '" + std::string(opStart, n) +
                                     "': expected SET, GET, DELETE or MERGE");
        c.store = store;
        c.storeOffset = storeOffset;
        switch (c.op) {
        case Op::Set:
            return expect('(', "expected '(' after SET") &&
                   expect('(', "expected '(' before the key: SET((student,course),value)") &&
                   parseKeyBody(c) && expect(',', "expected ',' after the key") && parseValue(c) &&
                   expect(')', "expected ')' after the value");
        case Op::Get:
        case Op::Delete: {
            if (!expect('(',
                        c.op == Op::Get ? "expected '(' after GET" : "expected '(' after DELETE"))
                return false;
            const bool nested = peek() == '(';
            if (nested)
                ++p_;
            if (!parseKeyBody(c))
                return false;
            if (nested)
                return expect(')', c.op == Op::Get ? "expected ')' to close GET"
                                                   : "expected ')' to close DELETE");
            return true;
        }
        case Op::Merge:
            return expect('(', "expected '(' after MERGE") &&
                   parseName(c.source, c.sourceOffset, "expected a source store name") &&
                   expect(')', "expected ')' after the source store name");
        case Op::FullSync:
            break;
        }
        return false;
    }

    bool parseFullSync(Command& c) {
        c.op = Op::FullSync;
        c.sourceOffset = static_cast<uint32_t>(s_.syncList.size());
        skipBlanks();
        if (peek() != '(')
            return true;
        ++p_;
        skipBlanks();
        if (peek() == ')') {
            ++p_;
            return true;
        }
        for (;;) {
            SyncListEntry entry;
            if (!parseName(entry.name, entry.offset, "expected a store name in FULL_SYNC's list"))
                return false;
            s_.syncList.push_back(entry);
            ++c.syncCount;
            skipBlanks();
            if (peek() == ',') {
                ++p_;
                continue;
            }
            if (peek() == ')') {
                ++p_;
                return true;
            }
            return fail(p_, "expected ',' or ')' in FULL_SYNC's store list");
        }
    }

    bool assignTimestamp(Command& c) {
        if (c.op == Op::Merge || c.op == Op::FullSync)
            return true; // accepted, no effect (docs/script-language.md)
        if (!c.explicitTs) {
            if (!haveMaxTs_)
                c.ts = 1;
            else if (maxTs_ == std::numeric_limits<int64_t>::max())
                return fail(lineStart_, "the implicit timestamp would exceed the 64-bit range");
            else
                c.ts = maxTs_ + 1;
        }
        if (!haveMaxTs_ || c.ts > maxTs_)
            maxTs_ = c.ts;
        haveMaxTs_ = true;
        return true;
    }

    bool parseCommand(Command& c) {
        if (isDigit(*p_) || *p_ == '+' || *p_ == '-') {
            if (!parseTimestamp(c))
                return false;
        }
        const char* nameStart = p_;
        if (!isAlpha(peek()))
            return fail(p_, c.explicitTs ? "expected a store name or FULL_SYNC after the timestamp"
                                         : "expected a timestamp, a store name or FULL_SYNC");
        while (isNameChar(peek()))
            ++p_;
        const size_t nameLength = static_cast<size_t>(p_ - nameStart);
        skipBlanks();
        bool ok;
        if (peek() == '.') {
            uint16_t store = 0;
            uint32_t storeOffset = 0;
            ok = nameIndex(nameStart, nameLength, store, storeOffset) &&
                 parseStoreOp(c, store, storeOffset);
        } else if (equalsNoCase(nameStart, nameLength, "FULL_SYNC")) {
            ok = parseFullSync(c);
        } else {
            return fail(p_, "expected '.' after the store name");
        }
        if (!ok)
            return false;
        skipBlanks();
        if (!atEnd() && *p_ != '#')
            return fail(p_, "unexpected text after the command");
        return assignTimestamp(c);
    }
};

} // namespace

Script parseScript(std::string fileName, std::string text, TimestampClock* clock) {
    Script script;
    script.fileName = std::move(fileName);
    script.text = std::move(text);
    // One allocation for the commands: counting lines first costs one memchr pass over the
    // text and saves the vector's doublings and their page faults (5.5 -> 7.1 M lines/s in
    // bench_parse, together with parsing into the caller's text without a copy).
    size_t lines = 1;
    for (const char *p = script.text.data(), *end = p + script.text.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))); ++p)
        ++lines;
    script.commands.reserve(std::min<size_t>(lines, script.text.size() / 8 + 1));
    Parser parser(script);
    if (clock)
        parser.startClock(*clock);
    parser.run();
    if (clock && script.ok())
        *clock = parser.clock();
    return script;
}

struct ScriptPieceParser::Impl {
    explicit Impl(Script& script)
        : parser(script) {}
    Parser parser;
};

ScriptPieceParser::ScriptPieceParser(Script& script, const TimestampClock* clock)
    : impl_(std::make_unique<Impl>(script)) {
    if (clock)
        impl_->parser.startClock(*clock);
}

ScriptPieceParser::~ScriptPieceParser() = default;

void ScriptPieceParser::parse() {
    impl_->parser.run();
}

TimestampClock ScriptPieceParser::clock() const {
    return impl_->parser.clock();
}

uint32_t ScriptPieceParser::nextLine() const {
    return impl_->parser.nextLine();
}

std::string Script::formatError(const ScriptError& e) const {
    return fileName + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " +
           e.message;
}

namespace {
// The whole line a command starts at, line break excluded.
std::string_view rawLine(const std::string& text, const Command& c) {
    const std::string_view all(text);
    const size_t end = all.find('\n', c.lineOffset);
    return all.substr(c.lineOffset,
                      (end == std::string_view::npos ? all.size() : end) - c.lineOffset);
}
} // namespace

uint32_t Script::columnAt(const Command& c, uint32_t offset) const {
    return static_cast<uint32_t>(columnOf(rawLine(text, c), offset - c.lineOffset));
}

std::string_view Script::lineText(const Command& c) const {
    std::string_view line = rawLine(text, c);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    line.remove_prefix(first);
    return line.substr(0, line.find_last_not_of(" \t\r") + 1);
}

} // namespace syncscope

// Parse throughput on a 1,000,000-line script held in memory, against two references measured
// in the same run: a bare hand-written parser of one line shape (the ceiling) and std::regex
// (the easy way). And the same script parsed a megabyte piece at a time, as syncscope-cli's two
// passes read a file (ScriptPieceParser; the file's reading is bench_cli's).
#include "benchutil.h"
#include "script.h"
#include "scriptgen.h"

#include <regex>

namespace {

// Only "TS, STORE.SET((SID,CID),V)" lines, no validation: the physical reference.
size_t bareParse(const std::string& text, std::vector<std::array<uint32_t, 4>>& out) {
    out.clear();
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        while (p < end && *p != ',')
            ++p; // ts
        const char* store = p + 2;
        const char* dot = store;
        while (dot < end && *dot != '.')
            ++dot;
        const char* sid = dot + 6; // ".SET(("
        const char* comma = sid;
        while (comma < end && *comma != ',')
            ++comma;
        const char* close = comma;
        while (close < end && *close != ')')
            ++close;
        out.push_back({static_cast<uint32_t>(store - text.data()),
                       static_cast<uint32_t>(sid - text.data()),
                       static_cast<uint32_t>(comma - text.data()),
                       static_cast<uint32_t>(close - text.data())});
        while (p < end && *p != '\n')
            ++p;
        ++p;
    }
    return out.size();
}

// The text in pieces of whole lines of about `pieceBytes`, each copied into the piece as a read
// would put it there, its commands dropped after each piece: what ScriptStream does but read().
size_t pieceParse(const std::string& text, size_t pieceBytes) {
    syncscope::Script piece;
    syncscope::ScriptPieceParser parser(piece);
    size_t commands = 0;
    for (size_t at = 0; at < text.size();) {
        size_t end = std::min(text.size(), at + pieceBytes);
        if (end < text.size())
            end = text.rfind('\n', end - 1) + 1;
        piece.text.assign(text, at, end - at);
        parser.parse();
        commands += piece.commands.size();
        piece.commands.clear();
        at = end;
    }
    return piece.ok() ? commands : 0;
}

size_t regexParse(const std::string& text) {
    static const std::regex line(
        R"(^\s*(-?\d+)\s*,\s*([A-Za-z]\w*)\.SET\(\(([\w.-]+),([\w.-]+)\),([^\s,()]+)\)\s*$)");
    size_t count = 0;
    size_t at = 0;
    std::smatch m;
    while (at < text.size()) {
        const size_t nl = text.find('\n', at);
        const std::string l = text.substr(at, nl - at);
        if (std::regex_match(l, m, line))
            ++count;
        at = nl + 1;
    }
    return count;
}

} // namespace

int main() {
    const size_t lines = 1000000;
    bench::ScriptMix setsOnly;
    setsOnly.sets = 100;
    setsOnly.gets = setsOnly.deletes = setsOnly.merges = setsOnly.fullSyncs = 0;
    const std::string sets = bench::randomScript(lines, setsOnly, 1);
    const std::string mixed = bench::randomScript(lines, bench::ScriptMix{}, 2);

    // The script is "held in memory": each timed parse gets its own copy, made before the clock
    // starts, and takes it over without copying.
    auto timedParse = [](const std::string& input, size_t& parsed) {
        double best = 1e300;
        for (int run = 0; run < 3; ++run) {
            std::string copy = input;
            syncscope::Script s;
            best = std::min(best, bench::seconds([&] {
                                s = syncscope::parseScript("bench.in", std::move(copy));
                            }));
            parsed = s.ok() ? s.commands.size() : 0;
        }
        return best;
    };
    size_t parsed = 0;
    const double ours = timedParse(sets, parsed);
    if (parsed != lines) {
        std::fprintf(stderr, "bench_parse: parsed %zu of %zu lines\n", parsed, lines);
        return 1;
    }
    const double oursMixed = timedParse(mixed, parsed);
    if (parsed != lines)
        return 1;

    const double pieces = bench::bestOf(3, [&] { parsed = pieceParse(mixed, size_t{1} << 20); });
    if (parsed != lines)
        return 1;

    std::vector<std::array<uint32_t, 4>> spans;
    spans.reserve(lines);
    const double bare = bench::bestOf(3, [&] { parsed = bareParse(sets, spans); });
    const size_t regexLines = 100000; // std::regex is slow: time a tenth and scale
    const std::string regexInput = sets.substr(0, [&] {
        size_t at = 0;
        for (size_t i = 0; i < regexLines; ++i)
            at = sets.find('\n', at) + 1;
        return at;
    }());
    const double regex = bench::seconds([&] { parsed = regexParse(regexInput); });
    if (parsed != regexLines)
        return 1;

    const double rate = lines / ours;
    bench::Json("parse")
        .str("input", "1M SET lines")
        .num("lines", lines)
        .num("seconds", ours)
        .num("lines_per_s", rate)
        .num("target_lines_per_s", 1e7)
        .flag("meets_target", rate >= 1e7)
        .print();
    bench::Json("parse")
        .str("input", "1M mixed lines")
        .num("lines", lines)
        .num("seconds", oursMixed)
        .num("lines_per_s", lines / oursMixed)
        .print();
    bench::Json("parse_pieces")
        .str("input", "1M mixed lines, 1 MiB pieces")
        .num("lines", lines)
        .num("seconds", pieces)
        .num("lines_per_s", lines / pieces)
        .num("over_whole", oursMixed / pieces)
        .print();
    bench::Json("parse_reference_bare")
        .str("input", "1M SET lines")
        .num("lines_per_s", lines / bare)
        .num("ours_over_bare", (lines / ours) / (lines / bare))
        .print();
    bench::Json("parse_reference_regex")
        .str("input", "100k SET lines")
        .num("lines_per_s", regexLines / regex)
        .num("ours_over_regex", (lines / ours) / (regexLines / regex))
        .print();
    return 0;
}

#pragma once

#include "largeblockallocator.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

enum class Op : uint8_t { Set, Get, Delete, Merge, FullSync };

// A slice of the script's text, or (high bit set) of its side buffer of unescaped strings.
struct Span {
    uint32_t offset = 0;
    uint32_t length = 0;
};

// One parsed script line. Store names are indexes into Script::names (canonical spelling of
// what the script wrote, upper case; aliases are resolved later against a workspace).
struct Command {
    int64_t ts = 0;    // explicit, or assigned by docs/script-language.md's rule for SET/GET/DELETE
    uint32_t line = 0; // 1-based
    uint32_t lineOffset = 0; // byte offset of the line in the text, for later diagnostics
    uint32_t storeOffset = 0;
    uint32_t sourceOffset = 0; // MERGE: the source name; FULL_SYNC: first index in syncList
    Op op = Op::Set;
    bool explicitTs = false;
    uint16_t store = 0;     // SET/GET/DELETE/MERGE target
    uint16_t source = 0;    // MERGE source
    uint16_t syncCount = 0; // FULL_SYNC(S1,...): how many; 0 means every store
    Span studentId, courseId, value;
};

// A FULL_SYNC list entry: the name index and where it was written.
struct SyncListEntry {
    uint16_t name = 0;
    uint32_t offset = 0;
};

struct ScriptError {
    uint32_t line = 0;
    uint32_t column = 0; // 1-based, in characters
    std::string message;
};

class Script {
public:
    std::string fileName;
    std::string text;
    std::vector<Command, LargeBlockAllocator<Command>> commands;
    std::vector<SyncListEntry> syncList;
    std::vector<std::string> names;  // upper-cased store names as written
    std::vector<ScriptError> errors; // the first kMaxErrorsShown (errorlist.h), by line
    size_t moreErrors = 0;           // found past those: counted, not kept

    bool ok() const { return errors.empty(); }
    std::string_view view(Span s) const {
        if (s.offset & kUnescapedBit)
            return std::string_view(unescaped).substr(s.offset & ~kUnescapedBit, s.length);
        return std::string_view(text).substr(s.offset, s.length);
    }
    // "FILE:LINE:COL: message"
    std::string formatError(const ScriptError& e) const;
    // The 1-based character column of a byte offset inside a command's line.
    uint32_t columnAt(const Command& c, uint32_t offset) const;
    // The command's line as written, without its line break or surrounding blanks.
    std::string_view lineText(const Command& c) const;

    static constexpr uint32_t kUnescapedBit = 0x80000000u;
    std::string unescaped; // quoted values that contained escapes, unescaped
};

// The greatest timestamp a run has used so far, for docs/script-language.md's implicit timestamps
// when a run is fed piece by piece (the GUI's command bar): a parse continues from it and updates
// it.
struct TimestampClock {
    bool used = false;
    int64_t greatest = 0;
};

// Parses a whole script (docs/script-language.md). Never throws: problems land in Script::errors,
// at most one per line (past kMaxErrorsShown only counted), and the commands of a script with
// errors must not run. With a clock,
// implicit timestamps continue from it, and it advances only when the script parses without error.
Script parseScript(std::string fileName, std::string text, TimestampClock* clock = nullptr);

// Parses a script a piece at a time, as parseScript parses it whole, so a huge file need not be
// held: the caller puts each piece, whole lines in file order (the last may lack its line
// break), in script.text and calls parse(). Line numbers, store names, the timestamp clock and
// the kept errors go on from piece to piece; script.commands, syncList and unescaped gain the
// piece's commands, which the caller clears (with text) before the next piece when it is done
// with them. Same rules and messages as parseScript, line for line.
class ScriptPieceParser {
public:
    explicit ScriptPieceParser(Script& script, const TimestampClock* clock = nullptr);
    ~ScriptPieceParser();
    ScriptPieceParser(const ScriptPieceParser&) = delete;
    ScriptPieceParser& operator=(const ScriptPieceParser&) = delete;

    void parse();
    // The clock after the pieces parsed so far.
    TimestampClock clock() const;
    // The line the next piece starts at.
    uint32_t nextLine() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace syncscope

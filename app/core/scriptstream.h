#pragma once

#include "errorlist.h"
#include "script.h"
#include "scriptbinding.h"
#include "storedirectory.h"

#include <QFile>
#include <QString>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace syncscope {

// A testcase file run without holding it (docs/cli.md, Memory): read twice, a piece of whole
// lines at a time. Pass 1, check(), finds every error of the whole file before anything runs
// (a script with an error changes nothing) and keeps nothing per command: the store names, the
// binding, the first errors and a digest of each block read. Pass 2, replay(), reads the file
// again and hands its commands over piece by piece; it refuses a file that is no longer the one
// checked. A pipe cannot be read twice: it is held whole, and both passes read that copy.
class ScriptStream {
public:
    static constexpr size_t kPieceBytes = size_t{1} << 20;

    // `pieceBytes`: how much is read at once (tests make it tiny, to cut lines everywhere).
    explicit ScriptStream(QString path, size_t pieceBytes = kPieceBytes);

    // Pass 1. False when the file cannot be read (readError()) or the script has errors
    // (errors(): parse and binding, in order of place, as checkScript gives them), its names
    // bound against `configured` or, without one, the default alias groups.
    bool check(const StoreDirectory* configured);
    const QString& readError() const { return readError_; }
    const ErrorList& errors() const { return errors_; }
    const StoreBinding& binding() const { return binding_; }
    // Formats the errors (Script::formatError) with the file's name as given.
    const Script& names() const { return names_; }

    // When the run's clock starts at `held` (the stores' greatest ts), the first line whose
    // implicit timestamp would pass the 64-bit range, else 0. Reads the file again only when
    // one would.
    uint32_t overflowLine(int64_t held);

    // Whether the file is still the one check() read (its size, times and identity, at its
    // path too); else false, readError() saying so. A held pipe cannot change.
    bool unchanged();

    // Pass 2: the commands again, a piece at a time (each a Script whose names are pass 1's,
    // so binding() applies), to `run`, which returns false to stop. Implicit timestamps go on
    // from `held` when given (docs/script-language.md). False, with readError() saying so, when
    // the file changed since check(): refused before `run` saw anything when its size, time or
    // identity tell (ranAny() false), else stopped before the first changed block.
    bool replay(std::optional<int64_t> held, const std::function<bool(const Script&)>& run);
    bool ranAny() const { return ranAny_; }

private:
    struct Identity {
        uint64_t device = 0, inode = 0, size = 0;
        int64_t mtimeNs = 0, ctimeNs = 0;
        bool operator==(const Identity&) const = default;
    };
    enum class Pass { Check, Replay };

    bool open();
    std::optional<Identity> identityOfPath() const;
    std::optional<Identity> identityOfHandle() const;
    // Reads the next piece into piece.text: whole lines, or what is left at the end of the
    // file. False at the end of the file, or on a read error or a changed block (readError_).
    bool nextPiece(Script& piece, Pass pass);
    // Fills `into` with up to `n` bytes of the file from where the last read ended; -1 on error.
    qint64 readBlock(char* into, size_t n);
    // Parses the file from its start with `clock`, `each` called after every piece. False when
    // reading failed (readError_).
    bool readAll(Pass pass, const TimestampClock* clock, Script& piece,
                 const std::function<bool(Script&)>& each);

    QString path_;
    size_t pieceBytes_;
    QFile file_;
    bool held_ = false; // a pipe or another file that cannot be read twice: whole in heldText_
    std::string heldText_;
    size_t heldAt_ = 0;
    Identity identity_;
    std::vector<uint64_t> blockDigests_; // pass 1's, block by block
    size_t block_ = 0;                   // the block being read
    std::string carry_;                  // a line begun in the block before
    uint32_t lineAt_ = 1;                // of the next piece's first line (for messages)
    QString readError_;
    ErrorList errors_;
    StoreBinding binding_;
    Script names_;
    uint64_t implicitCount_ = 0; // SET, GET and DELETE lines without a timestamp
    bool ranAny_ = false;
};

} // namespace syncscope

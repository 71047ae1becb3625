#include "scriptstream.h"

#include "displayuri.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace syncscope {

namespace {

// A block's digest, to tell that pass 2 reads what pass 1 checked. Not cryptographic: it
// catches an edit, not an adversary (who could as well edit the file between two runs). Four
// independent multiply chains keep it at several GB/s, a few percent of the parse.
uint64_t blockDigest(const char* p, size_t n) {
    constexpr uint64_t kMul = 0xBF58476D1CE4E5B9ull;
    uint64_t h[4] = {0x9E3779B97F4A7C15ull ^ n, 0x94D049BB133111EBull, 0x2545F4914F6CDD1Dull,
                     0xD6E8FEB86659FD93ull};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int lane = 0; lane < 4; ++lane) {
            uint64_t w;
            std::memcpy(&w, p + i + 8 * static_cast<size_t>(lane), 8);
            h[lane] = (h[lane] ^ w) * kMul;
            h[lane] ^= h[lane] >> 31;
        }
    }
    uint64_t tail[4] = {};
    std::memcpy(tail, p + i, n - i);
    uint64_t out = 0;
    for (int lane = 0; lane < 4; ++lane) {
        h[lane] = (h[lane] ^ tail[lane]) * kMul;
        out = (out ^ h[lane] ^ (h[lane] >> 29)) * kMul;
    }
    return out;
}

int64_t nanoseconds(const timespec& t) {
    return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

} // namespace

ScriptStream::ScriptStream(QString path, size_t pieceBytes)
    : path_(std::move(path))
    , pieceBytes_(pieceBytes)
    , file_(path_) {
    names_.fileName = path_.toStdString();
}

std::optional<ScriptStream::Identity> ScriptStream::identityOfHandle() const {
    struct stat st {};
    if (::fstat(file_.handle(), &st) != 0)
        return std::nullopt;
    return Identity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                    static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim),
                    nanoseconds(st.st_ctim)};
}

std::optional<ScriptStream::Identity> ScriptStream::identityOfPath() const {
    struct stat st {};
    if (::stat(QFile::encodeName(path_).constData(), &st) != 0)
        return std::nullopt;
    return Identity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                    static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim),
                    nanoseconds(st.st_ctim)};
}

bool ScriptStream::open() {
    const auto cannotRead = [this](const QString& why) {
        readError_ = QStringLiteral("cannot read script %1: %2").arg(displayUri(path_), why);
        return false;
    };
    if (!file_.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return cannotRead(file_.errorString());
    struct stat st {};
    if (::fstat(file_.handle(), &st) != 0)
        return cannotRead(QString::fromLocal8Bit(std::strerror(errno)));
    if (S_ISREG(st.st_mode)) {
        identity_ = *identityOfHandle();
        return true;
    }
    // A pipe (or a device): read once, so held whole.
    held_ = true;
    heldText_.clear();
    for (;;) {
        const size_t at = heldText_.size();
        heldText_.resize(at + pieceBytes_);
        const ssize_t n = ::read(file_.handle(), heldText_.data() + at, pieceBytes_);
        if (n < 0 && errno == EINTR) {
            heldText_.resize(at);
            continue;
        }
        if (n < 0)
            return cannotRead(QString::fromLocal8Bit(std::strerror(errno)));
        heldText_.resize(at + static_cast<size_t>(n));
        if (n == 0)
            return true;
    }
}

qint64 ScriptStream::readBlock(char* into, size_t n) {
    if (held_) {
        const size_t count = std::min(n, heldText_.size() - heldAt_);
        std::memcpy(into, heldText_.data() + heldAt_, count);
        heldAt_ += count;
        return static_cast<qint64>(count);
    }
    size_t got = 0;
    while (got < n) {
        const ssize_t r = ::read(file_.handle(), into + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += static_cast<size_t>(r);
    }
    return static_cast<qint64>(got);
}

bool ScriptStream::nextPiece(Script& piece, Pass pass) {
    piece.text.clear();
    piece.text.append(carry_);
    carry_.clear();
    for (;;) {
        const size_t at = piece.text.size();
        piece.text.resize(at + pieceBytes_);
        const qint64 n = readBlock(piece.text.data() + at, pieceBytes_);
        if (n < 0) {
            piece.text.clear();
            readError_ = QStringLiteral("cannot read script %1: %2")
                             .arg(displayUri(path_), QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        piece.text.resize(at + static_cast<size_t>(n));
        const bool end = n == 0;
        if (!end) {
            const uint64_t digest = blockDigest(piece.text.data() + at, static_cast<size_t>(n));
            if (pass == Pass::Check) {
                blockDigests_.push_back(digest);
            } else if (block_ >= blockDigests_.size() || blockDigests_[block_] != digest) {
                piece.text.clear();
                readError_ = QStringLiteral("script %1 changed while it ran: stopped before "
                                            "line %2 (the commands before it ran)")
                                 .arg(displayUri(path_))
                                 .arg(lineAt_);
                return false;
            }
            ++block_;
        } else if (pass == Pass::Replay && block_ != blockDigests_.size()) {
            piece.text.clear();
            readError_ = QStringLiteral("script %1 changed while it ran: it ended before line %2 "
                                        "(the commands before it ran)")
                             .arg(displayUri(path_))
                             .arg(lineAt_);
            return false;
        }
        if (end)
            return !piece.text.empty(); // the last line, without a line break
        // Whole lines only: what follows the block's last line break waits for the next piece.
        // Searched in this block only, so a line of many blocks costs no rescans.
        const auto* nl = static_cast<const char*>(
            ::memrchr(piece.text.data() + at, '\n', static_cast<size_t>(n)));
        if (nl) {
            const size_t cut = static_cast<size_t>(nl - piece.text.data()) + 1;
            carry_.assign(piece.text, cut);
            piece.text.resize(cut);
            return true;
        }
    }
}

bool ScriptStream::readAll(Pass pass, const TimestampClock* clock, Script& piece,
                           const std::function<bool(Script&)>& each) {
    readError_.clear();
    block_ = 0;
    carry_.clear();
    lineAt_ = 1;
    if (held_)
        heldAt_ = 0;
    else if (::lseek(file_.handle(), 0, SEEK_SET) != 0) {
        readError_ = QStringLiteral("cannot read script %1: %2")
                         .arg(displayUri(path_), QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    ScriptPieceParser parser(piece, clock);
    while (nextPiece(piece, pass)) {
        parser.parse();
        lineAt_ = parser.nextLine();
        if (!each(piece))
            return true;
        piece.text.clear();
        piece.commands.clear();
        piece.syncList.clear();
        piece.unescaped.clear();
    }
    return readError_.isEmpty();
}

bool ScriptStream::check(const StoreDirectory* configured) {
    if (!open())
        return false;
    const uint64_t size = held_ ? heldText_.size() : identity_.size;
    if (size >= Script::kUnescapedBit) {
        errors_.add({1, 1, "script is larger than 2 GiB"});
        return false;
    }
    Script piece;
    piece.fileName = names_.fileName;
    StoreBinder binder(configured);
    ErrorList bindErrors;
    const bool read = readAll(Pass::Check, nullptr, piece, [&](Script& p) {
        binder.check(p, bindErrors);
        for (const Command& c : p.commands)
            implicitCount_ += !c.explicitTs && c.op != Op::Merge && c.op != Op::FullSync;
        return true;
    });
    if (!read)
        return false;
    if (!held_ && identityOfHandle() != identity_) {
        readError_ = QStringLiteral("script %1 changed while it was checked; run it again")
                         .arg(displayUri(path_));
        return false;
    }
    errors_ = std::move(bindErrors);
    errors_.merge(std::move(piece.errors), piece.moreErrors);
    binding_ = binder.takeBinding();
    return errors_.empty();
}

uint32_t ScriptStream::overflowLine(int64_t held) {
    // The clock only grows: from `held` the i-th implicit timestamp (from 0) is at least
    // held + i + 1, and it is exactly that wherever it would pass the range (an explicit
    // timestamp that high was already an error of pass 1). So counting the lines tells whether
    // one would, and only then is the file read again to find which.
    const uint64_t room =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - static_cast<uint64_t>(held);
    if (implicitCount_ <= room)
        return 0;
    const TimestampClock clock{true, held};
    Script piece;
    piece.fileName = names_.fileName;
    uint32_t line = 0;
    readAll(Pass::Replay, &clock, piece, [&](Script& p) {
        if (!p.errors.empty())
            line = p.errors.front().line;
        return line == 0;
    });
    return line;
}

bool ScriptStream::unchanged() {
    if (held_ || (identityOfHandle() == identity_ && identityOfPath() == identity_))
        return true;
    readError_ = QStringLiteral("script %1 changed after it was checked (its size, time or "
                                "file differ): nothing ran; run it again")
                     .arg(displayUri(path_));
    return false;
}

bool ScriptStream::replay(std::optional<int64_t> held,
                          const std::function<bool(const Script&)>& run) {
    ranAny_ = false;
    if (!unchanged())
        return false;
    const TimestampClock clock{true, held.value_or(0)};
    Script piece;
    piece.fileName = names_.fileName;
    bool refused = false;
    const bool read = readAll(Pass::Replay, held ? &clock : nullptr, piece, [&](Script& p) {
        if (!p.errors.empty()) { // the same bytes parse the same: only a misuse gets here
            readError_ = QString::fromStdString(p.formatError(p.errors.front()));
            refused = true;
            return false;
        }
        ranAny_ = true;
        return run(p);
    });
    return read && !refused;
}

} // namespace syncscope

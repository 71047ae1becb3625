#include "wire.h"

#include "limits.h"

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace mongopeer {

namespace {
constexpr int32_t kOpReply = 1;
constexpr int32_t kOpQuery = 2004;
constexpr int32_t kOpMsg = 2013;
constexpr uint32_t kChecksumPresent = 1u << 0;
constexpr uint32_t kMoreToCome = 1u << 1;
constexpr int32_t kMaxMessage = 48000000 + 16 * 1024 * 1024; // room for one oversized document

int32_t readInt32(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4); // x86 and ARM Linux are little-endian, as the protocol is
    return v;
}

void putInt32(std::vector<uint8_t>& out, int32_t v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + 4);
}

bool readAll(int fd, uint8_t* into, size_t n) {
    while (n > 0) {
        const ssize_t got = ::recv(fd, into, n, 0);
        if (got <= 0)
            return false;
        into += got;
        n -= static_cast<size_t>(got);
    }
    return true;
}

bool writeAll(int fd, const std::vector<uint8_t>& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += static_cast<size_t>(n);
    }
    return true;
}

// A BSON document starting at `p` with `left` bytes after it, as a view; false when it does not
// fit or is not a document. One nested deeper than the server reads is a view still, and sets
// the command's error, as mongod answers it instead of hanging up.
bool documentAt(const uint8_t* p, size_t left, bson_t& out, size_t& size, Command& command) {
    if (left < 5)
        return false;
    const int32_t n = readInt32(p);
    if (n < 5 || static_cast<size_t>(n) > left)
        return false;
    size = static_cast<size_t>(n);
    if (!bson_init_static(&out, p, size))
        return false;
    if (!withinDepth(&out, kMaxReadDepth, false)) {
        command.parseError = {15, "Overflow", "BSONObj exceeds maximum nested object depth"};
        return true;
    }
    return bson_validate(&out, BSON_VALIDATE_NONE, nullptr);
}

std::vector<uint8_t> header(int32_t requestId, int32_t responseTo, int32_t opCode) {
    std::vector<uint8_t> out;
    putInt32(out, 0); // the length, filled in when the message is complete
    putInt32(out, requestId);
    putInt32(out, responseTo);
    putInt32(out, opCode);
    return out;
}

void finish(std::vector<uint8_t>& message, const bson_t* document) {
    const uint8_t* data = bson_get_data(document);
    message.insert(message.end(), data, data + document->len);
    const int32_t length = static_cast<int32_t>(message.size());
    std::memcpy(message.data(), &length, 4);
}

bool isHandshake(const bson_t* body) {
    return bson_has_field(body, "hello") || bson_has_field(body, "isMaster") ||
           bson_has_field(body, "ismaster");
}

// OP_QUERY: flags, cstring namespace ("admin.$cmd"), skip, numberToReturn, the query.
bool parseQuery(const uint8_t* p, size_t n, Command& command) {
    if (n < 4)
        return false;
    const auto* name = reinterpret_cast<const char*>(p + 4);
    const size_t nameLength = strnlen(name, n - 4);
    if (nameLength == n - 4)
        return false;
    const std::string ns(name, nameLength);
    command.db = ns.substr(0, ns.find('.'));
    const size_t at = 4 + nameLength + 1 + 8;
    size_t size = 0;
    if (at > n || !documentAt(p + at, n - at, command.body, size, command))
        return false;
    // An old-style wrapped query: {$query: {...}, $readPreference: …}.
    bson_iter_t wrapped;
    if (bson_iter_init_find(&wrapped, &command.body, "$query") &&
        BSON_ITER_HOLDS_DOCUMENT(&wrapped)) {
        uint32_t length = 0;
        const uint8_t* data = nullptr;
        bson_iter_document(&wrapped, &length, &data);
        bson_init_static(&command.body, data, length);
    }
    return true;
}

// OP_MSG: flagBits, then sections: kind 0 (the body) and kind 1 (a named document sequence).
bool parseMessage(const uint8_t* p, size_t n, Command& command, uint32_t& flags) {
    if (n < 5)
        return false;
    flags = static_cast<uint32_t>(readInt32(p));
    const size_t end = n - ((flags & kChecksumPresent) ? 4 : 0);
    bool body = false;
    for (size_t at = 4; at < end;) {
        const uint8_t kind = p[at++];
        if (kind == 0) {
            size_t size = 0;
            if (body || !documentAt(p + at, end - at, command.body, size, command))
                return false;
            body = true;
            at += size;
        } else if (kind == 1) {
            if (end - at < 4)
                return false;
            const int32_t size = readInt32(p + at);
            if (size < 5 || static_cast<size_t>(size) > end - at)
                return false;
            const size_t stop = at + static_cast<size_t>(size);
            const auto* id = reinterpret_cast<const char*>(p + at + 4);
            const size_t idLength = strnlen(id, stop - at - 4);
            std::vector<DocumentView>& docs = command.sequences[std::string(id, idLength)];
            for (size_t d = at + 4 + idLength + 1; d < stop;) {
                bson_t doc;
                size_t docSize = 0;
                if (!documentAt(p + d, stop - d, doc, docSize, command))
                    return false;
                docs.push_back({p + d, docSize});
                d += docSize;
            }
            at = stop;
        } else
            return false;
    }
    return body;
}
} // namespace

void serveConnection(int fd, Database& database, int connectionId,
                     const ConnectionOptions& options) {
    std::vector<uint8_t> message;
    for (;;) {
        uint8_t head[16];
        if (!readAll(fd, head, sizeof head))
            break;
        const int32_t length = readInt32(head), requestId = readInt32(head + 4),
                      opCode = readInt32(head + 12);
        if (length < 16 || length > kMaxMessage)
            break;
        message.resize(static_cast<size_t>(length) - 16);
        if (!readAll(fd, message.data(), message.size()))
            break;
        Command command;
        command.connectionId = connectionId;
        uint32_t flags = 0;
        const bool parsed = opCode == kOpQuery ? parseQuery(message.data(), message.size(), command)
                            : opCode == kOpMsg
                                ? parseMessage(message.data(), message.size(), command, flags)
                                : false;
        if (!parsed)
            break; // an opcode or a layout the peer does not speak: hang up, as the server does
        if (options.delayMs > 0 && !isHandshake(&command.body))
            std::this_thread::sleep_for(std::chrono::milliseconds(options.delayMs));
        bson_t reply = BSON_INITIALIZER;
        if (database.run(command, &reply) == Database::Outcome::HangUp) {
            bson_destroy(&reply);
            break; // no answer: the client sees a network error
        }
        std::vector<uint8_t> out;
        if (opCode == kOpQuery) {
            out = header(requestId ^ 0x40000000, requestId, kOpReply);
            putInt32(out, 0); // responseFlags
            putInt32(out, 0); // cursorID, low word
            putInt32(out, 0); // cursorID, high word
            putInt32(out, 0); // startingFrom
            putInt32(out, 1); // numberReturned: the driver checks for exactly one
        } else {
            out = header(requestId ^ 0x40000000, requestId, kOpMsg);
            putInt32(out, 0); // flagBits: no checksum, which libmongoc 1.23 cannot read
            out.push_back(0); // one kind-0 section
        }
        finish(out, &reply);
        bson_destroy(&reply);
        if ((flags & kMoreToCome) == 0 && !writeAll(fd, out))
            break;
    }
    ::close(fd);
}

} // namespace mongopeer

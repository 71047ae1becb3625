#include "hivesasl.h"

#include "hivetls.h"

#include <thrift/transport/TTransport.h>

#include <cstdint>

namespace syncscope {

namespace {
enum : unsigned char { kStart = 1, kOk = 2, kBad = 3, kError = 4, kComplete = 5 };
// A server's reason is short; anything longer is not a SASL answer.
constexpr uint32_t kLongestAnswer = 64 * 1024;
} // namespace

std::string saslFrame(unsigned char status, const std::string& payload) {
    const auto n = static_cast<uint32_t>(payload.size());
    std::string out;
    out.reserve(5 + payload.size());
    out += static_cast<char>(status);
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((n >> shift) & 0xff);
    return out + payload;
}

std::string saslPlainHandshake(apache::thrift::transport::TTransport& socket,
                               const std::string& user, const std::string& password) {
    std::string credentials;
    credentials += '\0';
    credentials += user;
    credentials += '\0';
    credentials += password;
    const std::string hello = saslFrame(kStart, "PLAIN") + saslFrame(kOk, credentials);
    socket.write(reinterpret_cast<const uint8_t*>(hello.data()),
                 static_cast<uint32_t>(hello.size()));
    socket.flush();

    uint8_t header[5];
    socket.readAll(header, 5);
    // A TLS record (an alert, content type 21, version 3.x): the port wants TLS.
    if (header[0] == 0x15 && header[1] == 0x03)
        throw HiveRefusal("the server answered with TLS: it wants ssl=true");
    if (std::string(reinterpret_cast<const char*>(header), 5) == "HTTP/")
        throw HiveRefusal("the server answered in HTTP: it wants transportMode=http");
    const uint32_t length = (uint32_t(header[1]) << 24) | (uint32_t(header[2]) << 16) |
                            (uint32_t(header[3]) << 8) | uint32_t(header[4]);
    if (length > kLongestAnswer)
        return "the server's SASL answer is " + std::to_string(length) +
               " bytes long (is this a HiveServer2 port with SASL?)";
    std::string payload(length, '\0');
    if (length > 0)
        socket.readAll(reinterpret_cast<uint8_t*>(payload.data()), length);
    switch (header[0]) {
    case kComplete:
        return {};
    case kBad:
    case kError:
        return payload.empty() ? std::string("the server refused the credentials") : payload;
    default:
        return "unexpected SASL status " + std::to_string(header[0]) +
               " (PLAIN completes in one step)";
    }
}

} // namespace syncscope

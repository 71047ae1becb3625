#include "saslserver.h"

#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>

#include <poll.h>

namespace hs2peer {

using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportException;

namespace {
enum : uint8_t { kStart = 1, kOk = 2, kBad = 3, kComplete = 5 };

struct Frame {
    uint8_t status = 0;
    std::string payload;
};

// The accept loop negotiates: a client that connects and says nothing must not hold it.
void waitReadable(TTransport& client) {
    auto* socket = dynamic_cast<apache::thrift::transport::TSocket*>(&client);
    if (!socket)
        return;
    pollfd p{socket->getSocketFD(), POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0)
        throw TTransportException(TTransportException::TIMED_OUT, "SASL negotiation timed out");
}

Frame readFrame(TTransport& client) {
    waitReadable(client);
    uint8_t header[5];
    client.readAll(header, 5);
    const uint32_t n = (uint32_t(header[1]) << 24) | (uint32_t(header[2]) << 16) |
                       (uint32_t(header[3]) << 8) | uint32_t(header[4]);
    if (n > 65536)
        throw TTransportException(TTransportException::CORRUPTED_DATA, "SASL frame too long");
    Frame f{header[0], std::string(n, '\0')};
    if (n > 0)
        client.readAll(reinterpret_cast<uint8_t*>(f.payload.data()), n);
    return f;
}

void writeFrame(TTransport& client, uint8_t status, const std::string& payload) {
    std::string bytes(1, static_cast<char>(status));
    const auto n = static_cast<uint32_t>(payload.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes += static_cast<char>((n >> shift) & 0xff);
    bytes += payload;
    client.write(reinterpret_cast<const uint8_t*>(bytes.data()),
                 static_cast<uint32_t>(bytes.size()));
    client.flush();
}
} // namespace

SaslPlainServerFactory::SaslPlainServerFactory(std::string user, std::string password)
    : user_(std::move(user))
    , password_(std::move(password)) {}

std::shared_ptr<TTransport>
SaslPlainServerFactory::getTransport(std::shared_ptr<TTransport> client) {
    // Thrift's accept loop stops the server on most transport errors; a client that fails
    // here is only dropped (CLIENT_DISCONNECT).
    try {
        const Frame start = readFrame(*client);
        if (start.status != kStart || start.payload != "PLAIN") {
            writeFrame(*client, kBad, "Unsupported mechanism type " + start.payload);
            throw TTransportException(TTransportException::CLIENT_DISCONNECT, "bad mechanism");
        }
        const Frame response = readFrame(*client);
        // RFC 4616: [authzid] NUL authcid NUL passwd; Hive takes two or three tokens.
        std::vector<std::string> tokens(1);
        for (const char c : response.payload) {
            if (c == '\0')
                tokens.emplace_back();
            else
                tokens.back() += c;
        }
        if (tokens.size() == 2)
            tokens.insert(tokens.begin(), std::string());
        std::string refused;
        if (response.status != kOk && response.status != kComplete)
            refused = "Expected a response frame";
        else if (tokens.size() != 3)
            refused = "Invalid message format";
        else if (tokens[1].empty())
            refused = "No user name provided";
        else if (tokens[2].empty())
            refused = "No password provided";
        else if (!password_.empty() && (tokens[1] != user_ || tokens[2] != password_))
            refused = "Error validating the login";
        if (!refused.empty()) {
            writeFrame(*client, kBad, refused);
            throw TTransportException(TTransportException::CLIENT_DISCONNECT, refused);
        }
        writeFrame(*client, kComplete, {});
    } catch (const TTransportException& e) {
        client->close();
        throw TTransportException(TTransportException::CLIENT_DISCONNECT, e.what());
    }
    return std::make_shared<apache::thrift::transport::TFramedTransport>(client);
}

} // namespace hs2peer

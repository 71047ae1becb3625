#include "hivetransport.h"

#include "hivehttp.h"
#include "hivekerberos.h"
#include "hivesasl.h"
#include "hivetls.h"

#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>

namespace syncscope {

using apache::thrift::transport::TTransport;

namespace {
// Large enough that a batch's INSERT goes to TLS in a few records, not one per 512 bytes
// (TBufferedTransport's default).
constexpr uint32_t kBufferBytes = 64 * 1024;

// A TCP connection to the server, with TLS over it when the endpoint asks; `tcp` is the socket
// under it.
std::shared_ptr<TTransport>
openStream(const HiveEndpoint& e,
           std::shared_ptr<apache::thrift::transport::TSocket>* tcp = nullptr) {
    auto socket = std::make_shared<apache::thrift::transport::TSocket>(e.host, e.port);
    socket->setConnTimeout(e.connectTimeoutMs);
    socket->setRecvTimeout(e.readTimeoutMs);
    socket->setSendTimeout(e.readTimeoutMs);
    socket->setNoDelay(true);
    socket->open();
    if (tcp)
        *tcp = socket;
    if (!e.tls)
        return std::make_shared<HiveAnswerWatch>(socket);
    // The handshake waits no longer than a connection may take to be made.
    return std::make_shared<HiveAnswerWatch>(std::make_shared<HiveTlsTransport>(
        socket, e.host, e.tlsCaFile, e.connectTimeoutMs, e.readTimeoutMs));
}
// The Host header's "host:port"; an IPv6 address goes in brackets (RFC 7230).
std::string hostHeader(const HiveEndpoint& e) {
    const bool v6 = e.host.find(':') != std::string::npos;
    return (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port);
}
} // namespace

std::shared_ptr<TTransport> openHiveTransport(const HiveEndpoint& e) {
    if (e.transport == HiveEndpoint::Transport::Http) {
        std::optional<HiveHttpTransport::Login> login;
        if (e.auth == HiveEndpoint::Auth::Plain)
            login = HiveHttpTransport::Login{e.user, e.password};
        auto http = std::make_shared<HiveHttpTransport>(
            [e] { return openStream(e); }, hostHeader(e), e.httpPath, std::move(login));
        return http;
    }
    std::shared_ptr<apache::thrift::transport::TSocket> tcp;
    std::shared_ptr<TTransport> stream = openStream(e, &tcp);
    if (e.auth == HiveEndpoint::Auth::NoSasl)
        return std::make_shared<apache::thrift::transport::TBufferedTransport>(stream, kBufferBytes,
                                                                               kBufferBytes);
    // The SASL answer waits no longer than a connection may take to be made: a server that
    // speaks something else (HTTP) waits for more bytes of it and would hold the client for
    // the whole read timeout.
    std::string refused;
    tcp->setRecvTimeout(e.connectTimeoutMs);
    try {
        refused = e.auth == HiveEndpoint::Auth::Kerberos
                      ? saslGssapiHandshake(*stream, e.principal, e.host)
                      : saslPlainHandshake(*stream, e.user, e.password);
    } catch (const apache::thrift::transport::TTransportException& x) {
        if (x.getType() != apache::thrift::transport::TTransportException::TIMED_OUT)
            throw;
        throw HiveRefusal("the server did not answer the SASL handshake within " +
                          std::to_string(e.connectTimeoutMs / 1000) +
                          " s (is this a binary-mode HiveServer2 port? or transportMode=http?)");
    }
    tcp->setRecvTimeout(e.readTimeoutMs);
    if (!refused.empty())
        throw HiveRefusal("authentication failed: " + refused, "28000");
    // After PLAIN or GSSAPI with QOP "auth" every message is a 4-byte length and its bytes, which
    // is exactly Thrift's framed transport.
    return std::make_shared<apache::thrift::transport::TFramedTransport>(stream);
}

} // namespace syncscope

#include "hivetls.h"

#include <thrift/transport/TTransportException.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cerrno>
#include <csignal>
#include <mutex>

namespace syncscope {

using apache::thrift::transport::TTransportException;

struct HiveTlsTransport::Ssl {
    SSL_CTX* context = nullptr;
    SSL* ssl = nullptr;
    ~Ssl() {
        SSL_free(ssl);
        SSL_CTX_free(context);
    }
};

namespace {
bool isIpAddress(const std::string& host) {
    unsigned char address[16];
    return inet_pton(AF_INET, host.c_str(), address) == 1 ||
           inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// OpenSSL's queued reason, or empty; clears the queue so the next call starts clean.
std::string lastSslError() {
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(e, text, sizeof text);
        if (out.empty())
            out = ERR_reason_error_string(e) ? ERR_reason_error_string(e) : text;
    }
    return out;
}

// Why a handshake failed, in words naming what the user can change.
std::string handshakeProblem(SSL* ssl, int result, const std::string& host,
                             const std::string& caFile, int handshakeMs) {
    const int code = SSL_get_error(ssl, result);
    const int savedErrno = errno;
    const long verified = SSL_get_verify_result(ssl);
    const std::string reason = lastSslError();
    if (verified == X509_V_ERR_HOSTNAME_MISMATCH || verified == X509_V_ERR_IP_ADDRESS_MISMATCH)
        return "TLS: the server's certificate is not for " + host +
               " (the host name is checked against the certificate)";
    if (verified != X509_V_OK)
        return std::string("TLS: the server's certificate is not trusted: ") +
               X509_verify_cert_error_string(verified) + " (checked against " +
               (caFile.empty() ? std::string("the system's CA certificates")
                               : "the CA file " + caFile) +
               ")";
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE || savedErrno == EAGAIN ||
        savedErrno == EWOULDBLOCK)
        return "TLS: the server did not answer the handshake within " +
               std::to_string(handshakeMs / 1000) +
               " s (does it speak TLS? without, leave out "
               "ssl=true)";
    return "TLS: the handshake failed" + (reason.empty() ? std::string() : " (" + reason + ")") +
           ": the server does not speak TLS on this port, or not a version Syncscope accepts "
           "(1.2 or newer)";
}
} // namespace

HiveTlsTransport::HiveTlsTransport(std::shared_ptr<apache::thrift::transport::TSocket> socket,
                                   const std::string& host, const std::string& caFile,
                                   int handshakeMs, int readMs)
    : socket_(std::move(socket))
    , ssl_(std::make_unique<Ssl>()) {
    // OpenSSL writes to the socket with write(), not send(MSG_NOSIGNAL) as Thrift does: a server
    // gone away would kill the process with SIGPIPE instead of failing the call. Ignored once,
    // for the process, as the Redis store does.
    static std::once_flag ignoreSigpipe;
    std::call_once(ignoreSigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
    ERR_clear_error();
    ssl_->context = SSL_CTX_new(TLS_client_method());
    if (!ssl_->context)
        throw HiveRefusal("TLS: OpenSSL could not set up (" + lastSslError() + ")");
    SSL_CTX_set_min_proto_version(ssl_->context, TLS1_2_VERSION);
    SSL_CTX_set_verify(ssl_->context, SSL_VERIFY_PEER, nullptr);
    const int loaded = caFile.empty()
                           ? SSL_CTX_set_default_verify_paths(ssl_->context)
                           : SSL_CTX_load_verify_locations(ssl_->context, caFile.c_str(), nullptr);
    if (loaded != 1)
        throw HiveRefusal("TLS: cannot read the CA file " + caFile + " (" + lastSslError() + ")");
    ssl_->ssl = SSL_new(ssl_->context);
    if (!ssl_->ssl || SSL_set_fd(ssl_->ssl, socket_->getSocketFD()) != 1)
        throw HiveRefusal("TLS: OpenSSL could not set up (" + lastSslError() + ")");
    // The name (or address) the certificate must carry; SNI for a name only (RFC 6066).
    if (isIpAddress(host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_->ssl), host.c_str());
    } else {
        // SSL_set_tlsext_host_name, spelled out: the macro's C cast breaks -Wold-style-cast.
        SSL_ctrl(ssl_->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str()));
        SSL_set1_host(ssl_->ssl, host.c_str());
    }
    // The socket's receive timeout bounds each wait: a server that does not speak TLS may wait
    // for more bytes of what it takes for its own protocol, and must not hold the client for
    // the whole read timeout.
    socket_->setRecvTimeout(handshakeMs);
    const int result = SSL_connect(ssl_->ssl);
    if (result != 1)
        throw HiveRefusal(handshakeProblem(ssl_->ssl, result, host, caFile, handshakeMs));
    socket_->setRecvTimeout(readMs);
}

HiveTlsTransport::~HiveTlsTransport() {
    close();
}

bool HiveTlsTransport::isOpen() const {
    return ssl_ && socket_->isOpen();
}

void HiveTlsTransport::close() {
    if (!ssl_)
        return;
    if (ssl_->ssl && socket_->isOpen())
        SSL_shutdown(ssl_->ssl); // the close notify only: not waiting for the server's
    ssl_.reset();
    socket_->close();
}

uint32_t HiveTlsTransport::read(uint8_t* buf, uint32_t len) {
    if (!ssl_)
        throw TTransportException(TTransportException::NOT_OPEN, "TLS connection closed");
    ERR_clear_error();
    const int n = SSL_read(ssl_->ssl, buf, static_cast<int>(len));
    if (n > 0)
        return static_cast<uint32_t>(n);
    const int code = SSL_get_error(ssl_->ssl, n);
    const int savedErrno = errno;
    if (code == SSL_ERROR_ZERO_RETURN)
        return 0; // the server closed the connection cleanly
    if (code == SSL_ERROR_WANT_READ || savedErrno == EAGAIN || savedErrno == EWOULDBLOCK)
        throw TTransportException(TTransportException::TIMED_OUT, "TLS read timed out");
    const std::string reason = lastSslError();
    if (code == SSL_ERROR_SYSCALL && reason.empty() && savedErrno == 0)
        return 0; // end of stream without a close notify: the server went away
    throw TTransportException(TTransportException::END_OF_FILE,
                              "TLS read failed" + (reason.empty() ? "" : ": " + reason));
}

void HiveTlsTransport::write(const uint8_t* buf, uint32_t len) {
    if (!ssl_)
        throw TTransportException(TTransportException::NOT_OPEN, "TLS connection closed");
    while (len > 0) {
        ERR_clear_error();
        const int n = SSL_write(ssl_->ssl, buf, static_cast<int>(len));
        if (n <= 0) {
            const std::string reason = lastSslError();
            throw TTransportException(TTransportException::END_OF_FILE,
                                      "TLS write failed" + (reason.empty() ? "" : ": " + reason));
        }
        buf += n;
        len -= static_cast<uint32_t>(n);
    }
}

} // namespace syncscope

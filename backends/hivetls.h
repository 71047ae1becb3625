#pragma once
// TLS for the HiveServer2 client (hive2://…?ssl=true): OpenSSL over an open Thrift socket, as
// a Thrift transport the SASL, framed and HTTP layers then write through. The server's
// certificate must chain to the CA file (or, without one, to the system's CAs) and name the
// host the URI names, which Hive's JDBC driver does not check (Java's SSLSocket leaves that
// to the caller); a client here has no other way to tell the server from a man in the middle.
#include <thrift/TApplicationException.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>
#include <thrift/transport/TVirtualTransport.h>

#include <memory>
#include <string>

namespace syncscope {

// The server was reached but refused what the client needs (an untrusted certificate, no TLS,
// an HTTP status): asking again will not help, so it is a failure, not a lost connection.
// Not a TTransportException on purpose: callers treat those as worth retrying.
class HiveRefusal : public apache::thrift::TException {
public:
    explicit HiveRefusal(const std::string& what, std::string sqlState = "08001")
        : TException(what)
        , sqlState_(std::move(sqlState)) {}
    const std::string& sqlState() const { return sqlState_; }

private:
    std::string sqlState_;
};

// A new connection the server closed before sending a byte: most often it does not speak
// what was sent (TLS to a plain port, plain to a TLS one, the wrong transportMode or auth), so
// the message says so; still a lost connection, since a proxy in front of a server that is
// down does the same.
class HiveClosedBeforeAnswer : public apache::thrift::transport::TTransportException {
public:
    HiveClosedBeforeAnswer()
        : TTransportException(END_OF_FILE,
                              "the server closed the connection without answering (does it "
                              "want TLS, ssl=true, or not; another transportMode or auth?)") {}
};

// A new connection as the Hive client reads it: the first read that finds the connection
// closed throws HiveClosedBeforeAnswer; afterwards it passes everything through.
class HiveAnswerWatch : public apache::thrift::transport::TVirtualTransport<HiveAnswerWatch> {
public:
    explicit HiveAnswerWatch(std::shared_ptr<apache::thrift::transport::TTransport> stream)
        : stream_(std::move(stream)) {}
    bool isOpen() const override { return stream_->isOpen(); }
    void open() override { stream_->open(); }
    void close() override { stream_->close(); }
    void flush() override { stream_->flush(); }
    void write(const uint8_t* buf, uint32_t len) { stream_->write(buf, len); }
    uint32_t read(uint8_t* buf, uint32_t len) {
        const uint32_t n = stream_->read(buf, len);
        if (n == 0 && !answered_)
            throw HiveClosedBeforeAnswer();
        answered_ = true;
        return n;
    }

private:
    std::shared_ptr<apache::thrift::transport::TTransport> stream_;
    bool answered_ = false;
};

class HiveTlsTransport : public apache::thrift::transport::TVirtualTransport<HiveTlsTransport> {
public:
    // `socket` is open; `caFile` empty means the system's CAs. The handshake runs here, waiting
    // at most `handshakeMs` for each answer; throws HiveRefusal when the server's certificate
    // is not trusted or not for `host`, or the server does not speak TLS.
    HiveTlsTransport(std::shared_ptr<apache::thrift::transport::TSocket> socket,
                     const std::string& host, const std::string& caFile, int handshakeMs,
                     int readMs);
    ~HiveTlsTransport() override;

    bool isOpen() const override;
    void open() override {}
    void close() override;
    uint32_t read(uint8_t* buf, uint32_t len);
    void write(const uint8_t* buf, uint32_t len);

private:
    struct Ssl;
    std::shared_ptr<apache::thrift::transport::TSocket> socket_;
    std::unique_ptr<Ssl> ssl_;
};

} // namespace syncscope

#include "saslserver.h"

#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>

#include <sasl/sasl.h>

#include <memory>
#include <mutex>
#include <vector>

namespace hs2peer {

using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportException;

namespace {
enum : uint8_t { kStart = 1, kOk = 2, kBad = 3, kComplete = 5 };

struct Frame {
    uint8_t status = 0;
    std::string payload;
};

Frame readFrame(TTransport& client) {
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

// Refuses the client, or returns once its Kerberos login (GSSAPI, started by `start`) passed.
void negotiateGssapi(TTransport& client, const Frame& start, const std::string& principal) {
    if (start.payload != "GSSAPI") {
        writeFrame(client, kBad, "Unsupported mechanism type " + start.payload);
        throw TTransportException(TTransportException::END_OF_FILE, "bad mechanism");
    }
    static const int ready = sasl_server_init(nullptr, "hs2peer");
    const size_t slash = principal.find('/');
    sasl_conn_t* conn = nullptr;
    if (ready != SASL_OK ||
        sasl_server_new(principal.substr(0, slash).c_str(), principal.substr(slash + 1).c_str(),
                        nullptr, nullptr, nullptr, nullptr, 0, &conn) != SASL_OK) {
        writeFrame(client, kBad, "the peer's Cyrus SASL did not start");
        throw TTransportException(TTransportException::END_OF_FILE, "no SASL");
    }
    std::unique_ptr<sasl_conn_t, void (*)(sasl_conn_t*)> owned(
        conn, [](sasl_conn_t* c) { sasl_dispose(&c); });
    sasl_security_properties_t props{};
    props.max_ssf = 0; // QOP "auth"
    props.maxbufsize = 65536;
    sasl_setprop(conn, SASL_SEC_PROPS, &props);
    Frame response = readFrame(client);
    const char* out = nullptr;
    unsigned outLength = 0;
    int step = sasl_server_start(conn, "GSSAPI", response.payload.data(),
                                 static_cast<unsigned>(response.payload.size()), &out, &outLength);
    while (step == SASL_CONTINUE) {
        writeFrame(client, kOk, std::string(out ? out : "", outLength));
        response = readFrame(client);
        step = sasl_server_step(conn, response.payload.data(),
                                static_cast<unsigned>(response.payload.size()), &out, &outLength);
    }
    if (step != SASL_OK) {
        const std::string why = std::string("GSS initiate failed: ") + sasl_errdetail(conn);
        writeFrame(client, kBad, why);
        throw TTransportException(TTransportException::END_OF_FILE, why);
    }
    writeFrame(client, kComplete, std::string(out ? out : "", outLength));
}

// Refuses the client with Hive's reason, or returns when its PLAIN credentials pass (its
// Kerberos login, with a principal).
void negotiate(TTransport& client, const std::string& user, const std::string& password,
               const std::string& principal) {
    const Frame start = readFrame(client);
    if (start.status == kStart && !principal.empty())
        return negotiateGssapi(client, start, principal);
    if (start.status != kStart || start.payload != "PLAIN") {
        writeFrame(client, kBad, "Unsupported mechanism type " + start.payload);
        throw TTransportException(TTransportException::END_OF_FILE, "bad mechanism");
    }
    const Frame response = readFrame(client);
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
    else if (!password.empty() && (tokens[1] != user || tokens[2] != password))
        refused = "Error validating the login";
    if (!refused.empty()) {
        writeFrame(client, kBad, refused);
        throw TTransportException(TTransportException::END_OF_FILE, refused);
    }
    writeFrame(client, kComplete, {});
}

// The client as the connection's thread reads it: SASL is negotiated at the first read, on
// that thread, so a client that sends part of a frame and waits holds only its own thread (and
// for at most kNegotiationMs), never the accept loop; framed afterwards.
class NegotiatingTransport : public TTransport {
public:
    static constexpr int kNegotiationMs = 10000;

    NegotiatingTransport(std::shared_ptr<TTransport> client, std::string user, std::string password,
                         std::string principal)
        : client_(std::move(client))
        , framed_(std::make_shared<apache::thrift::transport::TFramedTransport>(client_))
        , user_(std::move(user))
        , password_(std::move(password))
        , principal_(std::move(principal)) {}

    bool isOpen() const override { return client_->isOpen(); }
    bool peek() override {
        negotiated();
        return framed_->peek();
    }
    void open() override { client_->open(); }
    void close() override { client_->close(); }
    uint32_t read_virt(uint8_t* buf, uint32_t len) override {
        negotiated();
        return framed_->read(buf, len);
    }
    uint32_t readAll_virt(uint8_t* buf, uint32_t len) override {
        negotiated();
        return framed_->readAll(buf, len);
    }
    uint32_t readEnd() override { return framed_->readEnd(); }
    void write_virt(const uint8_t* buf, uint32_t len) override { framed_->write(buf, len); }
    uint32_t writeEnd() override { return framed_->writeEnd(); }
    void flush() override { framed_->flush(); }
    const uint8_t* borrow_virt(uint8_t* buf, uint32_t* len) override {
        negotiated();
        return framed_->borrow(buf, len);
    }
    void consume_virt(uint32_t len) override { framed_->consume(len); }
    const std::string getOrigin() const override { return client_->getOrigin(); }

private:
    void negotiated() {
        if (done_)
            return;
        auto* socket = dynamic_cast<apache::thrift::transport::TSocket*>(client_.get());
        if (socket)
            socket->setRecvTimeout(kNegotiationMs);
        try {
            negotiate(*client_, user_, password_, principal_);
        } catch (const TTransportException& e) {
            // END_OF_FILE and TIMED_OUT end the connection's thread without a log line.
            client_->close();
            throw TTransportException(e.getType() == TTransportException::TIMED_OUT
                                          ? TTransportException::TIMED_OUT
                                          : TTransportException::END_OF_FILE,
                                      e.what());
        }
        if (socket)
            socket->setRecvTimeout(0);
        done_ = true;
    }

    std::shared_ptr<TTransport> client_;
    std::shared_ptr<apache::thrift::transport::TFramedTransport> framed_;
    std::string user_, password_, principal_;
    bool done_ = false;
};
} // namespace

SaslPlainServerFactory::SaslPlainServerFactory(std::string user, std::string password,
                                               std::string principal)
    : user_(std::move(user))
    , password_(std::move(password))
    , principal_(std::move(principal)) {}

std::shared_ptr<TTransport>
SaslPlainServerFactory::getTransport(std::shared_ptr<TTransport> client) {
    // Called by Thrift's accept loop: nothing is read here.
    return std::make_shared<NegotiatingTransport>(std::move(client), user_, password_, principal_);
}

} // namespace hs2peer

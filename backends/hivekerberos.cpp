#include "hivekerberos.h"

#include "hivesasl.h"

#include <thrift/transport/TTransport.h>

#include <sasl/sasl.h>

#include <cstdint>
#include <memory>
#include <mutex>

namespace syncscope {

namespace {
enum : unsigned char { kStart = 1, kOk = 2, kBad = 3, kError = 4, kComplete = 5 };
constexpr uint32_t kLongestFrame = 64 * 1024;

struct Frame {
    unsigned char status = 0;
    std::string payload;
};

void send(apache::thrift::transport::TTransport& t, unsigned char status,
          const std::string& payload) {
    const std::string bytes = saslFrame(status, payload);
    t.write(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<uint32_t>(bytes.size()));
    t.flush();
}

bool receive(apache::thrift::transport::TTransport& t, Frame& f, std::string& problem) {
    uint8_t header[5];
    t.readAll(header, 5);
    const uint32_t n = (uint32_t(header[1]) << 24) | (uint32_t(header[2]) << 16) |
                       (uint32_t(header[3]) << 8) | uint32_t(header[4]);
    if (n > kLongestFrame) {
        problem = "the server's SASL answer is " + std::to_string(n) +
                  " bytes long (is this a HiveServer2 port with SASL?)";
        return false;
    }
    f.status = header[0];
    f.payload.assign(n, '\0');
    if (n > 0)
        t.readAll(reinterpret_cast<uint8_t*>(f.payload.data()), n);
    return true;
}

// Cyrus SASL is set up once for the process; its GSSAPI plugin is a Debian package of its
// own (libsasl2-modules-gssapi-mit), which the message names when it is missing.
bool saslReady(std::string& problem) {
    static int result = SASL_FAIL;
    static std::once_flag once;
    std::call_once(once, [] { result = sasl_client_init(nullptr); });
    if (result != SASL_OK)
        problem =
            std::string("Cyrus SASL did not start: ") + sasl_errstring(result, nullptr, nullptr);
    return result == SASL_OK;
}

struct ConnDeleter {
    void operator()(sasl_conn_t* c) const { sasl_dispose(&c); }
};
} // namespace

std::string saslGssapiHandshake(apache::thrift::transport::TTransport& socket,
                                const std::string& principal, const std::string& host) {
    std::string problem;
    if (!saslReady(problem))
        return problem;
    // hive/_HOST@REALM: the service is before the '/', the host after it (or the URI's).
    const size_t slash = principal.find('/');
    const size_t at = principal.find('@');
    const std::string service = principal.substr(0, std::min(slash, at));
    std::string target =
        slash == std::string::npos
            ? host
            : principal.substr(slash + 1,
                               at == std::string::npos ? std::string::npos : at - slash - 1);
    if (target == "_HOST")
        target = host;
    sasl_conn_t* raw = nullptr;
    if (sasl_client_new(service.c_str(), target.c_str(), nullptr, nullptr, nullptr, 0, &raw) !=
        SASL_OK)
        return "Cyrus SASL cannot make a client for " + service + "/" + target;
    std::unique_ptr<sasl_conn_t, ConnDeleter> conn(raw);
    sasl_security_properties_t props{};
    props.max_ssf = 0; // QOP "auth": no security layer after the login
    props.maxbufsize = 65536;
    sasl_setprop(conn.get(), SASL_SEC_PROPS, &props);

    const char* out = nullptr;
    unsigned outLength = 0;
    const char* mechanism = nullptr;
    int step = sasl_client_start(conn.get(), "GSSAPI", nullptr, &out, &outLength, &mechanism);
    if (step != SASL_OK && step != SASL_CONTINUE)
        return "Kerberos (GSSAPI) login to " + service + "/" + target +
               " failed: " + sasl_errdetail(conn.get()) +
               (step == SASL_NOMECH ? " (is libsasl2-modules-gssapi-mit installed?)" : "");
    send(socket, kStart, "GSSAPI");
    send(socket, kOk, std::string(out ? out : "", outLength));
    for (;;) {
        Frame f;
        if (!receive(socket, f, problem))
            return problem;
        if (f.status == kBad || f.status == kError)
            return f.payload.empty() ? std::string("the server refused the Kerberos login")
                                     : f.payload;
        // The server's COMPLETE counts only once GSSAPI has checked the server's own token
        // (mutual authentication): an impostor answering COMPLETE at once is refused.
        if (f.status == kComplete && step == SASL_OK)
            return {};
        if (f.status == kComplete && f.payload.empty())
            return "the server ended the Kerberos login before proving it is " + service + "/" +
                   target;
        if (f.status != kOk && f.status != kComplete)
            return "unexpected SASL status " + std::to_string(f.status);
        step = sasl_client_step(conn.get(), f.payload.data(),
                                static_cast<unsigned>(f.payload.size()), nullptr, &out, &outLength);
        if (step != SASL_OK && step != SASL_CONTINUE)
            return std::string("Kerberos (GSSAPI) login failed: ") + sasl_errdetail(conn.get());
        if (f.status == kComplete)
            return step == SASL_OK ? std::string()
                                   : "the server ended the Kerberos login before proving it is " +
                                         service + "/" + target;
        send(socket, kOk, std::string(out ? out : "", outLength));
    }
}

} // namespace syncscope

#pragma once
// The server's half of HiveServer2's HTTP transport (--http): each Thrift message comes as the
// body of a POST to the HTTP path and goes back as the body of a 200 reply, many to a kept-alive
// connection. With authentication (not NOSASL) a request must carry the session cookie the
// peer set (hive.server2.auth, as Hive's ThriftHttpServlet names it) or HTTP Basic
// credentials, checked as the SASL PLAIN peer checks them; Basic that passes gets a new
// cookie. Anything else is answered 401 (404 for another path) and the connection closed.
#include <thrift/transport/TTransport.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace hs2peer {

struct HttpSettings {
    std::string path = "/cliservice";
    bool authenticate = true; // false: NOSASL, no credentials asked
    std::string user;         // with `password`: the only login that passes
    std::string password;     // empty: any non-empty user and password (Hive's NONE)
    bool secure = false;      // over TLS: the cookie is marked Secure
    // For the client's tests: once a connection got a cookie, a request on it without the
    // cookie is refused, so a client that does not send it back is caught.
    bool cookieRequired = false;
};

class HttpServerFactory : public apache::thrift::transport::TTransportFactory {
public:
    explicit HttpServerFactory(HttpSettings settings);

    // Thrift's server asks once for the reading side and once for the writing side of each
    // client, one call after the other on its accept thread: both get the same transport,
    // since a reply's headers depend on its request.
    std::shared_ptr<apache::thrift::transport::TTransport>
    getTransport(std::shared_ptr<apache::thrift::transport::TTransport> client) override;

    // The cookies handed out, shared by every connection (a client may reconnect with one).
    std::string issueCookie(const std::string& user);
    bool knowsCookie(const std::string& value);

    const HttpSettings& settings() const { return settings_; }

private:
    HttpSettings settings_;
    std::shared_ptr<apache::thrift::transport::TTransport> lastClient_, lastTransport_;
    std::mutex mutex_;
    std::set<std::string> cookies_;
    unsigned long long issued_ = 0;
};

} // namespace hs2peer

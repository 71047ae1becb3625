#pragma once
// HiveServer2's HTTP transport (hive2://…?transportMode=http): each Thrift message is the body
// of a POST to the server's HTTP path (content type application/x-thrift) and each answer the
// body of its reply, on one kept-alive connection (plain or TLS), opened again when the server
// closes it. PLAIN-style logins go as HTTP Basic; the session cookie HiveServer2 sets
// (hive.server2.auth) is sent back instead on the requests that follow, so the server need not
// check the password again, and the password goes again once if the server no longer takes
// the cookie. A 5xx or 408 reply is a lost connection (the statement may have run); any other
// reply but 200 throws HiveRefusal naming the status.
#include <thrift/transport/TVirtualTransport.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace syncscope {

class HiveHttpTransport : public apache::thrift::transport::TVirtualTransport<HiveHttpTransport> {
public:
    using Opener = std::function<std::shared_ptr<apache::thrift::transport::TTransport>()>;
    struct Login {
        std::string user;
        std::string password;
    };

    // `open` makes a new connection to the server (TCP, or TLS over it); `hostHeader` is
    // "host:port"; no `login` sends no Authorization (a server with authentication NOSASL).
    HiveHttpTransport(Opener open, std::string hostHeader, std::string path,
                      std::optional<Login> login);
    ~HiveHttpTransport() override;

    bool isOpen() const override { return true; } // a connection is made as each POST needs one
    void open() override {}
    void close() override;
    uint32_t read(uint8_t* buf, uint32_t len);
    void write(const uint8_t* buf, uint32_t len);
    void flush() override;

private:
    struct Reply;
    // Sends the request once on the current connection (made when there is none); the reply.
    Reply exchange(bool withPassword);
    std::string readLine();
    void readBytes(std::string& into, size_t n);

    Opener open_;
    std::string hostHeader_;
    std::string path_;
    std::optional<Login> login_;
    std::shared_ptr<apache::thrift::transport::TTransport> connection_;
    std::string cookie_;   // the hive.server2.auth value the server set, or empty
    std::string request_;  // the message being written
    std::string incoming_; // bytes read from the connection and not yet taken
    std::string body_;     // the last reply's body, read from `bodyAt_`
    size_t bodyAt_ = 0;
};

} // namespace syncscope

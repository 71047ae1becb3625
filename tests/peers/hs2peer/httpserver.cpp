#include "httpserver.h"

#include <thrift/transport/TTransportException.h>
#include <thrift/transport/TVirtualTransport.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <random>
#include <utility>

namespace hs2peer {

using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportException;

namespace {
constexpr const char* kCookie = "hive.server2.auth";

std::string trimmed(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t");
    const size_t last = s.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string base64Decoded(const std::string& in) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (const char c : in) {
        const size_t v = alphabet.find(c);
        if (v == std::string::npos)
            break; // '=' padding or the end
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
    return out;
}

// The value of the session cookie in a Cookie header ("a=1; hive.server2.auth=v"), or empty.
// A client may send the cookie's attributes too (hive-driver sends back Set-Cookie whole).
std::string cookieIn(const std::string& header) {
    size_t at = 0;
    while (at <= header.size()) {
        const size_t end = std::min(header.find(';', at), header.size());
        const std::string pair = trimmed(header.substr(at, end - at));
        const size_t equals = pair.find('=');
        if (equals != std::string::npos && trimmed(pair.substr(0, equals)) == kCookie)
            return trimmed(pair.substr(equals + 1));
        at = end + 1;
    }
    return {};
}

class HttpServerTransport
    : public apache::thrift::transport::TVirtualTransport<HttpServerTransport> {
public:
    HttpServerTransport(std::shared_ptr<TTransport> client, HttpServerFactory& factory)
        : client_(std::move(client))
        , factory_(factory) {}

    bool isOpen() const override { return client_->isOpen(); }
    bool peek() override { return bodyAt_ < body_.size() || client_->peek(); }
    void open() override { client_->open(); }
    void close() override { client_->close(); }

    uint32_t read(uint8_t* buf, uint32_t len) {
        if (bodyAt_ == body_.size())
            nextRequest();
        const size_t n = std::min<size_t>(len, body_.size() - bodyAt_);
        std::copy_n(body_.data() + bodyAt_, n, buf);
        bodyAt_ += n;
        return static_cast<uint32_t>(n);
    }
    void write(const uint8_t* buf, uint32_t len) {
        reply_.append(reinterpret_cast<const char*>(buf), len);
    }
    void flush() override {
        std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-thrift\r\n"
                           "Content-Length: " +
                           std::to_string(reply_.size()) + "\r\n";
        if (!newCookie_.empty())
            head += std::string("Set-Cookie: ") + kCookie + "=" + newCookie_ +
                    "; Max-Age=86400; Path=/; HttpOnly" +
                    (factory_.settings().secure ? "; Secure" : "") + "\r\n";
        newCookie_.clear();
        send(head + "\r\n" + reply_);
        reply_.clear();
    }

private:
    void send(const std::string& bytes) {
        client_->write(reinterpret_cast<const uint8_t*>(bytes.data()),
                       static_cast<uint32_t>(bytes.size()));
        client_->flush();
    }

    // Answers `status` with `why` as the page, closes the connection and ends its thread.
    [[noreturn]] void refuse(const std::string& status, const std::string& why) {
        send("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " +
             std::to_string(why.size()) + "\r\nConnection: close\r\n" +
             (status.rfind("401", 0) == 0 ? "WWW-Authenticate: Basic realm=\"hs2peer\"\r\n" : "") +
             "\r\n" + why);
        client_->close();
        throw TTransportException(TTransportException::END_OF_FILE, why);
    }

    std::string readLine() {
        for (;;) {
            const size_t end = incoming_.find("\r\n");
            if (end != std::string::npos) {
                std::string line = incoming_.substr(0, end);
                incoming_.erase(0, end + 2);
                return line;
            }
            if (incoming_.size() > 65536)
                refuse("431 Request Header Fields Too Large", "header line over 64 KiB");
            // Control bytes before a line's end: not HTTP (a binary-mode client), answered at
            // once rather than waited on, as a web server does.
            if (std::any_of(incoming_.begin(), incoming_.end(), [](char c) {
                    return static_cast<unsigned char>(c) < 0x20 && c != '\r' && c != '\n' &&
                           c != '\t';
                }))
                refuse("400 Bad Request", "not an HTTP request");
            uint8_t chunk[4096];
            const uint32_t n = client_->read(chunk, sizeof chunk);
            if (n == 0) // the client closed its connection: the end of this thread
                throw TTransportException(TTransportException::END_OF_FILE, "client gone");
            incoming_.append(reinterpret_cast<const char*>(chunk), n);
        }
    }

    // Reads the next request into body_, or refuses it.
    void nextRequest() {
        const std::string requestLine = readLine();
        std::string cookie, authorization;
        size_t length = 0;
        bool hasLength = false;
        for (std::string line = readLine(); !line.empty(); line = readLine()) {
            const size_t colon = line.find(':');
            if (colon == std::string::npos)
                continue;
            const std::string name = lower(trimmed(line.substr(0, colon)));
            const std::string value = trimmed(line.substr(colon + 1));
            if (name == "content-length") {
                length = std::stoul(value);
                hasLength = true;
            } else if (name == "cookie") {
                if (const std::string c = cookieIn(value); !c.empty())
                    cookie = c;
            } else if (name == "authorization") {
                authorization = value;
            }
        }
        const size_t firstSpace = requestLine.find(' ');
        const size_t secondSpace = requestLine.find(' ', firstSpace + 1);
        const std::string method = requestLine.substr(0, firstSpace);
        const std::string path =
            firstSpace == std::string::npos
                ? std::string()
                : requestLine.substr(firstSpace + 1, secondSpace - firstSpace - 1);
        if (method != "POST")
            refuse("405 Method Not Allowed", "HiveServer2 takes POST only");
        if (path != factory_.settings().path)
            refuse("404 Not Found", "no Thrift service at " + path);
        if (!hasLength)
            refuse("411 Length Required", "a Content-Length is required");
        authenticate(cookie, authorization);
        body_ = incoming_.substr(0, std::min(length, incoming_.size()));
        incoming_.erase(0, body_.size());
        const size_t have = body_.size();
        body_.resize(length);
        if (length > have)
            client_->readAll(reinterpret_cast<uint8_t*>(body_.data() + have),
                             static_cast<uint32_t>(length - have));
        bodyAt_ = 0;
    }

    // As Hive's servlet: a valid cookie passes; otherwise Basic credentials are checked and, when
    // they pass, a new cookie goes with the reply.
    void authenticate(const std::string& cookie, const std::string& authorization) {
        const HttpSettings& s = factory_.settings();
        if (!s.authenticate)
            return;
        if (!cookie.empty() && factory_.knowsCookie(cookie))
            return;
        if (s.cookieRequired && cookieSet_)
            refuse("401 Unauthorized", "expected the session cookie set on this connection");
        if (lower(authorization.substr(0, 6)) != "basic ")
            refuse("401 Unauthorized", "Authorization header received from the client is empty");
        const std::string pair = base64Decoded(trimmed(authorization.substr(6)));
        const size_t colon = pair.find(':');
        const std::string user = pair.substr(0, colon);
        const std::string password = colon == std::string::npos ? "" : pair.substr(colon + 1);
        if (user.empty() || password.empty() ||
            (!s.password.empty() && (user != s.user || password != s.password)))
            refuse("401 Unauthorized", "Error validating the login");
        newCookie_ = factory_.issueCookie(user);
        cookieSet_ = true;
    }

    std::shared_ptr<TTransport> client_;
    HttpServerFactory& factory_;
    std::string incoming_, body_, reply_, newCookie_;
    size_t bodyAt_ = 0;
    bool cookieSet_ = false;
};
} // namespace

HttpServerFactory::HttpServerFactory(HttpSettings settings)
    : settings_(std::move(settings)) {
    if (settings_.path.empty() || settings_.path.front() != '/')
        settings_.path.insert(settings_.path.begin(), '/');
}

std::shared_ptr<TTransport> HttpServerFactory::getTransport(std::shared_ptr<TTransport> client) {
    if (client == lastClient_) { // the writing side of the client just wrapped for reading
        lastClient_.reset();
        return std::exchange(lastTransport_, nullptr);
    }
    lastClient_ = client;
    lastTransport_ = std::make_shared<HttpServerTransport>(client, *this);
    return lastTransport_;
}

std::string HttpServerFactory::issueCookie(const std::string& user) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(random()));
    std::lock_guard lock(mutex_);
    // Hive's value is "cu=user&rn=random&s=signature"; here the random part is looked up.
    const std::string value = "cu=" + user + "&rn=" + hex + std::to_string(++issued_);
    cookies_.insert(value);
    return value;
}

bool HttpServerFactory::knowsCookie(const std::string& value) {
    std::lock_guard lock(mutex_);
    return cookies_.count(value) > 0;
}

} // namespace hs2peer

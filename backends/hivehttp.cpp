#include "hivehttp.h"

#include "hivetls.h"

#include <thrift/transport/TTransportException.h>

#include <QByteArray>

#include <algorithm>
#include <cctype>
#include <utility>

namespace syncscope {

using apache::thrift::transport::TTransportException;

namespace {
constexpr size_t kLongestLine = 64 * 1024;
constexpr const char* kCookie = "hive.server2.auth";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trimmed(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t");
    const size_t last = s.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

// The value of the hive.server2.auth cookie in a Set-Cookie header, or empty.
std::string sessionCookie(const std::string& setCookie) {
    const std::string pair = trimmed(setCookie.substr(0, setCookie.find(';')));
    const size_t equals = pair.find('=');
    if (equals == std::string::npos || trimmed(pair.substr(0, equals)) != kCookie)
        return {};
    return trimmed(pair.substr(equals + 1));
}

// At most 200 printable bytes of a server's error page, for the message.
std::string excerpt(const std::string& body) {
    std::string out;
    for (const char c : body.substr(0, 200))
        out += std::isprint(static_cast<unsigned char>(c)) ? c : ' ';
    return trimmed(out);
}
} // namespace

struct HiveHttpTransport::Reply {
    int status = 0;
    std::string reason;
    bool close = false;
};

HiveHttpTransport::HiveHttpTransport(Opener open, std::string hostHeader, std::string path,
                                     std::optional<Login> login)
    : open_(std::move(open))
    , hostHeader_(std::move(hostHeader))
    , path_(std::move(path))
    , login_(std::move(login)) {
    if (path_.empty() || path_.front() != '/')
        path_.insert(path_.begin(), '/');
}

HiveHttpTransport::~HiveHttpTransport() {
    close();
}

void HiveHttpTransport::close() {
    if (connection_) {
        try {
            connection_->close();
        } catch (const apache::thrift::TException&) { // a broken connection: nothing to close
        }
    }
    connection_.reset();
    incoming_.clear();
}

void HiveHttpTransport::write(const uint8_t* buf, uint32_t len) {
    request_.append(reinterpret_cast<const char*>(buf), len);
}

uint32_t HiveHttpTransport::read(uint8_t* buf, uint32_t len) {
    const size_t n = std::min<size_t>(len, body_.size() - bodyAt_);
    std::copy_n(body_.data() + bodyAt_, n, buf);
    bodyAt_ += n;
    return static_cast<uint32_t>(n);
}

void HiveHttpTransport::flush() {
    const bool hadCookie = !cookie_.empty();
    Reply reply = exchange(!hadCookie);
    if (reply.close)
        close(); // the next request, if any, opens a new connection
    if (reply.status == 401 && hadCookie && login_) {
        // The cookie expired or the server restarted: log in again with the password, once.
        cookie_.clear();
        reply = exchange(true);
        if (reply.close)
            close();
    }
    request_.clear();
    if (reply.status == 200)
        return;
    std::string what =
        "HTTP " + std::to_string(reply.status) + " " + reply.reason + " from " + path_;
    if (reply.status == 404)
        what += " (is httpPath right? HiveServer2's default is cliservice)";
    const std::string page = excerpt(body_);
    if (!page.empty())
        what += ": " + page;
    body_.clear();
    // A gateway's 5xx or a 408 says nothing of the statement behind it, which may have run: as a
    // lost connection, the store then finds out whether its batch landed before writing again.
    if (reply.status >= 500 || reply.status == 408) {
        close();
        throw TTransportException(TTransportException::UNKNOWN, what);
    }
    throw HiveRefusal(what, reply.status == 401 || reply.status == 403 ? "28000" : "08001");
}

HiveHttpTransport::Reply HiveHttpTransport::exchange(bool withPassword) {
    if (!connection_)
        connection_ = open_();
    std::string head = "POST " + path_ + " HTTP/1.1\r\nHost: " + hostHeader_ +
                       "\r\nContent-Type: application/x-thrift\r\nAccept: application/x-thrift"
                       "\r\nUser-Agent: Syncscope\r\nContent-Length: " +
                       std::to_string(request_.size()) + "\r\n";
    if (!cookie_.empty())
        head += std::string("Cookie: ") + kCookie + "=" + cookie_ + "\r\n";
    else if (login_ && withPassword) {
        const QByteArray pair = QByteArray::fromStdString(login_->user + ":" + login_->password);
        head += "Authorization: Basic " + pair.toBase64().toStdString() + "\r\n";
    }
    head += "\r\n";
    head += request_;
    connection_->write(reinterpret_cast<const uint8_t*>(head.data()),
                       static_cast<uint32_t>(head.size()));
    connection_->flush();

    Reply reply;
    const std::string statusLine = readLine();
    // "HTTP/1.1 200 OK"
    const size_t space = statusLine.find(' ');
    if (statusLine.rfind("HTTP/", 0) != 0 || space == std::string::npos)
        throw HiveRefusal(!statusLine.empty() && statusLine[0] == '\x15'
                              ? "the server answered with TLS: it wants ssl=true"
                              : "the server's answer is not HTTP (is transportMode=http right?)");
    reply.status = std::atoi(statusLine.c_str() + space + 1);
    const size_t reasonAt = statusLine.find(' ', space + 1);
    reply.reason = reasonAt == std::string::npos ? std::string() : statusLine.substr(reasonAt + 1);
    reply.close = statusLine.rfind("HTTP/1.0", 0) == 0;
    std::optional<size_t> length;
    bool chunked = false;
    for (std::string line = readLine(); !line.empty(); line = readLine()) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string name = lower(trimmed(line.substr(0, colon)));
        const std::string value = trimmed(line.substr(colon + 1));
        if (name == "content-length")
            length = static_cast<size_t>(std::strtoull(value.c_str(), nullptr, 10));
        else if (name == "transfer-encoding")
            chunked = lower(value).find("chunked") != std::string::npos;
        else if (name == "connection")
            reply.close = lower(value) == "close";
        else if (name == "set-cookie" && !sessionCookie(value).empty())
            cookie_ = sessionCookie(value);
    }
    body_.clear();
    bodyAt_ = 0;
    if (chunked) {
        for (;;) {
            const size_t size = std::strtoul(readLine().c_str(), nullptr, 16);
            if (size == 0)
                break;
            readBytes(body_, size);
            readLine(); // the CRLF after the chunk
        }
        while (!readLine().empty()) { // trailers
        }
    } else if (length) {
        readBytes(body_, *length);
    } else {
        reply.close = true; // the body ends with the connection
        try {
            for (;;)
                readBytes(body_, 1);
        } catch (const TTransportException&) {
        }
    }
    return reply;
}

std::string HiveHttpTransport::readLine() {
    for (;;) {
        const size_t end = incoming_.find("\r\n");
        if (end != std::string::npos) {
            std::string line = incoming_.substr(0, end);
            incoming_.erase(0, end + 2);
            return line;
        }
        if (incoming_.size() > kLongestLine)
            throw TTransportException(TTransportException::CORRUPTED_DATA,
                                      "the server sent an HTTP header line over 64 KiB");
        uint8_t chunk[4096];
        const uint32_t n = connection_->read(chunk, sizeof chunk);
        if (n == 0)
            throw TTransportException(TTransportException::END_OF_FILE,
                                      "the server closed the HTTP connection");
        incoming_.append(reinterpret_cast<const char*>(chunk), n);
    }
}

void HiveHttpTransport::readBytes(std::string& into, size_t n) {
    const size_t buffered = std::min(n, incoming_.size());
    into.append(incoming_, 0, buffered);
    incoming_.erase(0, buffered);
    n -= buffered;
    const size_t start = into.size();
    into.resize(start + n);
    if (n > 0)
        connection_->readAll(reinterpret_cast<uint8_t*>(into.data() + start),
                             static_cast<uint32_t>(n));
}

} // namespace syncscope

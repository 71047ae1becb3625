// The Hive client's HTTP transport (backends/hivehttp.h) against a scripted HTTP server, for
// what the test peer never sends: a chunked body, a quoted cookie, Connection: close between
// requests, a cookie the server no longer takes (401, then the password once), and an error
// status. Each request the client makes is checked for its method, path, content type and
// whether it carries the password or the cookie.
#include "hivehttp.h"
#include "hivetls.h"

#include <thrift/transport/TSocket.h>

#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>

using namespace syncscope;

namespace {

// Answers each request with the next scripted reply; closes the connection after a reply that
// says Connection: close. Keeps every request's head and the number of connections taken.
class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<std::string> replies)
        : replies_(std::move(replies)) {
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(listener_, 4);
        getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &length);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedServer() {
        shutdown(listener_, SHUT_RDWR);
        close(listener_);
        thread_.join();
    }
    int port() const { return port_; }
    std::vector<std::string> heads() {
        std::lock_guard lock(mutex_);
        return heads_;
    }
    int connections() {
        std::lock_guard lock(mutex_);
        return connections_;
    }

private:
    void serve() {
        size_t next = 0;
        while (next < replies_.size()) {
            const int client = accept(listener_, nullptr, nullptr);
            if (client < 0)
                return;
            {
                std::lock_guard lock(mutex_);
                ++connections_;
            }
            std::string in;
            bool open = true;
            while (open && next < replies_.size()) {
                size_t end;
                while ((end = in.find("\r\n\r\n")) == std::string::npos) {
                    char chunk[4096];
                    const ssize_t n = recv(client, chunk, sizeof chunk, 0);
                    if (n <= 0) {
                        open = false;
                        break;
                    }
                    in.append(chunk, static_cast<size_t>(n));
                }
                if (!open)
                    break;
                const std::string head = in.substr(0, end);
                const size_t at = head.find("Content-Length: ");
                const size_t length =
                    at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
                while (in.size() < end + 4 + length) {
                    char chunk[4096];
                    const ssize_t n = recv(client, chunk, sizeof chunk, 0);
                    if (n <= 0)
                        break;
                    in.append(chunk, static_cast<size_t>(n));
                }
                in.erase(0, end + 4 + length);
                {
                    std::lock_guard lock(mutex_);
                    heads_.push_back(head);
                }
                const std::string& reply = replies_[next++];
                send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
                open = reply.find("Connection: close") == std::string::npos;
            }
            close(client);
        }
    }

    std::vector<std::string> replies_;
    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> heads_;
    int connections_ = 0;
};

std::string exchange(HiveHttpTransport& http, const std::string& message) {
    http.write(reinterpret_cast<const uint8_t*>(message.data()),
               static_cast<uint32_t>(message.size()));
    http.flush();
    std::string answer(64, '\0');
    answer.resize(http.read(reinterpret_cast<uint8_t*>(answer.data()), 64));
    return answer;
}
} // namespace

class TestHiveHttp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loginCookieChunksAndReconnects();
    void anErrorStatusIsARefusal();
};

void TestHiveHttp::loginCookieChunksAndReconnects() {
    const std::string basic =
        "Authorization: Basic " + QByteArray("grader:s3cret").toBase64().toStdString();
    ScriptedServer server({
        // The login: a quoted cookie, a chunked body.
        "HTTP/1.1 200 OK\r\nSet-Cookie: hive.server2.auth=\"cu=grader&rn=1\"; Path=/; "
        "HttpOnly\r\nContent-Type: application/x-thrift\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\none\r\n1\r\n!\r\n0\r\n\r\n",
        // The cookie sent back; the server then closes the connection.
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntwo",
        // On a new connection the cookie is no longer taken (the server restarted)...
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        // ...so the password goes again, once, and a new cookie comes back.
        "HTTP/1.1 200 OK\r\nSet-Cookie: hive.server2.auth=second\r\nContent-Length: 5\r\n\r\nthree",
        "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfour",
    });
    const int port = server.port();
    HiveHttpTransport http(
        [port] {
            auto s = std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", port);
            s->setRecvTimeout(5000);
            s->open();
            return s;
        },
        "127.0.0.1:" + std::to_string(port), "cliservice",
        HiveHttpTransport::Login{"grader", "s3cret"});
    QCOMPARE(exchange(http, "first"), std::string("one!"));
    QCOMPARE(exchange(http, "second"), std::string("two"));
    QCOMPARE(exchange(http, "third"), std::string("three"));
    QCOMPARE(exchange(http, "fourth"), std::string("four"));

    const std::vector<std::string> heads = server.heads();
    QCOMPARE(heads.size(), size_t(5));
    for (const std::string& head : heads) {
        QVERIFY2(head.rfind("POST /cliservice HTTP/1.1\r\n", 0) == 0, head.c_str());
        QVERIFY2(head.find("Content-Type: application/x-thrift") != std::string::npos,
                 head.c_str());
    }
    const auto carries = [&](size_t i, const std::string& what) {
        return heads[i].find(what) != std::string::npos;
    };
    QVERIFY(carries(0, basic) && !carries(0, "Cookie:"));
    QVERIFY(carries(1, "Cookie: hive.server2.auth=\"cu=grader&rn=1\"") && !carries(1, basic));
    QVERIFY(carries(2, "Cookie: hive.server2.auth=") && !carries(2, basic));
    QVERIFY(carries(3, basic) && !carries(3, "Cookie:"));
    QVERIFY(carries(4, "Cookie: hive.server2.auth=second") && !carries(4, basic));
    QCOMPARE(server.connections(), 3); // one more after each Connection: close
}

void TestHiveHttp::anErrorStatusIsARefusal() {
    ScriptedServer server({"HTTP/1.1 404 Not Found\r\nContent-Length: 14\r\n\r\nno such path\r\n"});
    const int port = server.port();
    HiveHttpTransport http(
        [port] {
            auto s = std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", port);
            s->setRecvTimeout(5000);
            s->open();
            return s;
        },
        "127.0.0.1:" + std::to_string(port), "/gateway", std::nullopt);
    try {
        exchange(http, "hello");
        QFAIL("a 404 must throw");
    } catch (const HiveRefusal& e) {
        const std::string what = e.what();
        QVERIFY2(what.find("HTTP 404 Not Found from /gateway") != std::string::npos &&
                     what.find("no such path") != std::string::npos,
                 what.c_str());
    }
    QVERIFY(server.heads().at(0).find("Authorization") == std::string::npos); // NOSASL
}

QTEST_GUILESS_MAIN(TestHiveHttp)
#include "tst_hivehttp.moc"

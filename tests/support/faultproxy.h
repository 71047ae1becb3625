#pragma once
// A TCP proxy between a store and its server that injects network faults on demand:
//   Pass      bytes flow both ways;
//   CutReply  the next chunk the server sends is cut: half of it reaches the client, then both
//             connections are closed (a server or network dying mid-reply); then Pass again;
//   Silent    the client's bytes still reach the server, but nothing comes back (a server or
//             network that stops answering, for the client's timeouts to catch).
// POSIX sockets and poll on a thread of its own, so a test may block on the store meanwhile.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lab {

class FaultProxy {
public:
    enum class Mode { Pass, CutReply, Silent };

    ~FaultProxy() {
        stop_ = true;
        if (thread_.joinable())
            thread_.join();
        for (const Pair& p : pairs_)
            closePair(p);
        if (listen_ >= 0)
            ::close(listen_);
    }

    // Listens on 127.0.0.1 (port()) and forwards to 127.0.0.1:upstreamPort.
    bool start(int upstreamPort) {
        upstream_ = upstreamPort;
        listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = loopback(0);
        socklen_t len = sizeof a;
        if (listen_ < 0 || ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::listen(listen_, 64) != 0 ||
            ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return false;
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { loop(); });
        return true;
    }

    int port() const { return port_; }
    void setMode(Mode m) { mode_ = m; }
    int cuts() const { return cuts_; }       // replies cut so far
    int dropped() const { return dropped_; } // server chunks swallowed while Silent
    int connections() const { return accepted_; }

private:
    struct Pair {
        int client, server;
    };

    static sockaddr_in loopback(int port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return a;
    }

    static void closePair(const Pair& p) {
        ::close(p.client);
        ::close(p.server);
    }

    static bool sendAll(int fd, const char* data, size_t n) {
        while (n > 0) {
            const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
            if (sent <= 0)
                return false;
            data += sent;
            n -= static_cast<size_t>(sent);
        }
        return true;
    }

    void loop() {
        std::vector<char> buffer(1 << 16);
        while (!stop_) {
            std::vector<pollfd> fds{{listen_, POLLIN, 0}};
            for (const Pair& p : pairs_) {
                fds.push_back({p.client, POLLIN, 0});
                fds.push_back({p.server, POLLIN, 0});
            }
            if (::poll(fds.data(), fds.size(), 50) <= 0)
                continue;
            if (fds[0].revents & POLLIN) {
                const int client = ::accept(listen_, nullptr, nullptr);
                const int server = ::socket(AF_INET, SOCK_STREAM, 0);
                const sockaddr_in to = loopback(upstream_);
                if (client >= 0 && server >= 0 &&
                    ::connect(server, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) {
                    pairs_.push_back({client, server});
                    ++accepted_;
                } else {
                    ::close(client);
                    ::close(server);
                }
                continue; // the pair list changed under the poll set
            }
            std::vector<Pair> keep;
            for (size_t i = 0; i < pairs_.size(); ++i) {
                const Pair p = pairs_[i];
                bool open = true;
                for (const bool fromServer : {false, true}) {
                    const pollfd& f = fds[1 + 2 * i + (fromServer ? 1 : 0)];
                    if (!open || !(f.revents & (POLLIN | POLLHUP | POLLERR)))
                        continue;
                    const ssize_t n =
                        ::recv(fromServer ? p.server : p.client, buffer.data(), buffer.size(), 0);
                    if (n <= 0) {
                        open = false;
                        continue;
                    }
                    const size_t len = static_cast<size_t>(n);
                    if (!fromServer) {
                        open = sendAll(p.server, buffer.data(), len);
                    } else if (mode_ == Mode::Silent) {
                        ++dropped_;
                    } else if (mode_ == Mode::CutReply) {
                        sendAll(p.client, buffer.data(), len / 2);
                        mode_ = Mode::Pass;
                        ++cuts_;
                        open = false;
                    } else {
                        open = sendAll(p.client, buffer.data(), len);
                    }
                }
                if (open)
                    keep.push_back(p);
                else
                    closePair(p);
            }
            pairs_ = std::move(keep);
        }
    }

    int listen_ = -1, port_ = 0, upstream_ = 0;
    std::vector<Pair> pairs_; // the proxy thread's alone
    std::atomic<Mode> mode_{Mode::Pass};
    std::atomic<int> cuts_{0}, dropped_{0}, accepted_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace lab

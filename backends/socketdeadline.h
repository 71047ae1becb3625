#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace syncscope {

// A limit on how long one blocking driver call may wait for its server, for drivers with no
// read timeout of their own: libpq (under Qt's QPSQL) waits for ever on a server that stops
// answering, and statement_timeout is applied by the server, which a hung server or a silent
// network never does. Armed with the connection's socket around a call; when the call is still
// running at the limit, a thread of its own shuts the socket down, so the driver's read fails
// at once and the store handles it as any lost connection (a new connection, a retry with
// back-off, or an error naming the store and, through fired(), the timeout).
class SocketDeadline {
public:
    explicit SocketDeadline(std::chrono::milliseconds limit);
    ~SocketDeadline();
    SocketDeadline(const SocketDeadline&) = delete;
    SocketDeadline& operator=(const SocketDeadline&) = delete;

    // Disarms on destruction.
    class [[nodiscard]] Armed {
    public:
        explicit Armed(SocketDeadline* d)
            : d_(d) {}
        Armed(Armed&& o) noexcept
            : d_(o.d_) {
            o.d_ = nullptr;
        }
        Armed(const Armed&) = delete;
        Armed& operator=(const Armed&) = delete;
        Armed& operator=(Armed&&) = delete;
        ~Armed() {
            if (d_)
                d_->disarm();
        }

    private:
        SocketDeadline* d_;
    };

    // Starts the clock for one call on socket `fd` (nothing is watched for fd < 0).
    Armed arm(int fd);
    // Whether the last armed call was cut off by the limit.
    bool fired() const;
    std::chrono::milliseconds limit() const { return limit_; }

private:
    void disarm();
    void watch();

    const std::chrono::milliseconds limit_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    int fd_ = -1;
    std::chrono::steady_clock::time_point until_;
    bool fired_ = false, stop_ = false;
    std::thread thread_; // last: starts once the rest is ready
};

} // namespace syncscope

#include "socketdeadline.h"

#include <sys/socket.h>

namespace syncscope {

SocketDeadline::SocketDeadline(std::chrono::milliseconds limit)
    : limit_(limit)
    , thread_([this] { watch(); }) {}

SocketDeadline::~SocketDeadline() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

SocketDeadline::Armed SocketDeadline::arm(int fd) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fd_ = fd;
        fired_ = false;
        until_ = std::chrono::steady_clock::now() + limit_;
    }
    wake_.notify_all();
    return Armed(this);
}

void SocketDeadline::disarm() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fd_ = -1;
    }
    wake_.notify_all();
}

bool SocketDeadline::fired() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fired_;
}

void SocketDeadline::watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        if (fd_ < 0) {
            wake_.wait(lock);
            continue;
        }
        const auto until = until_;
        if (wake_.wait_until(lock, until) == std::cv_status::timeout && fd_ >= 0 &&
            until_ == until && std::chrono::steady_clock::now() >= until) {
            // The call is still blocked: end its wait. The socket stays open (its owner closes
            // it), so the descriptor cannot be reused under the driver's feet.
            ::shutdown(fd_, SHUT_RDWR);
            fired_ = true;
            fd_ = -1;
        }
    }
}

} // namespace syncscope

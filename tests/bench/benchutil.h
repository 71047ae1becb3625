#pragma once

// Shared by the benchmarks: a monotonic stopwatch, best-of-N timing and one-line JSON output.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

namespace bench {

inline double seconds(const std::function<void()>& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The fastest of `runs` timings: the figure least disturbed by the rest of the machine.
inline double bestOf(int runs, const std::function<void()>& fn) {
    double best = 1e300;
    for (int i = 0; i < runs; ++i)
        best = std::min(best, seconds(fn));
    return best;
}

// {"bench":"parse","figure":"lines_per_s","value":1.2e7,...}
class Json {
public:
    explicit Json(const std::string& bench) { text_ = "{\"bench\":\"" + bench + "\""; }
    Json& num(const std::string& k, double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", v);
        text_ += ",\"" + k + "\":" + buf;
        return *this;
    }
    Json& str(const std::string& k, const std::string& v) {
        text_ += ",\"" + k + "\":\"" + v + "\"";
        return *this;
    }
    Json& flag(const std::string& k, bool v) {
        text_ += ",\"" + k + "\":" + (v ? "true" : "false");
        return *this;
    }
    void print() {
        std::printf("%s}\n", text_.c_str());
        std::fflush(stdout);
    }

private:
    std::string text_;
};

} // namespace bench

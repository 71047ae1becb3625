#pragma once
// A program run to the end as its own process, with what the kernel measured of it (wait4):
// peak resident memory and CPU time. Its stdout and stderr go to files (a pipe could fill and
// stall it). For the tests and benchmarks that hold syncscope-cli to memory and time figures.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace lab {

struct MeasuredRun {
    int status = -1; // exit status; -1 when it could not start or did not exit normally
    double peakRssMb = 0;
    double cpuSeconds = 0;
};

// Runs argv[0] (a path: no search) with argv; stdout to `outPath`, stderr to `errPath`
// ("/dev/null" to drop).
//
// Started by fork and exec, not posix_spawn: Linux's exec carries the replaced memory's peak
// into the process's maxrss, and posix_spawn execs from the caller's own memory (vfork), so the
// child's figure began at the caller's peak (a benchmark that had generated a 200 MB script read
// 200 MB for a run of 24 MB). A fork's copy starts at the caller's current resident size instead,
// a few megabytes once the caller's big buffers are freed.
inline MeasuredRun runMeasured(std::vector<std::string> argv, const std::string& outPath,
                               const std::string& errPath) {
    std::vector<char*> args;
    for (std::string& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    MeasuredRun run;
    int status = 0;
    rusage usage{};
    // Between fork and exec only async-signal-safe calls: the caller may have threads.
    const pid_t pid = fork();
    if (pid == 0) {
        const int out = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        execve(args[0], args.data(), environ);
        _exit(127);
    }
    if (pid > 0 && wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) != 127)
        run.status = WEXITSTATUS(status);
    const auto d = [](long v) { return static_cast<double>(v); };
    run.peakRssMb = d(usage.ru_maxrss) / 1024.0;
    run.cpuSeconds = d(usage.ru_utime.tv_sec) + d(usage.ru_utime.tv_usec) / 1e6 +
                     d(usage.ru_stime.tv_sec) + d(usage.ru_stime.tv_usec) / 1e6;
    return run;
}

} // namespace lab

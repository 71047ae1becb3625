#pragma once
// A program run to the end as its own process, with what the kernel measured of it (wait4):
// peak resident memory and CPU time. Its stdout and stderr go to files (a pipe could fill and
// stall it). For the tests and benchmarks that hold syncscope-cli to memory and time figures.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <string>
#include <vector>

extern char** environ;

namespace lab {

struct MeasuredRun {
    int status = -1; // exit status; -1 when it could not start or did not exit normally
    double peakRssMb = 0;
    double cpuSeconds = 0;
};

// Runs argv[0] with argv; stdout to `outPath`, stderr to `errPath` ("/dev/null" to drop).
inline MeasuredRun runMeasured(std::vector<std::string> argv, const std::string& outPath,
                               const std::string& errPath) {
    std::vector<char*> args;
    for (std::string& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    MeasuredRun run;
    pid_t pid = 0;
    int status = 0;
    rusage usage{};
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) == 0 &&
        wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status))
        run.status = WEXITSTATUS(status);
    posix_spawn_file_actions_destroy(&actions);
    const auto d = [](long v) { return static_cast<double>(v); };
    run.peakRssMb = d(usage.ru_maxrss) / 1024.0;
    run.cpuSeconds = d(usage.ru_utime.tv_sec) + d(usage.ru_utime.tv_usec) / 1e6 +
                     d(usage.ru_stime.tv_sec) + d(usage.ru_stime.tv_usec) / 1e6;
    return run;
}

} // namespace lab

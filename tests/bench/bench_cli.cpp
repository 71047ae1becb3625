// syncscope-cli end to end: a 1,000,000-line random script on the default workspace (four
// in-memory SQLite stores), the whole process timed, with its peak resident memory.
#include "benchutil.h"
#include "scriptgen.h"

#include <QTemporaryDir>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

extern char** environ;

int main() {
    QTemporaryDir dir;
    const std::string script = dir.filePath(QStringLiteral("bench.in")).toStdString();
    const std::string oplogDir = dir.filePath(QStringLiteral("oplog")).toStdString();
    const size_t lines = 1000000;
    {
        std::ofstream out(script, std::ios::binary);
        out << bench::randomScript(lines, bench::ScriptMix{}, 3);
    }

    const std::string cli = SYNCSCOPE_CLI;
    // The plain run the issue names, then the same with every export a user would ask for.
    const std::vector<std::vector<std::string>> variants{
        {cli, "run", script},
        {cli, "run", script, "--oplog-dir", oplogDir, "--dump"},
    };
    for (const std::vector<std::string>& variant : variants) {
        std::vector<std::string> args = variant;
        std::vector<char*> argv;
        for (std::string& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        int status = 0;
        rusage usage{};
        const double wall = bench::seconds([&] {
            if (posix_spawn(&pid, cli.c_str(), &actions, nullptr, argv.data(), environ) != 0)
                return;
            wait4(pid, &status, 0, &usage);
        });
        posix_spawn_file_actions_destroy(&actions);
        if (pid == 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::fprintf(stderr, "bench_cli: syncscope-cli failed (status %d)\n", status);
            return 1;
        }
        auto d = [](long v) { return static_cast<double>(v); };
        const double rssMb = d(usage.ru_maxrss) / 1024.0;
        const double cpu = d(usage.ru_utime.tv_sec) + d(usage.ru_utime.tv_usec) / 1e6 +
                           d(usage.ru_stime.tv_sec) + d(usage.ru_stime.tv_usec) / 1e6;
        const bool exports = variant.size() > 3;
        bench::Json("cli_end_to_end")
            .str("input",
                 "1M random lines (60% SET, 15% GET, 10% DELETE, 14% MERGE, 1% FULL_SYNC), "
                 "100k keys, 4 in-memory SQLite stores")
            .str("flags", exports ? "--oplog-dir --dump" : "none")
            .num("seconds", wall)
            .num("cpu_seconds", cpu)
            .num("peak_rss_mb", rssMb)
            .num("target_seconds", 5)
            .num("target_rss_mb", 400)
            .flag("meets_target", wall < 5 && rssMb < 400)
            .print();
    }
    return 0;
}

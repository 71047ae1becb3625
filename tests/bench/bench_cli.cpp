// syncscope-cli end to end: a 1,000,000-line random script on the default workspace (four
// in-memory SQLite stores), the whole process timed, with its peak resident memory. And the
// peak memory of a 200 MB script with an error on its last line: checked whole, it runs nothing,
// and pass 1 holds a megabyte of it at a time (docs/cli.md, Memory).
#include "benchutil.h"
#include "scriptgen.h"

#include "measuredrun.h"

#include <QFileInfo>
#include <QTemporaryDir>

#include <fstream>

int main() {
    QTemporaryDir dir;
    const std::string script = dir.filePath(QStringLiteral("bench.in")).toStdString();
    const std::string oplogDir = dir.filePath(QStringLiteral("oplog")).toStdString();
    const size_t lines = 1000000;
    {
        std::ofstream out(script, std::ios::binary);
        bench::writeRandomScript(lines, bench::ScriptMix{}, 3,
                                 [&](const std::string& piece) { out << piece; });
    }

    const std::string cli = SYNCSCOPE_CLI;
    // The plain run, then the same with every export a user would ask for.
    const std::vector<std::vector<std::string>> variants{
        {cli, "run", script},
        {cli, "run", script, "--oplog-dir", oplogDir, "--dump"},
    };
    const std::string errors = dir.filePath(QStringLiteral("stderr")).toStdString();
    for (const std::vector<std::string>& variant : variants) {
        lab::MeasuredRun run;
        const double wall =
            bench::seconds([&] { run = lab::runMeasured(variant, "/dev/null", errors); });
        if (run.status != 0) {
            std::fprintf(stderr, "bench_cli: syncscope-cli failed (status %d; its stderr in %s)\n",
                         run.status, errors.c_str());
            return 1;
        }
        const double rssMb = run.peakRssMb, cpu = run.cpuSeconds;
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
    // About 5.9 million lines (200 MB) and a bad one.
    const size_t hugeLines = 5900000;
    const std::string huge = dir.filePath(QStringLiteral("huge.in")).toStdString();
    {
        std::ofstream out(huge, std::ios::binary);
        bench::writeRandomScript(hugeLines, bench::ScriptMix{}, 4,
                                 [&](const std::string& piece) { out << piece; });
        out << "SQL.SET((SID1000,CSE001) B)\n";
    }
    lab::MeasuredRun run;
    const double wall = bench::seconds([&] {
        run = lab::runMeasured({cli, "run", huge}, "/dev/null", errors);
    });
    if (run.status != 1) {
        std::fprintf(stderr,
                     "bench_cli: the huge script's run ended %d, not 1 (its stderr in %s)\n",
                     run.status, errors.c_str());
        return 1;
    }
    bench::Json("cli_huge_script_error_last_line")
        .str("input", "200 MB random lines, the last one bad")
        .num("script_mb",
             static_cast<double>(QFileInfo(QString::fromStdString(huge)).size()) / (1 << 20))
        .num("seconds", wall)
        .num("peak_rss_mb", run.peakRssMb)
        .num("target_rss_mb", 100)
        .flag("meets_target", run.peakRssMb < 100)
        .print();
    return 0;
}

#pragma once
// syncscope-cli (SYNCSCOPE_CLI) run to the end with what the kernel measured of it
// (lab::runMeasured) and both outputs, for the tests that hold it to memory, time and output.
#include "measuredrun.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>
#include <QTemporaryDir>

namespace lab {

struct CliOutcome {
    int status = -1;
    QByteArray out, err;
    double peakRssMb = 0;
    double seconds = 0; // wall clock
};

// syncscope-cli with `args`, or `args` as a whole command line when `prefix` names a program
// to run it under (e.g. prlimit); its outputs pass through files in `dir`.
inline CliOutcome runCliMeasured(const QTemporaryDir& dir, const QStringList& args,
                                 const std::vector<std::string>& prefix = {}) {
    const QString outPath = dir.filePath(QStringLiteral("stdout")),
                  errPath = dir.filePath(QStringLiteral("stderr"));
    std::vector<std::string> argv = prefix;
    argv.push_back(SYNCSCOPE_CLI);
    for (const QString& a : args)
        argv.push_back(a.toStdString());
    QElapsedTimer clock;
    clock.start();
    const MeasuredRun run = runMeasured(argv, QFile::encodeName(outPath).toStdString(),
                                        QFile::encodeName(errPath).toStdString());
    CliOutcome o{run.status, {}, {}, run.peakRssMb, static_cast<double>(clock.elapsed()) / 1000};
    QFile out(outPath), err(errPath);
    if (out.open(QIODevice::ReadOnly))
        o.out = out.readAll();
    if (err.open(QIODevice::ReadOnly))
        o.err = err.readAll();
    return o;
}

} // namespace lab

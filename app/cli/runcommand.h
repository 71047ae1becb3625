#pragma once

#include "exitcodes.h"

#include <QString>
#include <QStringList>

#include <cstdio>

namespace syncscope {

struct RunOptions {
    QString script;
    QString workspace; // empty: the default workspace (in-memory SQLite stores)
    QString seedCsv;
    QString oplogDir;
    bool dump = false;
    // Writes the conflict report (conflictreport.h) of every store after the run. Keeps the
    // whole oplogs in memory (stale reads are found in them), where a plain run trims them.
    QString conflicts;
    // The property lab after the run (propertylab.h): every order of labMerges (script lines,
    // MERGE or FULL_SYNC, naming the run's stores) under each strategy, written to `lab` as
    // JSON. Keeps the whole oplogs too.
    QString lab;
    QStringList labMerges;
};

// `syncscope-cli run`: checks the whole script and binds its store names (ScriptStream's pass
// 1), opens the stores, runs the commands in the engine as pass 2 reads them again and writes
// every store's new oplog entries and grade changes back through the stores' workers in
// batches, while the engine goes on. GET results and the dump go to `out`; diagnostics go to
// `err`.
int runScript(const RunOptions& options, std::FILE* out, std::FILE* err);

} // namespace syncscope

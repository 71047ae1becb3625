#pragma once

#include <QString>
#include <QStringList>

#include <cstdio>

namespace syncscope {

struct LoadOptions {
    QString workspace;
    QString csv;      // a data set of docs/script-language.md's shape; or
    QString from;     // a store of the workspace whose rows are copied
    QStringList into; // the stores written (names or aliases)
};

// `syncscope-cli load`: bulk load into the workspace's stores through each backend's batched
// write path (LOAD DATA, COPY, pipelines, bulk writes, multi-row inserts: Store::append).
//  - From a CSV: every row is a seed write (ts 0, origin CSV, seq = its row), as
//    `run --seed-csv` and Data > Import CSV write it. The whole file is read and checked first;
//    an error names FILE:LINE:COL and nothing is loaded.
//  - From a store: its rows (tombstones included) as the writes they hold, with their own
//    identity, so a target keeps whichever of its own and the copied write is greater.
// Writes a target already holds (by identity) are left out, so running a load again, after a
// failure or an interruption, completes it without appending anything twice. Progress goes to
// `err` about every second; the summary to `out`.
int loadWorkspace(const LoadOptions& options, std::FILE* out, std::FILE* err);

} // namespace syncscope

#pragma once

#include "exitcodes.h"

#include <QString>
#include <QStringList>

#include <cstdio>

namespace syncscope {

struct VerifyOptions {
    QString workspace;      // required: the stores to verify
    QStringList stores;     // names (or aliases) of the stores to verify; empty: all
    QString json;           // where to write the report as JSON; empty: none
    bool checksums = false; // compare by range checksums (verifyByChecksums), not row by row
    // Write every ahead-of-origin write back into its origin's oplog and table, then verify
    // again (the other findings are reported, never changed).
    bool repair = false;
};

// `syncscope-cli verify`: opens the workspace's stores and verifies them (verifystores.h):
// the report as text on `out`, as JSON in options.json; diagnostics on `err`. With repair, the
// report after the repair is the one written as JSON and the one the exit status follows.
int verifyWorkspace(const VerifyOptions& options, std::FILE* out, std::FILE* err);

} // namespace syncscope

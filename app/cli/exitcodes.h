#pragma once
// syncscope-cli's exit statuses, every command's (docs/cli.md).

namespace syncscope {

enum ExitCode : int {
    ExitOk = 0,
    ExitScriptError = 1, // the script (or seed CSV) has errors: nothing ran
    ExitUsage = 2,       // wrong arguments, an unreadable file
    ExitBackend = 3,     // a store failed
    ExitDifferences = 4, // verify found differences
    ExitSetAside = 5,    // follow ended with writes set aside (dead letters) for some target
};

} // namespace syncscope

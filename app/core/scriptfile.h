#pragma once

#include "script.h"
#include "storedirectory.h"

#include <QString>

#include <memory>
#include <vector>

namespace syncscope {

// A testcase file as the window opens it: read, decoded and parsed whole
// (docs/script-language.md), its store names bound to the workspace's.
struct OpenedScript {
    QString text;      // for the script panel
    QString readError; // not read: why (then nothing else is set)
    std::shared_ptr<Script> script;
    std::vector<size_t> stores; // the script's store names bound to the workspace's
};

// Blocking (a file may be large): CommandSession calls it on the thread pool. A binary or
// non-UTF-8 file is refused whole rather than shown as garbage with an error on some line; the
// script's errors (parse and binding) come sorted by line and column, the first
// kMaxErrorsShown of them (Script::moreErrors counts the rest).
std::shared_ptr<OpenedScript> readScriptFile(const QString& path, const StoreDirectory& directory);

} // namespace syncscope

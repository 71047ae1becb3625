#pragma once

#include "catalog.h"
#include "engine.h"
#include "logrecord.h"
#include "oplog.h"

#include <functional>
#include <string>

namespace syncscope {

// The text the command line writes (docs/cli.md): oplog export lines in the seed format,
// GET result lines and the dump CSV. One place, so that the GUI's console and exports match.

// Appends one export line ("4, SET((SID1033,CSE016),B)\n"); seed entries are skipped.
void appendExportLine(std::string& out, const OplogEntry& e, const Catalog& catalog);
std::string exportOplog(const Oplog& log, const Catalog& catalog);
// The same line from a record read back from a store.
void appendExportLine(std::string& out, const LogRecord& record);
// The file name of a store's export: oplog.<name in lower case>.txt
std::string exportFileName(std::string_view canonicalName);

// "<ts>, <STORE>.GET(<sid>,<cid>) = <value or NULL>\n"
void appendGetLine(std::string& out, std::string_view store, const OplogEntry& get,
                   const Catalog& catalog);

// docs/cli.md's --dump: "store,student_id,course_id,grade,ts" and one row per live key of every
// replica, sorted by store, student_id, course_id (byte-wise). `drain`, when given, is called
// whenever `out` holds a megabyte or more, to write it out and empty it: the dump of a large
// run is then never whole in memory.
void appendDump(std::string& out, const Engine& engine, const std::function<void()>& drain = {});

// One CSV field, quoted as RFC 4180 asks when it holds a comma, quote, CR or LF.
void appendCsvField(std::string& out, std::string_view field);

} // namespace syncscope

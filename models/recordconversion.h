#pragma once

#include "catalog.h"
#include "logrecord.h"

namespace syncscope {

// Between the engine's interned entries and the string records stores read and write.
LogRecord toRecord(const OplogEntry& entry, const Catalog& catalog);
void toRecord(const OplogEntry& entry, const Catalog& catalog, LogRecord& out);
OplogEntry fromRecord(const LogRecord& record, Catalog& catalog);

} // namespace syncscope

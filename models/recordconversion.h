#pragma once

#include "catalog.h"
#include "logrecord.h"

namespace syncscope {

// Between the engine's interned entries and the string records stores read and write.
LogRecord toRecord(const OplogEntry& entry, const Catalog& catalog);
void toRecord(const OplogEntry& entry, const Catalog& catalog, LogRecord& out);
OplogEntry fromRecord(const LogRecord& record, Catalog& catalog);
// The grade row a store holds for key k when its state's write is w (none: deleted, no origin).
GradeRecord toGradeRecord(KeyId k, const Write& w, const Catalog& catalog);

} // namespace syncscope

#include "recordconversion.h"

namespace syncscope {

void toRecord(const OplogEntry& entry, const Catalog& catalog, LogRecord& out) {
    const Write& w = entry.write;
    out.kind = entry.kind;
    out.studentId.assign(catalog.studentId(w.key));
    out.courseId.assign(catalog.courseId(w.key));
    out.hasValue = !w.isTombstone();
    if (out.hasValue)
        out.value.assign(catalog.value(w.value));
    else
        out.value.clear();
    out.ts = w.ts;
    out.origin.assign(catalog.names().view(w.origin));
    out.seq = w.seq;
    catalog.contexts().assignText(w.context, catalog.names(), out.context);
    out.wallMs = 0;
    out.attributes.clear();
}

LogRecord toRecord(const OplogEntry& entry, const Catalog& catalog) {
    LogRecord r;
    toRecord(entry, catalog, r);
    return r;
}

OplogEntry fromRecord(const LogRecord& record, Catalog& catalog) {
    OplogEntry e;
    e.kind = record.kind;
    e.write.key = catalog.internKey(record.studentId, record.courseId);
    e.write.value = record.hasValue ? catalog.internValue(record.value) : kTombstone;
    e.write.ts = record.ts;
    e.write.origin = catalog.names().intern(record.origin);
    e.write.seq = record.seq;
    // Stores validate records (recordProblem) before keeping them; a malformed context read
    // back from elsewhere degrades to "saw nothing", which can only report more conflicts.
    if (!record.context.empty())
        catalog.contexts().parse(record.context, catalog.names(), e.write.context);
    return e;
}

GradeRecord toGradeRecord(KeyId k, const Write& w, const Catalog& catalog) {
    GradeRecord g;
    g.studentId = std::string(catalog.studentId(k));
    g.courseId = std::string(catalog.courseId(k));
    g.deleted = w.isNone() || w.isTombstone();
    if (!g.deleted)
        g.value = std::string(catalog.value(w.value));
    g.ts = w.ts;
    g.origin = w.isNone() ? std::string() : std::string(catalog.names().view(w.origin));
    g.seq = w.seq;
    return g;
}

} // namespace syncscope

#include "logrecord.h"

#include "causalcontext.h"
#include "displaytext.h"
#include "identifiers.h"

#include <tuple>

namespace syncscope {

const char* entryKindName(EntryKind kind) {
    switch (kind) {
    case EntryKind::Set:
        return "SET";
    case EntryKind::Delete:
        return "DELETE";
    case EntryKind::Get:
        return "GET";
    case EntryKind::Seed:
        return "SEED";
    }
    return "?";
}

bool entryKindFromName(std::string_view name, EntryKind& kind) {
    for (EntryKind k : {EntryKind::Set, EntryKind::Delete, EntryKind::Get, EntryKind::Seed}) {
        if (name == entryKindName(k)) {
            kind = k;
            return true;
        }
    }
    return false;
}

bool writeLess(const LogRecord& a, const LogRecord& b) {
    if (a.ts != b.ts)
        return a.ts < b.ts;
    if (const int c = a.origin.compare(b.origin); c != 0)
        return c < 0;
    return a.seq < b.seq;
}

bool keyLess(const GradeRecord& a, const GradeRecord& b) {
    const int bySid = a.studentId.compare(b.studentId);
    return bySid != 0 ? bySid < 0 : a.courseId < b.courseId;
}

bool sameKey(const GradeRecord& a, const GradeRecord& b) {
    return a.studentId == b.studentId && a.courseId == b.courseId;
}

bool writeBeats(const LogRecord& write, const GradeRecord& row) {
    return std::tie(write.ts, write.origin, write.seq) > std::tie(row.ts, row.origin, row.seq);
}

GradeRecord rowAfter(const LogRecord& write, const GradeRecord* previous) {
    GradeRecord g;
    g.studentId = write.studentId;
    g.courseId = write.courseId;
    g.deleted = !write.hasValue;
    if (write.hasValue)
        g.value = write.value;
    g.ts = write.ts;
    g.origin = write.origin;
    g.seq = write.seq;
    g.attributes = !write.attributes.empty() ? write.attributes
                   : previous                ? previous->attributes
                                             : std::string();
    return g;
}

std::string recordProblem(const LogRecord& r) {
    if (!isValidIdentifier(r.studentId))
        return "invalid student id " + quotedForMessage(r.studentId);
    if (!isValidIdentifier(r.courseId))
        return "invalid course id " + quotedForMessage(r.courseId) + " for student " + r.studentId;
    const std::string key = spellKey(r.studentId, r.courseId);
    if (r.kind == EntryKind::Delete && r.hasValue)
        return "a DELETE of " + key + " carries a value";
    if ((r.kind == EntryKind::Set || r.kind == EntryKind::Seed) && !r.hasValue)
        return "a SET of " + key + " has no value";
    if (r.hasValue)
        if (const char* problem = valueProblem(r.value))
            return std::string(problem) + " at key " + key;
    if (r.origin != kSeedOrigin && !isCanonicalStoreName(r.origin))
        return "invalid origin " + quotedForMessage(r.origin) + " at key " + key;
    if (!r.context.empty())
        if (std::string problem = contextTextProblem(r.context); !problem.empty())
            return problem + " at key " + key;
    return {};
}

} // namespace syncscope

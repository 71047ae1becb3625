#include "conflictreport.h"

#include "conflictexplain.h"
#include "textoutput.h"

namespace syncscope {

namespace {
void appendCell(std::string& out, const ConflictSnapshot& s, const Write& w) {
    out += ',';
    if (w.isNone())
        return;
    std::string cell = w.isTombstone() ? std::string("(deleted)") : std::string(s.value(w));
    cell += '@' + std::to_string(w.ts) + '/';
    cell += s.origin(w);
    cell += '#' + std::to_string(w.seq);
    appendCsvField(out, cell);
}

void appendWhy(std::string& out, const QString& why) {
    out += ',';
    appendCsvField(out, why.toStdString());
    out += '\n';
}
} // namespace

void appendConflictReport(std::string& out, const ConflictSnapshot& s) {
    out += "kind,student_id,course_id,winner,discarded";
    for (size_t i = 0; i < s.storeCount(); ++i) {
        out += ',';
        appendCsvField(out, s.storeName(i));
    }
    out += ",why\n";
    for (size_t r = 0; r < s.rowCount(); ++r) {
        const KeyConflict& c = s.row(r);
        out += conflictKindName(c.kind).toStdString();
        out += ',';
        appendCsvField(out, s.studentId(r));
        out += ',';
        appendCsvField(out, s.courseId(r));
        out += ',';
        out += s.storeName(c.winner);
        out += ',';
        bool first = true;
        for (size_t i = 0; i < s.storeCount(); ++i) {
            if (!(c.discarded & (1u << i)))
                continue;
            if (!first)
                out += ' ';
            out += s.storeName(i);
            first = false;
        }
        for (size_t i = 0; i < s.storeCount(); ++i)
            appendCell(out, s, s.cell(r, i));
        appendWhy(out, explainConflict(s, r));
    }
    for (const ConflictSnapshot::StaleReadRow& stale : s.staleReads()) {
        out += "stale-read,";
        appendCsvField(out, stale.studentId);
        out += ',';
        appendCsvField(out, stale.courseId);
        out += ',';
        out += s.storeName(stale.store);
        out += ',';
        for (size_t i = 0; i < s.storeCount(); ++i)
            out += ',';
        appendWhy(out, explainStaleRead(s, stale));
    }
}

} // namespace syncscope

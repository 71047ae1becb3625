#include "textoutput.h"

#include "identifiers.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace syncscope {

namespace {
void appendInt(std::string& out, int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    out.append(buf, end);
}

void appendKey(std::string& out, const Catalog& catalog, KeyId k) {
    out += catalog.studentId(k);
    out += ',';
    out += catalog.courseId(k);
}
} // namespace

namespace {
// One export line from its parts; the two overloads below only say where the parts come from.
void appendExportParts(std::string& out, EntryKind kind, int64_t ts, std::string_view sid,
                       std::string_view cid, std::string_view value) {
    switch (kind) {
    case EntryKind::Seed:
        return;
    case EntryKind::Set:
        appendInt(out, ts);
        out += ", SET((";
        out += sid;
        out += ',';
        out += cid;
        out += "),";
        if (isBareToken(value))
            out += value;
        else
            out += scriptLiteral(value);
        out += ")\n";
        return;
    case EntryKind::Delete:
    case EntryKind::Get:
        appendInt(out, ts);
        out += kind == EntryKind::Delete ? ", DELETE(" : ", GET(";
        out += sid;
        out += ',';
        out += cid;
        out += ")\n";
        return;
    }
}
} // namespace

void appendExportLine(std::string& out, const OplogEntry& e, const Catalog& catalog) {
    const Write& w = e.write;
    appendExportParts(out, e.kind, w.ts, catalog.studentId(w.key), catalog.courseId(w.key),
                      e.kind == EntryKind::Set ? catalog.value(w.value) : std::string_view());
}

void appendExportLine(std::string& out, const LogRecord& r) {
    appendExportParts(out, r.kind, r.ts, r.studentId, r.courseId, r.value);
}

std::string exportOplog(const Oplog& log, const Catalog& catalog) {
    std::string out;
    out.reserve(log.size() * 32);
    for (const OplogEntry& e : log)
        appendExportLine(out, e, catalog);
    return out;
}

std::string exportFileName(std::string_view canonicalName) {
    std::string lower(canonicalName);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return "oplog." + lower + ".txt";
}

void appendGetLine(std::string& out, std::string_view store, const OplogEntry& get,
                   const Catalog& catalog) {
    appendInt(out, get.write.ts);
    out += ", ";
    out += store;
    out += ".GET(";
    appendKey(out, catalog, get.write.key);
    out += ") = ";
    if (get.write.isTombstone())
        out += "NULL";
    else
        out += catalog.value(get.write.value);
    out += '\n';
}

void appendDump(std::string& out, const Engine& engine, const std::function<void()>& drain) {
    const Catalog& catalog = engine.catalog();
    std::vector<size_t> order(engine.replicaCount());
    for (size_t r = 0; r < order.size(); ++r)
        order[r] = r;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return engine.replica(a).name < engine.replica(b).name; });
    out += "store,student_id,course_id,grade,ts\n";
    std::vector<KeyId> keys;
    for (size_t r : order) {
        const Replica& rep = engine.replica(r);
        keys.clear();
        for (KeyId k : rep.state.keys())
            if (rep.state.isLive(k))
                keys.push_back(k);
        std::sort(keys.begin(), keys.end(),
                  [&](KeyId a, KeyId b) { return catalog.packedKey(a) < catalog.packedKey(b); });
        for (KeyId k : keys) {
            appendCsvField(out, rep.name);
            out += ',';
            appendCsvField(out, catalog.studentId(k));
            out += ',';
            appendCsvField(out, catalog.courseId(k));
            out += ',';
            appendCsvField(out, catalog.value(rep.state.at(k).value));
            out += ',';
            appendInt(out, rep.state.at(k).ts);
            out += '\n';
            if (drain && out.size() >= (1u << 20))
                drain();
        }
    }
}

void appendCsvField(std::string& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

} // namespace syncscope

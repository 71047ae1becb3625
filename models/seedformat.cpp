#include "seedformat.h"

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

void appendExportLine(std::string& out, const OplogEntry& e, const Catalog& catalog) {
    const Write& w = e.write;
    switch (e.kind) {
    case EntryKind::Seed:
        return;
    case EntryKind::Set:
        appendInt(out, w.ts);
        out += ", SET((";
        appendKey(out, catalog, w.key);
        out += "),";
        {
            const std::string_view v = catalog.value(w.value);
            if (isBareToken(v))
                out += v;
            else
                out += scriptLiteral(v);
        }
        out += ")\n";
        return;
    case EntryKind::Delete:
        appendInt(out, w.ts);
        out += ", DELETE(";
        appendKey(out, catalog, w.key);
        out += ")\n";
        return;
    case EntryKind::Get:
        appendInt(out, w.ts);
        out += ", GET(";
        appendKey(out, catalog, w.key);
        out += ")\n";
        return;
    }
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

void appendDump(std::string& out, const Engine& engine) {
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

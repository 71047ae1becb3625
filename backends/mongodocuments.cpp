#include "mongodocuments.h"

#include "mongohandles.h"

#include <string_view>

namespace syncscope::mongo {

bool isLost(const bson_error_t& e) {
    return e.domain == MONGOC_ERROR_STREAM || e.domain == MONGOC_ERROR_SERVER_SELECTION;
}

void putString(bson_t* b, const char* name, const std::string& v) {
    bson_append_utf8(b, name, -1, v.data(), static_cast<int>(v.size()));
}

void putKey(bson_t* b, const char* name, const std::string& s, const std::string& c) {
    bson_t k;
    bson_append_document_begin(b, name, -1, &k);
    putString(&k, "s", s);
    putString(&k, "c", c);
    bson_append_document_end(b, &k);
}

std::string stringAt(const bson_iter_t* it) {
    uint32_t n = 0;
    const char* s = bson_iter_utf8(it, &n);
    return std::string(s, n);
}

std::optional<int64_t> numberField(const bson_t* doc, const char* key) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_NUMBER(&it))
        return std::nullopt;
    return bson_iter_as_int64(&it);
}

std::optional<std::string> textField(const bson_t* doc, const char* key) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it))
        return std::nullopt;
    return stringAt(&it);
}

void oplogDocument(bson_t* d, const LogRecord& r, int64_t position, int64_t wallMs) {
    bson_append_int64(d, "_id", 3, position);
    bson_append_utf8(d, "op", 2, entryKindName(r.kind), -1);
    putString(d, "s", r.studentId);
    putString(d, "c", r.courseId);
    if (r.hasValue)
        putString(d, "v", r.value);
    bson_append_int64(d, "ts", 2, r.ts);
    putString(d, "o", r.origin);
    bson_append_int64(d, "q", 1, static_cast<int64_t>(r.seq));
    bson_append_int64(d, "w", 1, wallMs);
    if (!r.attributes.empty())
        putString(d, "a", r.attributes);
    if (!r.context.empty())
        putString(d, "x", r.context);
}

// An oplog document read back; false when a field is missing or of the wrong type.
bool entryFrom(const bson_t* d, LogRecord& r) {
    bson_iter_t it;
    if (!bson_iter_init(&it, d))
        return false;
    bool op = false, ts = false, origin = false, seq = false, id = false;
    while (bson_iter_next(&it)) {
        const std::string_view key = bson_iter_key(&it);
        const bool text = BSON_ITER_HOLDS_UTF8(&it),
                   number = BSON_ITER_HOLDS_INT64(&it) || BSON_ITER_HOLDS_INT32(&it);
        if (key == "_id" && number) {
            r.position = bson_iter_as_int64(&it);
            id = true;
        } else if (key == "op" && text)
            op = entryKindFromName(stringAt(&it), r.kind);
        else if (key == "s" && text)
            r.studentId = stringAt(&it);
        else if (key == "c" && text)
            r.courseId = stringAt(&it);
        else if (key == "v" && text) {
            r.value = stringAt(&it);
            r.hasValue = true;
        } else if (key == "ts" && number) {
            r.ts = bson_iter_as_int64(&it);
            ts = true;
        } else if (key == "o" && text) {
            r.origin = stringAt(&it);
            origin = true;
        } else if (key == "q" && number) {
            r.seq = static_cast<uint64_t>(bson_iter_as_int64(&it));
            seq = true;
        } else if (key == "w" && number)
            r.wallMs = bson_iter_as_int64(&it);
        else if (key == "a" && text)
            r.attributes = stringAt(&it);
        else if (key == "x" && text)
            r.context = stringAt(&it);
    }
    return id && op && ts && origin && seq && !r.studentId.empty() && !r.courseId.empty();
}

int64_t fingerprint(const GradeRecord& g) {
    uint64_t h = 14695981039346656037ull; // FNV-1a
    const auto mix = [&](std::string_view bytes) {
        for (const unsigned char c : bytes) {
            h ^= c;
            h *= 1099511628211ull;
        }
        h ^= 0x1f; // a separator, so that fields cannot run into each other
        h *= 1099511628211ull;
    };
    mix(g.studentId);
    mix(g.courseId);
    mix(g.deleted ? std::string_view("D") : std::string_view("S"));
    mix(g.value);
    mix(std::to_string(g.ts));
    mix(g.origin);
    mix(std::to_string(g.seq));
    mix(g.attributes);
    return static_cast<int64_t>(h);
}

bool gradeFrom(const bson_t* d, GradeRecord& g, bool* inLayout) {
    bson_iter_t it;
    if (!bson_iter_init(&it, d))
        return false;
    bool key = false, ts = false, origin = false, print = false, deleted = false, grade = false;
    int64_t h = 0;
    while (bson_iter_next(&it)) {
        const std::string_view name = bson_iter_key(&it);
        if (name == "_id" && BSON_ITER_HOLDS_DOCUMENT(&it)) {
            bson_iter_t k;
            bson_iter_recurse(&it, &k);
            while (bson_iter_next(&k)) {
                if (!BSON_ITER_HOLDS_UTF8(&k))
                    continue;
                if (std::string_view(bson_iter_key(&k)) == "s")
                    g.studentId = stringAt(&k);
                else if (std::string_view(bson_iter_key(&k)) == "c")
                    g.courseId = stringAt(&k);
            }
            key = !g.studentId.empty() && !g.courseId.empty();
        } else if (name == "grade" && BSON_ITER_HOLDS_UTF8(&it)) {
            g.value = stringAt(&it);
            grade = true;
        } else if (name == "grade" && BSON_ITER_HOLDS_NULL(&it))
            grade = true;
        else if (name == "deleted" && BSON_ITER_HOLDS_BOOL(&it)) {
            g.deleted = bson_iter_bool(&it);
            deleted = true;
        } else if (name == "h" && BSON_ITER_HOLDS_INT64(&it)) {
            h = bson_iter_int64(&it);
            print = true;
        } else if (name == "ts" && BSON_ITER_HOLDS_NUMBER(&it)) {
            g.ts = bson_iter_as_int64(&it);
            ts = true;
        } else if (name == "origin" && BSON_ITER_HOLDS_UTF8(&it)) {
            g.origin = stringAt(&it);
            origin = true;
        } else if (name == "seq" && BSON_ITER_HOLDS_NUMBER(&it))
            g.seq = static_cast<uint64_t>(bson_iter_as_int64(&it));
        else if (name == "attributes" && BSON_ITER_HOLDS_UTF8(&it))
            g.attributes = stringAt(&it);
    }
    if (inLayout)
        *inLayout = key && ts && origin && grade && deleted && print && h == fingerprint(g);
    return key && ts && origin;
}

// The fields of a grade row, as $set takes them (the attributes only where there are some, so
// that a write without them keeps the row's).
void gradeFields(bson_t* d, const GradeRecord& g) {
    if (g.deleted)
        bson_append_null(d, "grade", 5);
    else
        putString(d, "grade", g.value);
    bson_append_bool(d, "deleted", 7, g.deleted);
    bson_append_int64(d, "ts", 2, g.ts);
    putString(d, "origin", g.origin);
    bson_append_int64(d, "seq", 3, static_cast<int64_t>(g.seq));
    if (!g.attributes.empty())
        putString(d, "attributes", g.attributes);
    bson_append_int64(d, "h", 1, fingerprint(g));
}

// Matches the row of a key only where `g`'s write beats it (docs/script-language.md: ts, origin,
// seq).
void beatenRowFilter(bson_t* q, const GradeRecord& g) {
    putKey(q, "_id", g.studentId, g.courseId);
    bson_t any, clause, cond;
    bson_append_array_begin(q, "$or", 3, &any);
    bson_append_document_begin(&any, "0", 1, &clause);
    bson_append_document_begin(&clause, "ts", 2, &cond);
    bson_append_int64(&cond, "$lt", 3, g.ts);
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    bson_append_document_begin(&any, "1", 1, &clause);
    bson_append_int64(&clause, "ts", 2, g.ts);
    bson_append_document_begin(&clause, "origin", 6, &cond);
    putString(&cond, "$lt", g.origin);
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    bson_append_document_begin(&any, "2", 1, &clause);
    bson_append_int64(&clause, "ts", 2, g.ts);
    putString(&clause, "origin", g.origin);
    bson_append_document_begin(&clause, "seq", 3, &cond);
    bson_append_int64(&cond, "$lt", 3, static_cast<int64_t>(g.seq));
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    // A row without a fingerprint is another client's, and any logged write replaces it.
    bson_append_document_begin(&any, "3", 1, &clause);
    bson_append_document_begin(&clause, "h", 1, &cond);
    bson_append_bool(&cond, "$exists", 7, false);
    bson_append_document_end(&clause, &cond);
    bson_append_document_end(&any, &clause);
    bson_append_array_end(q, &any);
}

void positionAfter(bson_t* filter, int64_t position) {
    bson_t cond;
    bson_append_document_begin(filter, "_id", 3, &cond);
    bson_append_int64(&cond, "$gt", 3, position);
    bson_append_document_end(filter, &cond);
}

void sortById(bson_t* opts, int direction, size_t limit) {
    bson_t sort;
    bson_append_document_begin(opts, "sort", 4, &sort);
    bson_append_int32(&sort, "_id", 3, direction);
    bson_append_document_end(opts, &sort);
    if (limit > 0)
        bson_append_int64(opts, "limit", 5, static_cast<int64_t>(limit));
}

// Whether every write error of a failed bulk is a duplicate key: an upsert that met a row its
// write does not beat (nothing to do), or an oplog position another writer took.
bool onlyDuplicates(const bson_t* reply) {
    bson_iter_t it, e;
    if (!bson_iter_init_find(&it, reply, "writeErrors") || !bson_iter_recurse(&it, &e))
        return false;
    bool any = false;
    while (bson_iter_next(&e)) {
        bson_iter_t code;
        if (!bson_iter_recurse(&e, &code) || !bson_iter_find(&code, "code") ||
            bson_iter_as_int64(&code) != kDuplicateKey)
            return false;
        any = true;
    }
    bson_iter_t concern;
    return any && !bson_iter_init_find(&concern, reply, "writeConcernErrors");
}

} // namespace syncscope::mongo

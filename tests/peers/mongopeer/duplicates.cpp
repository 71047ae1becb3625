#include "duplicates.h"

#include "bsonorder.h"

#include <cinttypes>
#include <cstdio>

namespace mongopeer {

std::vector<std::string> IndexSpec::fields() const {
    std::vector<std::string> out;
    const bson_t k = view(key);
    bson_iter_t it;
    if (bson_iter_init(&it, &k))
        while (bson_iter_next(&it))
            out.emplace_back(bson_iter_key(&it));
    return out;
}

namespace {
std::string documentText(const bson_iter_t* container, bool array) {
    bson_iter_t it;
    if (!bson_iter_recurse(container, &it))
        return array ? "[]" : "{}";
    std::string out;
    bool first = true;
    while (bson_iter_next(&it)) {
        out += first ? " " : ", ";
        first = false;
        if (!array)
            out += std::string(bson_iter_key(&it)) + ": ";
        out += mongodText(&it);
    }
    if (first)
        return array ? "[]" : "{}";
    return (array ? "[" : "{") + out + (array ? " ]" : " }");
}
} // namespace

std::string mongodText(const bson_iter_t* value) {
    char buffer[64];
    switch (bson_iter_type(value)) {
    case BSON_TYPE_UTF8: {
        uint32_t n = 0;
        const char* s = bson_iter_utf8(value, &n);
        return '"' + std::string(s, n) + '"';
    }
    case BSON_TYPE_INT32:
        return std::to_string(bson_iter_int32(value));
    case BSON_TYPE_INT64:
        return std::to_string(bson_iter_int64(value));
    case BSON_TYPE_DOUBLE:
        std::snprintf(buffer, sizeof buffer, "%.17g", bson_iter_double(value));
        return buffer;
    case BSON_TYPE_BOOL:
        return bson_iter_bool(value) ? "true" : "false";
    case BSON_TYPE_NULL:
        return "null";
    case BSON_TYPE_OID: {
        char hex[25];
        bson_oid_to_string(bson_iter_oid(value), hex);
        return "ObjectId('" + std::string(hex) + "')";
    }
    case BSON_TYPE_DOCUMENT:
        return documentText(value, false);
    case BSON_TYPE_ARRAY:
        return documentText(value, true);
    case BSON_TYPE_DATE_TIME:
        std::snprintf(buffer, sizeof buffer, "new Date(%" PRId64 ")", bson_iter_date_time(value));
        return buffer;
    default:
        return "?";
    }
}

void indexKey(const IndexSpec& index, const bson_t* document, bson_t* out) {
    for (const std::string& field : index.fields()) {
        bson_iter_t root, found;
        if (bson_iter_init(&root, document) &&
            bson_iter_find_descendant(&root, field.c_str(), &found))
            bson_append_iter(out, field.c_str(), -1, &found);
        else
            bson_append_null(out, field.c_str(), -1);
    }
}

CommandError duplicateKey(const std::string& ns, const IndexSpec& index, const bson_t* keyValue) {
    bson_t holder = BSON_INITIALIZER;
    bson_append_document(&holder, "k", 1, keyValue);
    bson_iter_t it;
    bson_iter_init_find(&it, &holder, "k");
    CommandError e{11000, "DuplicateKey",
                   "E11000 duplicate key error collection: " + ns + " index: " + index.name +
                       " dup key: " + mongodText(&it)};
    bson_t extra = BSON_INITIALIZER;
    const bson_t pattern = view(index.key);
    bson_append_document(&extra, "keyPattern", -1, &pattern);
    bson_append_document(&extra, "keyValue", -1, keyValue);
    e.extra = bytesOf(&extra);
    bson_destroy(&extra);
    bson_destroy(&holder);
    return e;
}

} // namespace mongopeer

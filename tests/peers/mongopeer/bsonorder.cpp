#include "bsonorder.h"

#include <cstring>

namespace mongopeer {

int typeRank(bson_type_t type) {
    switch (type) {
    case BSON_TYPE_MINKEY:
        return 1;
    case BSON_TYPE_UNDEFINED:
    case BSON_TYPE_NULL:
        return 2;
    case BSON_TYPE_DOUBLE:
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64:
    case BSON_TYPE_DECIMAL128:
        return 3;
    case BSON_TYPE_SYMBOL:
    case BSON_TYPE_UTF8:
        return 4;
    case BSON_TYPE_DOCUMENT:
        return 5;
    case BSON_TYPE_ARRAY:
        return 6;
    case BSON_TYPE_BINARY:
        return 7;
    case BSON_TYPE_OID:
        return 8;
    case BSON_TYPE_BOOL:
        return 9;
    case BSON_TYPE_DATE_TIME:
        return 10;
    case BSON_TYPE_TIMESTAMP:
        return 11;
    case BSON_TYPE_REGEX:
        return 12;
    case BSON_TYPE_MAXKEY:
        return 100;
    default:
        return 50;
    }
}

namespace {
template <class T>
int threeWay(T a, T b) {
    return a < b ? -1 : b < a ? 1 : 0;
}

bool isInteger(bson_type_t t) {
    return t == BSON_TYPE_INT32 || t == BSON_TYPE_INT64;
}

int compareBytes(const void* a, size_t na, const void* b, size_t nb) {
    const int c = std::memcmp(a, b, na < nb ? na : nb);
    return c != 0 ? c : threeWay(na, nb);
}

// Documents and arrays: element by element (type, then name for documents, then value); the
// shorter one first when one is a prefix of the other.
int compareNested(const bson_iter_t* a, const bson_iter_t* b, bool names) {
    bson_iter_t x, y;
    if (!bson_iter_recurse(a, &x) || !bson_iter_recurse(b, &y))
        return 0;
    for (;;) {
        const bool more = bson_iter_next(&x), moreY = bson_iter_next(&y);
        if (!more || !moreY)
            return threeWay(more, moreY);
        if (const int c = threeWay(typeRank(bson_iter_type(&x)), typeRank(bson_iter_type(&y))))
            return c;
        if (names)
            if (const int c = std::strcmp(bson_iter_key(&x), bson_iter_key(&y)))
                return c;
        if (const int c = compareValues(&x, &y))
            return c;
    }
}
} // namespace

int compareValues(const bson_iter_t* a, const bson_iter_t* b) {
    const bson_type_t ta = bson_iter_type(a), tb = bson_iter_type(b);
    if (const int c = threeWay(typeRank(ta), typeRank(tb)))
        return c;
    switch (typeRank(ta)) {
    case 3:
        if (isInteger(ta) && isInteger(tb))
            return threeWay(bson_iter_as_int64(a), bson_iter_as_int64(b));
        return threeWay(bson_iter_as_double(a), bson_iter_as_double(b));
    case 4: {
        uint32_t na = 0, nb = 0;
        const char* sa = ta == BSON_TYPE_UTF8 ? bson_iter_utf8(a, &na) : bson_iter_symbol(a, &na);
        const char* sb = tb == BSON_TYPE_UTF8 ? bson_iter_utf8(b, &nb) : bson_iter_symbol(b, &nb);
        return compareBytes(sa, na, sb, nb);
    }
    case 5:
        return compareNested(a, b, true);
    case 6:
        return compareNested(a, b, false);
    case 7: {
        bson_subtype_t sa, sb;
        uint32_t na = 0, nb = 0;
        const uint8_t *da = nullptr, *db = nullptr;
        bson_iter_binary(a, &sa, &na, &da);
        bson_iter_binary(b, &sb, &nb, &db);
        if (na != nb)
            return threeWay(na, nb);
        if (sa != sb)
            return threeWay(static_cast<int>(sa), static_cast<int>(sb));
        return compareBytes(da, na, db, nb);
    }
    case 8:
        return bson_oid_compare(bson_iter_oid(a), bson_iter_oid(b));
    case 9:
        return threeWay(bson_iter_bool(a), bson_iter_bool(b));
    case 10:
        return threeWay(bson_iter_date_time(a), bson_iter_date_time(b));
    case 11: {
        uint32_t ta1 = 0, ia = 0, tb1 = 0, ib = 0;
        bson_iter_timestamp(a, &ta1, &ia);
        bson_iter_timestamp(b, &tb1, &ib);
        return ta1 != tb1 ? threeWay(ta1, tb1) : threeWay(ia, ib);
    }
    default:
        return 0;
    }
}

std::string idKey(const bson_iter_t* id) {
    bson_t b = BSON_INITIALIZER;
    bson_append_iter(&b, "_id", 3, id);
    std::string key = bytesOf(&b);
    bson_destroy(&b);
    return key;
}

int compareIdKeys(const std::string& a, const std::string& b) {
    const bson_t va = view(a), vb = view(b);
    bson_iter_t x, y;
    if (!bson_iter_init(&x, &va) || !bson_iter_next(&x) || !bson_iter_init(&y, &vb) ||
        !bson_iter_next(&y))
        return threeWay(a, b);
    return compareValues(&x, &y);
}

} // namespace mongopeer

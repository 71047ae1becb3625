#pragma once
// MongoDB's order over BSON values, which find's filters, sorts and the _id index use: first the
// type's place in the canonical order (null < numbers < strings < documents < arrays < …), then
// the value (numbers by value, strings by bytes, documents field by field).
#include <bson/bson.h>

#include <string>

namespace mongopeer {

int typeRank(bson_type_t type);
// <0, 0 or >0. Both iterators point at an element.
int compareValues(const bson_iter_t* a, const bson_iter_t* b);
// The key a document is held under in a collection: the bytes of { "_id": <its _id> }.
std::string idKey(const bson_iter_t* id);
int compareIdKeys(const std::string& a, const std::string& b);

struct IdKeyLess {
    bool operator()(const std::string& a, const std::string& b) const {
        return compareIdKeys(a, b) < 0;
    }
};

// A read-only view of BSON bytes held elsewhere.
inline bson_t view(const std::string& bytes) {
    bson_t b;
    bson_init_static(&b, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    return b;
}
inline std::string bytesOf(const bson_t* b) {
    return std::string(reinterpret_cast<const char*>(bson_get_data(b)), b->len);
}

} // namespace mongopeer

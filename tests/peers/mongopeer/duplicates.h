#pragma once
// Unique indexes, and the duplicate key error as mongod words it:
//   E11000 duplicate key error collection: db.c index: name_1 dup key: { name: "x" }
// with keyPattern and keyValue beside it in the write error.
#include "query.h"

#include <bson/bson.h>

#include <string>
#include <vector>

namespace mongopeer {

struct IndexSpec {
    std::string name;
    std::string key; // the key pattern's bytes, e.g. { s: 1, c: 1 }
    bool unique = false;
    std::vector<std::string> fields() const;
};

// A value as mongod prints it in error messages: strings quoted, documents as { a: 1 }.
std::string mongodText(const bson_iter_t* value);

// { field: value, … } of `document` for the index's fields (a missing one is null).
void indexKey(const IndexSpec& index, const bson_t* document, bson_t* out);

// The duplicate key error of `ns` for `index` and the key `keyValue` (as indexKey made it).
CommandError duplicateKey(const std::string& ns, const IndexSpec& index, const bson_t* keyValue);

} // namespace mongopeer

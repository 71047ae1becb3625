#pragma once
// The server's limits on what it stores and what it reads off the wire, with its words for
// them. Depth is counted without recursion: a document nested thousands of levels must not
// run the peer out of stack (libbson's bson_validate recurses once per level).
#include <bson/bson.h>

#include <cstddef>

namespace mongopeer {

constexpr size_t kMaxBsonObjectSize = 16 * 1024 * 1024; // maxBsonObjectSize, as hello says
// mongod's BSONDepth: any BSON it reads may nest 200 levels; a document it stores, 20 fewer
// (room for the nesting it adds in its oplog and replies). The manual rounds this to "100".
constexpr size_t kMaxReadDepth = 200;
constexpr size_t kMaxStoredDepth = 180;

// Whether `document` nests no deeper than `limit` levels (the document itself is level 1).
// With `skipEmpty`, empty sub-documents and arrays do not count, as mongod's storage check.
bool withinDepth(const bson_t* document, size_t limit, bool skipEmpty);

} // namespace mongopeer

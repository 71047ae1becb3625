#pragma once
// What the peer understands of MongoDB's query and update languages: the subset Syncscope's
// MongoStore sends, with the server's own error for anything else, so that a driver call the
// peer does not know fails loudly instead of quietly matching nothing.
#include <bson/bson.h>

#include <string>
#include <vector>

namespace mongopeer {

// A command error as the server words it.
struct CommandError {
    CommandError() = default;
    CommandError(int c, std::string name, std::string text, std::vector<std::string> l = {})
        : code(c)
        , codeName(std::move(name))
        , message(std::move(text))
        , labels(std::move(l)) {}
    int code = 0;
    std::string codeName;
    std::string message;
    std::vector<std::string> labels; // errorLabels, as TransientTransactionError
    std::string extra; // BSON bytes of further fields (keyPattern, keyValue), or empty
    bool failed() const { return code != 0; }
};

// Filters: equality on a field (dotted paths reach into documents), $eq $ne $gt $gte $lt $lte
// $in $nin $exists, and $and / $or over sub-filters.
bool matches(const bson_t* document, const bson_t* filter, CommandError& error);
// Checks a filter before it meets any document, as the server parses it before running it: an
// operator the peer does not know fails even on an empty collection.
bool validFilter(const bson_t* filter, CommandError& error);

// Updates: a replacement document, or $set / $setOnInsert / $unset on top-level fields. `out`
// gets the new document; `inserting` says it is an upsert's new document.
bool applyUpdate(const bson_t* document, const bson_t* update, bool inserting, bson_t* out,
                 CommandError& error);

// An upsert's starting document: the filter's top-level equality conditions.
void upsertBase(const bson_t* filter, bson_t* out);

// Whether `update` is a pipeline (an array) or an operator update rather than a replacement.
bool isOperatorUpdate(const bson_t* update);

} // namespace mongopeer

#include "query.h"

#include "bsonorder.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

namespace mongopeer {

namespace {
CommandError badValue(const std::string& message) {
    return {2, "BadValue", message};
}

bool isOperatorDocument(const bson_iter_t* value) {
    if (!BSON_ITER_HOLDS_DOCUMENT(value))
        return false;
    bson_iter_t inner;
    return bson_iter_recurse(value, &inner) && bson_iter_next(&inner) &&
           bson_iter_key(&inner)[0] == '$';
}

// Whether `field` (present or not) equals `wanted`; a missing field equals null.
bool equals(const bson_iter_t* field, const bson_iter_t* wanted) {
    if (!field)
        return BSON_ITER_HOLDS_NULL(wanted);
    return compareValues(field, wanted) == 0;
}

// $gt and friends compare only within one type bracket, as the server does.
bool ordered(const bson_iter_t* field, const bson_iter_t* wanted, const char* op) {
    if (!field || typeRank(bson_iter_type(field)) != typeRank(bson_iter_type(wanted)))
        return false;
    const int c = compareValues(field, wanted);
    if (!std::strcmp(op, "$gt"))
        return c > 0;
    if (!std::strcmp(op, "$gte"))
        return c >= 0;
    if (!std::strcmp(op, "$lt"))
        return c < 0;
    return c <= 0;
}

bool inArray(const bson_iter_t* field, const bson_iter_t* array, CommandError& error) {
    bson_iter_t item;
    if (!BSON_ITER_HOLDS_ARRAY(array) || !bson_iter_recurse(array, &item)) {
        error = badValue("$in needs an array");
        return false;
    }
    while (bson_iter_next(&item))
        if (equals(field, &item))
            return true;
    return false;
}

bool conditionHolds(const bson_iter_t* field, const bson_iter_t* condition, CommandError& error) {
    if (!isOperatorDocument(condition))
        return equals(field, condition);
    bson_iter_t op;
    bson_iter_recurse(condition, &op);
    while (bson_iter_next(&op)) {
        const char* name = bson_iter_key(&op);
        bool holds = false;
        if (!std::strcmp(name, "$eq"))
            holds = equals(field, &op);
        else if (!std::strcmp(name, "$ne"))
            holds = !equals(field, &op);
        else if (!std::strcmp(name, "$gt") || !std::strcmp(name, "$gte") ||
                 !std::strcmp(name, "$lt") || !std::strcmp(name, "$lte"))
            holds = ordered(field, &op, name);
        else if (!std::strcmp(name, "$in"))
            holds = inArray(field, &op, error);
        else if (!std::strcmp(name, "$nin"))
            holds = !inArray(field, &op, error);
        else if (!std::strcmp(name, "$exists"))
            holds = (field != nullptr) == bson_iter_as_bool(&op);
        else {
            error = badValue(std::string("unknown operator: ") + name);
            return false;
        }
        if (error.failed() || !holds)
            return false;
    }
    return true;
}

bool anyOrAll(const bson_t* document, const bson_iter_t* list, bool any, CommandError& error) {
    bson_iter_t item;
    if (!BSON_ITER_HOLDS_ARRAY(list) || !bson_iter_recurse(list, &item)) {
        error = badValue(std::string(bson_iter_key(list)) + " must be an array");
        return false;
    }
    bool seen = false;
    while (bson_iter_next(&item)) {
        seen = true;
        uint32_t length = 0;
        const uint8_t* data = nullptr;
        if (!BSON_ITER_HOLDS_DOCUMENT(&item)) {
            error = badValue(std::string(bson_iter_key(list)) + " entries must be objects");
            return false;
        }
        bson_iter_document(&item, &length, &data);
        bson_t sub;
        bson_init_static(&sub, data, length);
        const bool m = matches(document, &sub, error);
        if (error.failed())
            return false;
        if (m == any)
            return any;
    }
    if (!seen)
        error = badValue(std::string(bson_iter_key(list)) + " must be a nonempty array");
    return !any;
}
} // namespace

bool matches(const bson_t* document, const bson_t* filter, CommandError& error) {
    bson_iter_t condition;
    if (!bson_iter_init(&condition, filter))
        return false;
    while (bson_iter_next(&condition)) {
        const char* key = bson_iter_key(&condition);
        bool holds = false;
        if (!std::strcmp(key, "$and") || !std::strcmp(key, "$or"))
            holds = anyOrAll(document, &condition, key[1] == 'o', error);
        else if (key[0] == '$') {
            error = badValue(std::string("unknown top level operator: ") + key);
            return false;
        } else {
            bson_iter_t root, field;
            const bool present =
                bson_iter_init(&root, document) && bson_iter_find_descendant(&root, key, &field);
            holds = conditionHolds(present ? &field : nullptr, &condition, error);
        }
        if (error.failed() || !holds)
            return false;
    }
    return true;
}

namespace {
bool knownCondition(const bson_iter_t* condition, CommandError& error) {
    if (BSON_ITER_HOLDS_REGEX(condition)) { // the server would match it as a pattern
        error = badValue("the peer does not match regular expressions");
        return false;
    }
    if (!isOperatorDocument(condition))
        return true;
    static const char* const known[] = {"$eq",  "$ne", "$gt",  "$gte",   "$lt",
                                        "$lte", "$in", "$nin", "$exists"};
    bson_iter_t op;
    bson_iter_recurse(condition, &op);
    while (bson_iter_next(&op)) {
        const char* name = bson_iter_key(&op);
        if (std::none_of(std::begin(known), std::end(known),
                         [&](const char* k) { return !std::strcmp(k, name); })) {
            error = badValue(std::string("unknown operator: ") + name);
            return false;
        }
    }
    return true;
}
} // namespace

bool validFilter(const bson_t* filter, CommandError& error) {
    bson_iter_t it;
    if (!bson_iter_init(&it, filter))
        return false;
    while (bson_iter_next(&it)) {
        const char* key = bson_iter_key(&it);
        if (!std::strcmp(key, "$and") || !std::strcmp(key, "$or")) {
            bson_iter_t item;
            if (!BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &item)) {
                error = badValue(std::string(key) + " must be an array");
                return false;
            }
            while (bson_iter_next(&item)) {
                uint32_t length = 0;
                const uint8_t* data = nullptr;
                if (!BSON_ITER_HOLDS_DOCUMENT(&item)) {
                    error = badValue(std::string(key) + " entries must be objects");
                    return false;
                }
                bson_iter_document(&item, &length, &data);
                bson_t sub;
                bson_init_static(&sub, data, length);
                if (!validFilter(&sub, error))
                    return false;
            }
        } else if (key[0] == '$') {
            error = badValue(std::string("unknown top level operator: ") + key);
            return false;
        } else if (!knownCondition(&it, error))
            return false;
    }
    return true;
}

bool isOperatorUpdate(const bson_t* update) {
    bson_iter_t it;
    return bson_iter_init(&it, update) && bson_iter_next(&it) && bson_iter_key(&it)[0] == '$';
}

void upsertBase(const bson_t* filter, bson_t* out) {
    bson_iter_t it;
    bson_iter_init(&it, filter);
    while (bson_iter_next(&it)) {
        const char* key = bson_iter_key(&it);
        if (key[0] == '$' || std::strchr(key, '.') || isOperatorDocument(&it))
            continue;
        bson_append_iter(out, key, -1, &it);
    }
}

bool applyUpdate(const bson_t* document, const bson_t* update, bool inserting, bson_t* out,
                 CommandError& error) {
    bson_iter_t it;
    bson_iter_t id;
    const bool hasId = bson_iter_init_find(&id, document, "_id");
    if (!isOperatorUpdate(update)) {
        bson_iter_t newId;
        if (hasId && bson_iter_init_find(&newId, update, "_id") && compareValues(&id, &newId)) {
            error = {66, "ImmutableField",
                     "Performing an update on the path '_id' would modify "
                     "the immutable field '_id'"};
            return false;
        }
        if (hasId)
            bson_append_iter(out, "_id", 3, &id);
        bson_iter_init(&it, update);
        while (bson_iter_next(&it))
            if (std::strcmp(bson_iter_key(&it), "_id") || !hasId)
                bson_append_iter(out, bson_iter_key(&it), -1, &it);
        return true;
    }
    // Operator update: the fields to set and to remove, then the document rebuilt in order.
    bson_t sets = BSON_INITIALIZER;
    std::set<std::string> unset, setNames;
    bson_iter_init(&it, update);
    bool ok = true;
    while (ok && bson_iter_next(&it)) {
        const char* op = bson_iter_key(&it);
        const bool set = !std::strcmp(op, "$set"), onInsert = !std::strcmp(op, "$setOnInsert"),
                   remove = !std::strcmp(op, "$unset");
        if ((!set && !onInsert && !remove) || !BSON_ITER_HOLDS_DOCUMENT(&it)) {
            error = {9, "FailedToParse", std::string("unsupported update operator: ") + op};
            ok = false;
            break;
        }
        bson_iter_t field;
        bson_iter_recurse(&it, &field);
        while (bson_iter_next(&field)) {
            const char* name = bson_iter_key(&field);
            if (std::strchr(name, '.') || name[0] == '$' || !std::strcmp(name, "_id")) {
                error = {9, "FailedToParse", std::string("the peer cannot update '") + name + "'"};
                ok = false;
                break;
            }
            if (remove)
                unset.insert(name);
            else if (set || inserting) {
                setNames.insert(name);
                bson_append_iter(&sets, name, -1, &field);
            }
        }
    }
    if (ok) {
        bson_iter_init(&it, document);
        while (bson_iter_next(&it)) {
            const std::string name = bson_iter_key(&it);
            if (unset.count(name))
                continue;
            bson_iter_t replacement;
            if (setNames.count(name) && bson_iter_init_find(&replacement, &sets, name.c_str())) {
                bson_append_iter(out, name.c_str(), -1, &replacement);
                setNames.erase(name);
            } else
                bson_append_iter(out, name.c_str(), -1, &it);
        }
        bson_iter_init(&it, &sets);
        while (bson_iter_next(&it))
            if (setNames.count(bson_iter_key(&it)))
                bson_append_iter(out, bson_iter_key(&it), -1, &it);
    }
    bson_destroy(&sets);
    return ok;
}

} // namespace mongopeer

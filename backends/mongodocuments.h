#pragma once
// How MongoStore's records look as BSON, and the small driver calls its files share
// (mongostore.cpp, mongowrites.cpp, mongorollback.cpp, mongooutsidewrites.cpp). See mongostore.h
// for the layout.
#include "logrecord.h"
#include "mongohandles.h"
#include "mongostore.h"

#include <mongoc/mongoc.h>

#include <QObject>

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace syncscope {

// The driver handles of an open MongoStore.
struct MongoStore::Handles {
    Handles() = default;
    Handles(const Handles&) = delete;
    Handles& operator=(const Handles&) = delete;
    ~Handles() {
        if (session) // before the collections and the client go back
            mongoc_client_session_destroy(session);
    }
    mongo::Client client;
    mongo::Collection grades, oplog, meta, ownSeqs;
    mongoc_client_session_t* session = nullptr; // made on the first transaction
    bool inTransaction = false;                 // the calls made now belong to it
    bool transient = false; // a call in it failed in a way worth running the transaction again
};

// What watching for outside writes keeps between comparisons (mongooutsidewrites.cpp).
struct MongoStore::Watch {
    std::unique_ptr<QObject> context; // on the store's thread: the comparison's timer
    std::function<void()> changed;
    std::function<void(const QString&)> problem;
    std::set<std::pair<std::string, std::string>> keys; // the keys that have a row
    int64_t maxTs = 0;                                  // the greatest ts in the log
    uint64_t ownSeq = 0;            // the greatest seq of the store's own origin in the log
    int intervalMs = 0;             // between comparisons; 0 before the first
    std::set<std::string> reported; // invalid outside rows already reported, by key
};

} // namespace syncscope

namespace syncscope::mongo {

constexpr int32_t kDuplicateKey = 11000;

// The connection went or no server could be selected: worth waiting and trying again.
bool isLost(const bson_error_t& e);

void putString(bson_t* b, const char* name, const std::string& v);
// {name: {s, c}}: a key, as the grades' _id holds it.
void putKey(bson_t* b, const char* name, const std::string& s, const std::string& c);
std::string stringAt(const bson_iter_t* it);
// A document's field `key` as a number (of any numeric type) or as UTF-8 text; nullopt when it
// is absent or of another type.
std::optional<int64_t> numberField(const bson_t* doc, const char* key);
std::optional<std::string> textField(const bson_t* doc, const char* key);

void oplogDocument(bson_t* d, const LogRecord& r, int64_t position, int64_t wallMs);
// An oplog document read back; false when a field is missing or of the wrong type.
bool entryFrom(const bson_t* d, LogRecord& r);

// A grade row's fingerprint (FNV-1a over every field), kept in the row as `h`: a row another
// client changed without Syncscope no longer matches its own.
int64_t fingerprint(const GradeRecord& g);
// A grade document read back; false without its key, ts or origin. `inLayout` (optional) says
// whether it is a row exactly as Syncscope wrote it (every field, the fingerprint matching).
bool gradeFrom(const bson_t* d, GradeRecord& g, bool* inLayout = nullptr);
// The fields of a grade row, as $set or a replacement takes them: the attributes only where
// there are some (so that a write without them keeps the row's), and the fingerprint.
void gradeFields(bson_t* d, const GradeRecord& g);
// Matches the row of g's key only where g's write beats it (docs/script-language.md: ts, origin,
// seq), or where the row has no fingerprint (another client wrote it).
void beatenRowFilter(bson_t* q, const GradeRecord& g);

void positionAfter(bson_t* filter, int64_t position);
void sortById(bson_t* opts, int direction, size_t limit);
// Runs a find and hands each document to `take` until it returns false; the driver's error.
template <class Take>
bool forEach(mongoc_collection_t* c, const bson_t* filter, const bson_t* opts, Take&& take,
             bson_error_t& error) {
    Cursor cursor(mongoc_collection_find_with_opts(c, filter, opts, nullptr));
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc))
        if (!take(doc))
            return true;
    return !mongoc_cursor_error(cursor.get(), &error);
}
// Adds the open transaction's session to a call's options (nothing outside one).
void useSession(const MongoStore::Handles& h, bson_t* opts);
// After a call inside a transaction failed: whether the server said to run the transaction
// again (a write conflict, the TransientTransactionError label), kept in h.transient.
void noteTransient(MongoStore::Handles& h, const bson_error_t& error,
                   const bson_t* reply = nullptr);
// Writes `records` at positions first… in one ordered insert (in the open transaction, if
// any); the driver's reply and error when it stops part way.
bool insertOplogEntries(const MongoStore::Handles& h, std::span<const LogRecord> records,
                        int64_t first, int64_t wallMs, bson_t* reply, bson_error_t& error);

// Every oplog entry of the given students (sorted, unique), read 500 students a query (the
// oplog's index on s, c serves them), in position order within each query.
template <class Take>
bool forEachEntryOfStudents(const MongoStore::Handles& h, const std::vector<std::string>& students,
                            Take&& take, bson_error_t& error) {
    for (size_t from = 0; from < students.size(); from += 500) {
        Doc q, opts;
        bson_t in, list;
        bson_append_document_begin(q.get(), "s", 1, &in);
        bson_append_array_begin(&in, "$in", 3, &list);
        for (size_t i = from; i < std::min(students.size(), from + 500); ++i)
            putString(&list, std::to_string(i - from).c_str(), students[i]);
        bson_append_array_end(&in, &list);
        bson_append_document_end(q.get(), &in);
        sortById(opts.get(), 1, 0);
        if (!forEach(h.oplog.get(), q.get(), opts.get(), take, error))
            return false;
    }
    return true;
}

// An unordered bulk write on `c` (in the open transaction, if any).
Bulk unorderedBulk(const MongoStore::Handles& h, mongoc_collection_t* c);

// Whether every write error of a failed write is a duplicate key: an upsert that met a row its
// write does not beat (nothing to do), or an oplog position another writer took.
bool onlyDuplicates(const bson_t* reply);

} // namespace syncscope::mongo

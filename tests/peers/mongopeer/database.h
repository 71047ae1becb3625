#pragma once
// The peer's documents, in memory, and the commands that read and write them. One mutex guards
// everything: the peer serves tests, not load.
#include "bsonorder.h"
#include "query.h"

#include <bson/bson.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mongopeer {

// A command as it came off the wire: the kind-0 document and the kind-1 sequences
// ("documents", "updates", "deletes") beside it.
// (bson_t is over-aligned, so containers hold these views instead.)
struct DocumentView {
    const uint8_t* data = nullptr;
    size_t size = 0;
    bson_t get() const {
        bson_t b;
        bson_init_static(&b, data, size);
        return b;
    }
};

struct Command {
    bson_t body;
    std::map<std::string, std::vector<DocumentView>> sequences;
    std::string db; // OP_QUERY's namespace; OP_MSG carries $db in the body
    int connectionId = 0;
};

class Database {
public:
    // Runs one command and writes its reply document into `reply` (initialized, empty).
    void run(const Command& command, bson_t* reply);

private:
    struct Collection {
        std::map<std::string, std::string, IdKeyLess> documents; // idKey -> document bytes
        std::vector<std::string> indexes = {"_id_"};
    };
    struct Cursor {
        std::string ns;
        std::vector<std::string> documents;
        size_t next = 0;
    };

    using Handler = void (Database::*)(const bson_t& body, const Command& command,
                                       const std::string& db, bson_t* reply, CommandError& error);
    void hello(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void ping(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void find(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void getMore(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void killCursors(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void insert(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void update(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void remove(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void count(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void createIndexes(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void drop(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void dropDatabase(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);

    // The documents of `c` that match `filter`, in _id order (reversed when `descending`),
    // stopping after `stopAfter` (0: all). Uses the _id index for an _id condition.
    using Documents = std::map<std::string, std::string, IdKeyLess>;
    std::vector<Documents::iterator> select(Collection& c, const bson_t* filter, bool descending,
                                            size_t stopAfter, CommandError& error);
    void batch(int64_t id, Cursor& cursor, size_t size, const char* field, bson_t* reply);
    // Inserts one document; false (and the write error) when its _id is taken.
    bool insertOne(Collection& c, const std::string& ns, const bson_t* document,
                   CommandError& error);

    std::mutex mutex_;
    std::map<std::string, Collection> collections_; // "db.collection"
    std::map<int64_t, Cursor> cursors_;
    int64_t nextCursor_ = 1000;
};

} // namespace mongopeer

#pragma once
// The peer's documents, in memory, and the commands that read and write them. One mutex guards
// everything: the peer serves tests, not load.
#include "bsonorder.h"
#include "query.h"

#include <bson/bson.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
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
    // A replica set's name makes the peer its primary, with sessions and transactions (me:
    // this member's host:port, as hello names it); empty: a standalone server.
    void playReplicaSet(const std::string& name, const std::string& me) {
        replicaSet_ = name;
        me_ = me;
    }
    // Runs one command and writes its reply document into `reply` (initialized, empty).
    void run(const Command& command, bson_t* reply);

private:
    // What a transaction changed, to put back if it aborts: each document as it was before
    // (none: it did not exist).
    struct Undo {
        std::string ns, key;
        std::optional<std::string> before;
    };
    struct Transaction {
        uint64_t start = 0; // the commit clock when it began: its snapshot
        std::vector<Undo> undo;
        std::vector<std::string> locked; // the documents it wrote, held until it ends
    };
    // The failCommand fail point of MongoDB's test commands: after `skip` of them, the next
    // `times` commands named in `commands` fail with `error` (times < 0: every one, until it is
    // turned off).
    struct FailPoint {
        int skip = 0; // matching commands let through first
        int times = 0;
        std::vector<std::string> commands;
        CommandError error;
    };

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
    void commitTransaction(const bson_t&, const Command&, const std::string&, bson_t*,
                           CommandError&);
    void abortTransaction(const bson_t&, const Command&, const std::string&, bson_t*,
                          CommandError&);
    void configureFailPoint(const bson_t&, const Command&, const std::string&, bson_t*,
                            CommandError&);

    // A command of a transaction (autocommit: false) finds or begins it; false with the
    // server's error when it cannot.
    bool enterTransaction(const Command& command, const std::string& name, CommandError& error);
    // Snapshot isolation's write conflicts, as the server has them: a transaction may not
    // write a document another open transaction wrote, nor one committed after it began.
    bool mayWrite(const std::string& ns, const std::string& key, CommandError& error);
    // After a document changed: how it was (for a transaction's undo), and who holds it now.
    void remember(const std::string& ns, const std::string& key, const std::string* before);
    void rollBack(Transaction& t);
    void release(Transaction& t, bool committed);

    // The documents of `c` that match `filter`, in _id order (reversed when `descending`),
    // stopping after `stopAfter` (0: all). Uses the _id index for an _id condition.
    using Documents = std::map<std::string, std::string, IdKeyLess>;
    std::vector<Documents::iterator> select(Collection& c, const bson_t* filter, bool descending,
                                            size_t stopAfter, CommandError& error);
    void batch(int64_t id, Cursor& cursor, size_t size, const char* field, bson_t* reply);
    // Inserts one document; false (and the write error) when its _id is taken.
    bool insertOne(Collection& c, const std::string& ns, const bson_t* document,
                   CommandError& error);

    std::string replicaSet_, me_;
    std::map<std::string, Transaction> transactions_; // by lsid and txnNumber
    std::string currentKey_;                          // the transaction a command runs in
    Transaction* current_ = nullptr;
    FailPoint failCommand_;
    uint64_t clock_ = 0;                        // counts commits (and plain writes)
    std::map<std::string, uint64_t> versions_;  // document -> the clock it last committed at
    std::map<std::string, std::string> owners_; // document -> the transaction writing it

    std::mutex mutex_;
    std::map<std::string, Collection> collections_; // "db.collection"
    std::map<int64_t, Cursor> cursors_;
    int64_t nextCursor_ = 1000;
};

} // namespace mongopeer

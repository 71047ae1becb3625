#pragma once
// The peer's documents, in memory, and the commands that read and write them. One mutex guards
// everything: the peer serves tests, not load.
#include "bsonorder.h"
#include "duplicates.h"
#include "query.h"
#include "scram.h"

#include <bson/bson.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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
    CommandError parseError; // what the server answers instead of running it (too deep)
};

class Database {
public:
    // A replica set's name makes the peer its primary, with sessions and transactions (me:
    // this member's host:port, as hello names it); empty: a standalone server.
    // The maxWireVersion hello announces (17: MongoDB 6.0; 8: 4.2, whose transactions cannot
    // create collections).
    void setWireVersion(int version) { wireVersion_ = version; }
    // mongod's transactionLifetimeLimitSeconds (60 by default): a transaction older than this is
    // aborted, as one a killed client left open is.
    void setTransactionLifetime(std::chrono::seconds s) { transactionLifetime_ = s; }
    // A user turns authentication on: every command but the handshake, ping and SCRAM's then
    // needs a connection that logged in (mongod's --auth).
    void addUser(const User& user) { users_.push_back(user); }
    void playReplicaSet(const std::string& name, const std::string& me) {
        replicaSet_ = name;
        me_ = me;
    }
    // What the connection does after a command: answer it, or hang up without an answer (a
    // fail point's closeConnection, or the peer's own dropReply).
    enum class Outcome { Answer, HangUp };
    // Runs one command and writes its reply document into `reply` (initialized, empty).
    Outcome run(const Command& command, bson_t* reply);

private:
    // What a transaction changed, to put back if it aborts: each document as it was before
    // (none: it did not exist).
    struct Undo {
        std::string ns, key;
        std::optional<std::string> before;
    };
    // A multi-document transaction, or (statement) one plain write command, whose changes are
    // undone when it meets a document a transaction holds, to run again once that one ended.
    struct Transaction {
        uint64_t start = 0; // the commit clock when it began: its snapshot
        std::chrono::steady_clock::time_point began = std::chrono::steady_clock::now();
        bool statement = false;
        std::vector<Undo> undo;
        std::vector<std::string> locked; // the documents it wrote, held until it ends
    };
    // The failCommand fail point of mongod's test commands. Its mode is "alwaysOn", "off",
    // {times: n} (the next n matching commands) or {skip: n} (all after the next n); mongod reads
    // times first, so {times: 1, skip: 5} is {times: 1}. A matching command fails with `error`,
    // or the connection closes without running it (closeConnection), or, the peer's own
    // addition, the command runs and its answer is never sent (dropReply: a lost reply).
    struct FailPoint {
        int skip = 0;  // matching commands let through first
        int times = 0; // < 0: every one until turned off
        std::vector<std::string> commands;
        bool hasError = false;
        CommandError error;
        bool closeConnection = false;
        bool dropReply = false;
    };

    struct Collection {
        std::map<std::string, std::string, IdKeyLess> documents; // idKey -> document bytes
        std::vector<IndexSpec> indexes;                          // besides _id_
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
    // The server's version, as mongosh's db.version() and its greeting ask it.
    void buildInfo(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
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
    void saslStart(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    void saslContinue(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&);
    const User* findUser(const std::string& name, const std::string& db) const;

    // A command of a transaction (autocommit: false) finds or begins it; false with the
    // server's error when it cannot.
    bool enterTransaction(const Command& command, const std::string& name, CommandError& error);
    // Runs a command past the fail point: a retried write answered from its first run, a
    // transaction's statement, or a plain command (a write one waiting out the transactions
    // holding its documents).
    void execute(Handler handler, const Command& command, const std::string& name,
                 const std::string& db, bson_t* reply, CommandError& error,
                 std::unique_lock<std::mutex>& lock);
    // Aborts the transactions older than mongod's transactionLifetimeLimitSeconds (60).
    void expireTransactions();
    // After a transaction committed or aborted: drops the history no snapshot needs, wakes
    // the plain writes waiting.
    void transactionEnded();
    // The documents of `ns` as the running command may read them: another transaction's
    // uncommitted writes replaced by what they replaced (snapshot isolation). `scratch` holds
    // the copy when one is needed.
    using Documents = std::map<std::string, std::string, IdKeyLess>;
    Documents& readable(const std::string& ns, Documents& live, Documents& scratch);
    // A unique index other than _id_ that `document` (held under `self`, if stored) would
    // duplicate: false and the error.
    bool uniqueHolds(Collection& c, const std::string& ns, const bson_t* document,
                     const std::string* self, CommandError& error);
    // Snapshot isolation's write conflicts, as the server has them: a transaction may not
    // write a document another open transaction wrote, nor one committed after it began.
    bool mayWrite(const std::string& ns, const std::string& key, CommandError& error);
    // After a document changed: how it was (for a transaction's undo), and who holds it now.
    void remember(const std::string& ns, const std::string& key, const std::string* before);
    void rollBack(Transaction& t);
    void release(Transaction& t, bool committed);

    // The documents of `docs` that match `filter`, in _id order (reversed when `descending`),
    // stopping after `stopAfter` (0: all). Uses the _id index for an _id condition.
    std::vector<Documents::iterator> select(Documents& docs, const bson_t* filter, bool descending,
                                            size_t stopAfter, CommandError& error);
    void batch(int64_t id, Cursor& cursor, size_t size, const char* field, bson_t* reply);
    // Inserts one document; false (and the write error) when its _id is taken.
    bool insertOne(Collection& c, const std::string& ns, const bson_t* document,
                   CommandError& error);

    std::string replicaSet_, me_;
    int wireVersion_ = 17;
    std::chrono::seconds transactionLifetime_{60};
    std::vector<User> users_;
    std::set<int> authenticated_; // connection ids that logged in
    struct Conversation {
        ScramConversation scram;
        bool skipEmptyExchange = false;
    };
    std::map<int, Conversation> conversations_;       // by connection id
    std::map<std::string, Transaction> transactions_; // by lsid and txnNumber
    std::string currentKey_;                          // the transaction a command runs in
    Transaction* current_ = nullptr;
    bool repeatedCommit_ = false;     // commitTransaction again for a committed transaction
    std::string blockedBy_;           // the transaction a plain write waits for
    std::set<std::string> committed_; // transactions committed, which may be committed again
    // Retryable writes: per session (lsid bytes), its last txnNumber and the reply it had.
    struct Retry {
        int64_t txnNumber = -1;
        std::string reply;
    };
    std::map<std::string, Retry> retries_;
    // Keeps a retryable write's reply, which a retry of it answers.
    void keepReply(Retry& retry, int64_t txnNumber, const bson_t* reply);
    std::condition_variable ended_; // a transaction committed or aborted
    // Documents committed while a transaction that began before was open: what each was before
    // the commit at `clock`, oldest first, for that transaction's reads.
    struct Version {
        uint64_t clock = 0;
        std::optional<std::string> image;
    };
    std::map<std::string, std::vector<Version>> history_;
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

#include "database.h"

#include "limits.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

namespace mongopeer {

namespace {
constexpr size_t kBatchBytes = 16 * 1024 * 1024; // a reply stays far below maxMessageSizeBytes
constexpr int kBlocked = -1; // a plain write met a document a transaction holds: it waits

std::string stringOf(const bson_t* b, const char* key) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, b, key) || !BSON_ITER_HOLDS_UTF8(&it))
        return {};
    uint32_t n = 0;
    const char* s = bson_iter_utf8(&it, &n);
    return std::string(s, n);
}

// The command's first value as a string (the collection a command acts on).
std::string target(const bson_t* body) {
    bson_iter_t it;
    if (!bson_iter_init(&it, body) || !bson_iter_next(&it) || !BSON_ITER_HOLDS_UTF8(&it))
        return {};
    uint32_t n = 0;
    const char* s = bson_iter_utf8(&it, &n);
    return std::string(s, n);
}

// A sub-document of `b` as a view; an empty document when absent.
bson_t documentOf(const bson_t* b, const char* key, bool* present = nullptr) {
    bson_iter_t it;
    bson_t out;
    if (bson_iter_init_find(&it, b, key) &&
        (BSON_ITER_HOLDS_DOCUMENT(&it) || BSON_ITER_HOLDS_ARRAY(&it))) {
        uint32_t n = 0;
        const uint8_t* data = nullptr;
        if (BSON_ITER_HOLDS_DOCUMENT(&it))
            bson_iter_document(&it, &n, &data);
        else
            bson_iter_array(&it, &n, &data);
        bson_init_static(&out, data, n);
        if (present)
            *present = true;
        return out;
    }
    bson_init(&out); // empty: no allocation to free
    if (present)
        *present = false;
    return out;
}

int64_t numberOf(const bson_t* b, const char* key, int64_t fallback) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, b, key) || !BSON_ITER_HOLDS_NUMBER(&it))
        return fallback;
    return bson_iter_as_int64(&it);
}

bool boolOf(const bson_t* b, const char* key, bool fallback) {
    bson_iter_t it;
    return bson_iter_init_find(&it, b, key) ? bson_iter_as_bool(&it) : fallback;
}

// The documents of a write command: its kind-1 sequence, or the same name as an array in the
// body (OP_QUERY's form).
std::vector<DocumentView> listOf(const Command& command, const char* name) {
    if (auto it = command.sequences.find(name); it != command.sequences.end())
        return it->second;
    std::vector<DocumentView> out;
    bson_t array = documentOf(&command.body, name);
    bson_iter_t item;
    bson_iter_init(&item, &array);
    while (bson_iter_next(&item))
        if (BSON_ITER_HOLDS_DOCUMENT(&item)) {
            uint32_t n = 0;
            const uint8_t* data = nullptr;
            bson_iter_document(&item, &n, &data);
            out.push_back({data, n});
        }
    return out;
}

void appendExtra(bson_t* to, const CommandError& error) {
    if (error.extra.empty())
        return;
    const bson_t extra = view(error.extra);
    bson_concat(to, &extra);
}

void appendWriteError(bson_t* errors, int& count, int index, const CommandError& error) {
    bson_t e;
    const std::string key = std::to_string(count++);
    bson_append_document_begin(errors, key.c_str(), -1, &e);
    bson_append_int32(&e, "index", -1, index);
    bson_append_int32(&e, "code", -1, error.code);
    appendExtra(&e, error);
    bson_append_utf8(&e, "errmsg", -1, error.message.c_str(), -1);
    bson_append_document_end(errors, &e);
}

bool isWrite(const std::string& name) {
    return name == "insert" || name == "update" || name == "delete";
}

// What mongod checks before it stores a document: its size and its depth.
bool storable(const bson_t* document, CommandError& error) {
    if (document->len > kMaxBsonObjectSize) {
        error = {2, "BadValue",
                 "object to insert too large. size in bytes: " + std::to_string(document->len) +
                     ", max size: " + std::to_string(kMaxBsonObjectSize)};
        return false;
    }
    if (!withinDepth(document, kMaxStoredDepth, true)) {
        error = {15, "Overflow",
                 "cannot insert document because it exceeds " + std::to_string(kMaxStoredDepth) +
                     " levels of nesting"};
        return false;
    }
    return true;
}

bool isOperatorCondition(const bson_iter_t* it) {
    if (!BSON_ITER_HOLDS_DOCUMENT(it))
        return false;
    bson_iter_t inner;
    return bson_iter_recurse(it, &inner) && bson_iter_next(&inner) &&
           bson_iter_key(&inner)[0] == '$';
}
} // namespace

Database::Outcome Database::run(const Command& command, bson_t* reply) {
    struct Entry {
        const char* name;
        Handler handler;
    };
    static const Entry handlers[] = {
        {"hello", &Database::hello},
        {"isMaster", &Database::hello},
        {"ismaster", &Database::hello},
        {"ping", &Database::ping},
        {"endSessions", &Database::ping},
        {"buildInfo", &Database::buildInfo},
        {"buildinfo", &Database::buildInfo},
        {"find", &Database::find},
        {"getMore", &Database::getMore},
        {"killCursors", &Database::killCursors},
        {"insert", &Database::insert},
        {"update", &Database::update},
        {"delete", &Database::remove},
        {"count", &Database::count},
        {"createIndexes", &Database::createIndexes},
        {"drop", &Database::drop},
        {"dropDatabase", &Database::dropDatabase},
        {"commitTransaction", &Database::commitTransaction},
        {"abortTransaction", &Database::abortTransaction},
        {"configureFailPoint", &Database::configureFailPoint},
        {"saslStart", &Database::saslStart},
        {"saslContinue", &Database::saslContinue},
    };
    // What mongod runs for a connection that has not logged in.
    static const char* const open[] = {"hello",       "isMaster",  "ismaster",
                                       "ping",        "saslStart", "saslContinue",
                                       "endSessions", "buildInfo", "buildinfo"};
    bson_iter_t first;
    std::string name;
    if (bson_iter_init(&first, &command.body) && bson_iter_next(&first))
        name = bson_iter_key(&first);
    std::string db = stringOf(&command.body, "$db");
    if (db.empty())
        db = command.db;
    CommandError error = command.parseError;
    Outcome outcome = Outcome::Answer;
    const auto handler = std::find_if(std::begin(handlers), std::end(handlers),
                                      [&](const Entry& e) { return name == e.name; });
    if (error.failed()) {
    } else if (handler == std::end(handlers))
        error = {59, "CommandNotFound", "no such command: '" + name + "'"};
    else {
        std::unique_lock<std::mutex> lock(mutex_);
        expireTransactions();
        const bool loggedOut = !users_.empty() && !authenticated_.count(command.connectionId) &&
                               std::none_of(std::begin(open), std::end(open),
                                            [&](const char* n) { return name == n; });
        if (loggedOut)
            error = {13, "Unauthorized", "command " + name + " requires authentication"};
        bool failing = !loggedOut && failCommand_.times != 0 &&
                       std::find(failCommand_.commands.begin(), failCommand_.commands.end(),
                                 name) != failCommand_.commands.end();
        if (failing && failCommand_.skip > 0) {
            --failCommand_.skip;
            failing = false;
        }
        if (failing && failCommand_.times > 0)
            --failCommand_.times;
        if (failing && failCommand_.closeConnection)
            return Outcome::HangUp;
        if (failing && failCommand_.hasError)
            error = failCommand_.error;
        else if (!loggedOut) {
            execute(handler->handler, command, name, db, reply, error, lock);
            if (failing && failCommand_.dropReply)
                outcome = Outcome::HangUp;
        }
    }
    if (error.failed()) {
        bson_reinit(reply);
        bson_append_double(reply, "ok", -1, 0.0);
        bson_append_utf8(reply, "errmsg", -1, error.message.c_str(), -1);
        bson_append_int32(reply, "code", -1, error.code);
        bson_append_utf8(reply, "codeName", -1, error.codeName.c_str(), -1);
        appendExtra(reply, error);
        if (!error.labels.empty()) {
            bson_t labels;
            bson_append_array_begin(reply, "errorLabels", -1, &labels);
            for (size_t i = 0; i < error.labels.size(); ++i)
                bson_append_utf8(&labels, std::to_string(i).c_str(), -1, error.labels[i].c_str(),
                                 -1);
            bson_append_array_end(reply, &labels);
        }
        return outcome;
    }
    if (!bson_has_field(reply, "ok"))
        bson_append_double(reply, "ok", -1, 1.0);
    return outcome;
}

void Database::execute(Handler handler, const Command& command, const std::string& name,
                       const std::string& db, bson_t* reply, CommandError& error,
                       std::unique_lock<std::mutex>& lock) {
    bool hasLsid = false;
    const bson_t lsid = documentOf(&command.body, "lsid", &hasLsid);
    const int64_t txnNumber = numberOf(&command.body, "txnNumber", -1);
    const bool retryable =
        isWrite(name) && hasLsid && txnNumber >= 0 && !bson_has_field(&command.body, "autocommit");
    Retry* retry = nullptr;
    if (retryable) { // a retryable write: a retry answers the first run's reply, runs nothing
        if (replicaSet_.empty()) {
            error = {20, "IllegalOperation",
                     "Transaction numbers are only allowed on a replica set member or mongos"};
            return;
        }
        retry = &retries_[bytesOf(&lsid)];
        if (txnNumber < retry->txnNumber) {
            error = {225, "TransactionTooOld",
                     "Retryable write with txnNumber " + std::to_string(txnNumber) +
                         " is prohibited on session because a newer retryable write with "
                         "txnNumber " +
                         std::to_string(retry->txnNumber) +
                         " has already started on this session."};
            return;
        }
        if (txnNumber == retry->txnNumber && !retry->reply.empty()) {
            const bson_t first = view(retry->reply);
            bson_concat(reply, &first);
            return;
        }
    }
    if (!enterTransaction(command, name, error))
        return;
    if (repeatedCommit_) { // a commit retried after it committed: it committed
        repeatedCommit_ = false;
        return;
    }
    if (current_) {
        (this->*handler)(command.body, command, db, reply, error);
        // A failed statement aborts its transaction, as on the server.
        if (current_ && (error.failed() || bson_has_field(reply, "writeErrors"))) {
            rollBack(*current_);
            transactions_.erase(currentKey_);
            transactionEnded();
        }
        current_ = nullptr;
        return;
    }
    // With no transaction open nothing can make a plain write wait (none can begin while it
    // runs), so it runs without keeping what it changed.
    if (!isWrite(name) || transactions_.empty()) {
        (this->*handler)(command.body, command, db, reply, error);
        if (retry && !error.failed())
            keepReply(*retry, txnNumber, reply);
        return;
    }
    // A plain write that meets a document a transaction holds waits until that transaction
    // ends, as mongod's does, and runs again from the start.
    for (;;) {
        Transaction statement;
        statement.statement = true;
        current_ = &statement;
        currentKey_.clear();
        (this->*handler)(command.body, command, db, reply, error);
        current_ = nullptr;
        if (error.code != kBlocked) {
            release(statement, true);
            break;
        }
        rollBack(statement);
        bson_reinit(reply);
        error = {};
        const std::string holder = blockedBy_;
        while (transactions_.count(holder)) {
            ended_.wait_for(lock, std::chrono::milliseconds(200));
            expireTransactions();
        }
    }
    if (retry && !error.failed())
        keepReply(*retry, txnNumber, reply);
}

void Database::keepReply(Retry& retry, int64_t txnNumber, const bson_t* reply) {
    bson_t stored = BSON_INITIALIZER;
    bson_concat(&stored, reply);
    bson_append_double(&stored, "ok", -1, 1.0);
    retry.txnNumber = txnNumber;
    retry.reply = bytesOf(&stored);
    bson_destroy(&stored);
}

void Database::transactionEnded() {
    // The images no open transaction can read any more: those of commits at or before the
    // oldest snapshot.
    if (transactions_.empty())
        history_.clear();
    else {
        uint64_t oldest = UINT64_MAX;
        for (const auto& [key, t] : transactions_)
            oldest = std::min(oldest, t.start);
        for (auto it = history_.begin(); it != history_.end();) {
            auto& versions = it->second;
            versions.erase(std::remove_if(versions.begin(), versions.end(),
                                          [&](const Version& v) { return v.clock <= oldest; }),
                           versions.end());
            it = versions.empty() ? history_.erase(it) : std::next(it);
        }
    }
    ended_.notify_all();
}

void Database::expireTransactions() {
    const auto now = std::chrono::steady_clock::now();
    bool ended = false;
    for (auto it = transactions_.begin(); it != transactions_.end();) {
        if (now - it->second.began < transactionLifetime_) {
            ++it;
            continue;
        }
        rollBack(it->second);
        it = transactions_.erase(it);
        ended = true;
    }
    if (ended)
        transactionEnded();
}

Database::Documents& Database::readable(const std::string& ns, Documents& live,
                                        Documents& scratch) {
    const std::string prefix = ns + '\0';
    bool copied = false;
    // Another open transaction's writes read as what they replaced: the first change of each
    // document it holds keeps that (found here, by the reader, so that writing costs nothing).
    for (const auto& [holder, t] : transactions_) {
        if (current_ == &t || t.undo.empty())
            continue; // its own writes
        std::set<std::string> seen;
        for (const Undo& u : t.undo) {
            if (u.ns != ns || !seen.insert(u.key).second)
                continue;
            if (!copied) {
                scratch = live;
                copied = true;
            }
            if (u.before)
                scratch.insert_or_assign(u.key, *u.before);
            else
                scratch.erase(u.key);
        }
    }
    // A transaction reads what was committed when it began: a document committed since then
    // reads as it was before that first later commit (whatever another transaction now holds).
    if (current_ && !current_->statement)
        for (auto it = history_.lower_bound(prefix);
             it != history_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
            const auto after =
                std::find_if(it->second.begin(), it->second.end(),
                             [&](const Version& v) { return v.clock > current_->start; });
            if (after == it->second.end())
                continue;
            if (!copied) {
                scratch = live;
                copied = true;
            }
            const std::string key = it->first.substr(prefix.size());
            if (after->image)
                scratch.insert_or_assign(key, *after->image);
            else
                scratch.erase(key);
        }
    return copied ? scratch : live;
}

bool Database::uniqueHolds(Collection& c, const std::string& ns, const bson_t* document,
                           const std::string* self, CommandError& error) {
    for (const IndexSpec& index : c.indexes) {
        if (!index.unique)
            continue;
        bson_t mine = BSON_INITIALIZER;
        indexKey(index, document, &mine);
        for (const auto& [key, bytes] : c.documents) {
            if (self && key == *self)
                continue;
            const bson_t other = view(bytes);
            bson_t theirs = BSON_INITIALIZER;
            indexKey(index, &other, &theirs);
            bson_iter_t a, b;
            bool same = bson_iter_init(&a, &mine) && bson_iter_init(&b, &theirs);
            while (same && bson_iter_next(&a))
                same = bson_iter_next(&b) && compareValues(&a, &b) == 0;
            bson_destroy(&theirs);
            if (same) {
                error = duplicateKey(ns, index, &mine);
                bson_destroy(&mine);
                return false;
            }
        }
        bson_destroy(&mine);
    }
    return true;
}

// A standalone server: no setName, no topologyVersion (which would switch pooled clients to
// streaming hello) and no logicalSessionTimeoutMinutes (which would turn sessions on).
void Database::hello(const bson_t&, const Command& command, const std::string&, bson_t* reply,
                     CommandError&) {
    bson_append_bool(reply, "helloOk", -1, true);
    bson_append_bool(reply,
                     target(&command.body).empty() && stringOf(&command.body, "hello").empty() &&
                             bson_has_field(&command.body, "hello")
                         ? "isWritablePrimary"
                         : "ismaster",
                     -1, true);
    bson_append_int32(reply, "maxBsonObjectSize", -1, 16 * 1024 * 1024);
    bson_append_int32(reply, "maxMessageSizeBytes", -1, 48000000);
    bson_append_int32(reply, "maxWriteBatchSize", -1, 100000);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    bson_append_date_time(reply, "localTime", -1,
                          std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
    bson_append_int32(reply, "minWireVersion", -1, 0);
    bson_append_int32(reply, "maxWireVersion", -1, wireVersion_);
    bson_append_int32(reply, "connectionId", -1, command.connectionId);
    // {saslSupportedMechs: "db.user"}: the mechanisms that user may log in with.
    const std::string asked = stringOf(&command.body, "saslSupportedMechs");
    if (const size_t dot = asked.find('.'); dot != std::string::npos) {
        if (findUser(asked.substr(dot + 1), asked.substr(0, dot))) {
            bson_t mechs;
            bson_append_array_begin(reply, "saslSupportedMechs", -1, &mechs);
            bson_append_utf8(&mechs, "0", 1, "SCRAM-SHA-1", -1);
            bson_append_utf8(&mechs, "1", 1, "SCRAM-SHA-256", -1);
            bson_append_array_end(reply, &mechs);
        }
    }
    // Speculative authentication (MongoDB 4.4): the handshake carries the login's first step,
    // and its answer saves the client a round trip; without one it logs in as usual.
    bool speculative = false;
    const bson_t first = documentOf(&command.body, "speculativeAuthenticate", &speculative);
    if (speculative && !users_.empty() && bson_has_field(&first, "saslStart")) {
        bson_t step = BSON_INITIALIZER;
        CommandError refused;
        saslStart(first, command, stringOf(&first, "db"), &step, refused);
        if (!refused.failed())
            bson_append_document(reply, "speculativeAuthenticate", -1, &step);
        bson_destroy(&step);
    }
    // mongod has sessions standalone too (3.6+); only a replica set or mongos takes
    // transactions and retryable writes on them.
    bson_append_int32(reply, "logicalSessionTimeoutMinutes", -1, 30);
    if (replicaSet_.empty())
        return;
    // The primary of a one-member replica set.
    bson_append_utf8(reply, "setName", -1, replicaSet_.c_str(), -1);
    bson_t hosts;
    bson_append_array_begin(reply, "hosts", -1, &hosts);
    bson_append_utf8(&hosts, "0", 1, me_.c_str(), -1);
    bson_append_array_end(reply, &hosts);
    bson_append_utf8(reply, "primary", -1, me_.c_str(), -1);
    bson_append_utf8(reply, "me", -1, me_.c_str(), -1);
    bson_append_bool(reply, "secondary", -1, false);
}

bool Database::enterTransaction(const Command& command, const std::string& name,
                                CommandError& error) {
    current_ = nullptr;
    bson_iter_t autocommit;
    // Retryable writes carry a txnNumber too, but no autocommit: they are no transaction.
    if (!bson_iter_init_find(&autocommit, &command.body, "autocommit") ||
        bson_iter_as_bool(&autocommit))
        return true;
    if (replicaSet_.empty()) {
        error = {20, "IllegalOperation",
                 "Transaction numbers are only allowed on a replica set member or mongos"};
        return false;
    }
    bool hasLsid = false;
    const bson_t lsid = documentOf(&command.body, "lsid", &hasLsid);
    const int64_t number = numberOf(&command.body, "txnNumber", -1);
    if (!hasLsid || number < 0) {
        error = {50768, "InvalidOptions", "a transaction needs lsid and txnNumber"};
        return false;
    }
    const std::string key = bytesOf(&lsid) + '#' + std::to_string(number);
    if (boolOf(&command.body, "startTransaction", false)) {
        transactions_[key] = Transaction{};
        transactions_[key].start = clock_;
    }
    const auto it = transactions_.find(key);
    if (it == transactions_.end() && committed_.count(key)) {
        if (name == "commitTransaction") { // committing again answers ok, as mongod does
            repeatedCommit_ = true;
            return true;
        }
        error = {256, "TransactionCommitted",
                 "Transaction " + std::to_string(number) + " has been committed."};
        return false;
    }
    if (it == transactions_.end()) {
        error = {251,
                 "NoSuchTransaction",
                 "Transaction " + std::to_string(number) + " has been aborted.",
                 {"TransientTransactionError"}};
        return false;
    }
    current_ = &it->second;
    currentKey_ = key;
    return true;
}

namespace {
std::string documentId(const std::string& ns, const std::string& key) {
    return ns + '\0' + key;
}
} // namespace

bool Database::mayWrite(const std::string& ns, const std::string& key, CommandError& error) {
    if (!current_)
        return true;
    const std::string id = documentId(ns, key);
    const auto owner = owners_.find(id);
    if (current_->statement) { // a plain write waits for the transaction holding the document
        if (owner == owners_.end())
            return true;
        blockedBy_ = owner->second;
        error = {kBlocked, "Blocked", "waits for a transaction"};
        return false;
    }
    const auto version = versions_.find(id);
    if ((owner != owners_.end() && owner->second != currentKey_) ||
        (version != versions_.end() && version->second > current_->start)) {
        error = {112,
                 "WriteConflict",
                 "WriteConflict error: this operation conflicted with another operation. "
                 "Please retry your operation or multi-document transaction.",
                 {"TransientTransactionError"}};
        return false;
    }
    return true;
}

void Database::remember(const std::string& ns, const std::string& key, const std::string* before) {
    const std::string id = documentId(ns, key);
    if (!current_) {
        versions_[id] = ++clock_;
        return;
    }
    const auto image = before ? std::optional<std::string>(*before) : std::optional<std::string>();
    current_->undo.push_back({ns, key, image});
    if (current_->statement) // no other command runs before it ends: nobody to hide it from
        current_->locked.push_back(id);
    else if (owners_.emplace(id, currentKey_).second)
        current_->locked.push_back(id);
}

void Database::release(Transaction& t, bool committed) {
    if (committed) {
        ++clock_;
        // What the documents were before this commit, for the open transactions that began
        // earlier and must go on reading them so (their snapshot).
        const bool othersOpen = std::any_of(transactions_.begin(), transactions_.end(),
                                            [&](const auto& e) { return &e.second != &t; });
        if (othersOpen) {
            std::map<std::string, std::optional<std::string>> before;
            for (const Undo& u : t.undo) // the first change of each holds its image
                before.emplace(documentId(u.ns, u.key), u.before);
            for (auto& [id, image] : before)
                history_[id].push_back({clock_, std::move(image)});
        }
    }
    for (const std::string& id : t.locked) {
        if (!t.statement)
            owners_.erase(id);
        if (committed)
            versions_[id] = clock_;
    }
    t.locked.clear();
}

void Database::rollBack(Transaction& t) {
    release(t, false);
    for (auto u = t.undo.rbegin(); u != t.undo.rend(); ++u) {
        Documents& docs = collections_[u->ns].documents;
        if (u->before)
            docs.insert_or_assign(u->key, *u->before);
        else
            docs.erase(u->key);
    }
    t.undo.clear();
}

void Database::commitTransaction(const bson_t&, const Command&, const std::string&, bson_t*,
                                 CommandError& error) {
    if (!current_) {
        error = {251, "NoSuchTransaction", "no transaction to commit"};
        return;
    }
    release(*current_, true);
    transactions_.erase(currentKey_); // its changes stay
    committed_.insert(currentKey_);
    current_ = nullptr;
    transactionEnded();
}

void Database::abortTransaction(const bson_t&, const Command&, const std::string&, bson_t*,
                                CommandError& error) {
    if (!current_) {
        error = {251, "NoSuchTransaction", "no transaction to abort"};
        return;
    }
    rollBack(*current_);
    transactions_.erase(currentKey_);
    current_ = nullptr;
    transactionEnded();
}

// {configureFailPoint: "failCommand", mode: "alwaysOn" | "off" | {times: n} | {skip: n},
//  data: {failCommands: [names], errorCode: n, errorLabels: [labels], closeConnection: bool,
//         dropReply: bool (the peer's own)}}
void Database::configureFailPoint(const bson_t& body, const Command&, const std::string&, bson_t*,
                                  CommandError& error) {
    if (target(&body) != "failCommand") {
        error = {2, "BadValue", "the peer has only the failCommand fail point"};
        return;
    }
    FailPoint point;
    bson_iter_t mode;
    if (bson_iter_init_find(&mode, &body, "mode") && BSON_ITER_HOLDS_UTF8(&mode))
        point.times = stringOf(&body, "mode") == "alwaysOn" ? -1 : 0;
    else {
        const bson_t times = documentOf(&body, "mode");
        if (bson_has_field(&times, "times"))
            point.times = static_cast<int>(numberOf(&times, "times", 0));
        else if (bson_has_field(&times, "skip")) {
            point.skip = static_cast<int>(numberOf(&times, "skip", 0));
            point.times = -1;
        } else {
            error = {2, "BadValue", "'mode' must be one of 'off', 'alwaysOn', 'times', 'skip'"};
            return;
        }
    }
    const bson_t data = documentOf(&body, "data");
    const bson_t names = documentOf(&data, "failCommands");
    bson_iter_t it;
    bson_iter_init(&it, &names);
    while (bson_iter_next(&it))
        if (BSON_ITER_HOLDS_UTF8(&it))
            point.commands.emplace_back(bson_iter_utf8(&it, nullptr));
    point.hasError = bson_has_field(&data, "errorCode");
    point.closeConnection = boolOf(&data, "closeConnection", false);
    point.dropReply = boolOf(&data, "dropReply", false);
    point.error = {static_cast<int>(numberOf(&data, "errorCode", 8)), "FailPoint",
                   "Failing command via 'failCommand' failpoint"};
    const bson_t labels = documentOf(&data, "errorLabels");
    bson_iter_init(&it, &labels);
    while (bson_iter_next(&it))
        if (BSON_ITER_HOLDS_UTF8(&it))
            point.error.labels.emplace_back(bson_iter_utf8(&it, nullptr));
    failCommand_ = std::move(point);
}

const User* Database::findUser(const std::string& name, const std::string& db) const {
    for (const User& u : users_)
        if (u.name == name && u.db == db)
            return &u;
    return nullptr;
}

namespace {
std::string payloadOf(const bson_t* body) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, body, "payload"))
        return {};
    if (BSON_ITER_HOLDS_UTF8(&it))
        return bson_iter_utf8(&it, nullptr);
    if (!BSON_ITER_HOLDS_BINARY(&it))
        return {};
    bson_subtype_t subtype;
    uint32_t n = 0;
    const uint8_t* data = nullptr;
    bson_iter_binary(&it, &subtype, &n, &data);
    return std::string(reinterpret_cast<const char*>(data), n);
}

void appendPayload(bson_t* reply, int conversation, bool done, const std::string& payload) {
    bson_append_int32(reply, "conversationId", -1, conversation);
    bson_append_bool(reply, "done", -1, done);
    bson_append_binary(reply, "payload", -1, BSON_SUBTYPE_BINARY,
                       reinterpret_cast<const uint8_t*>(payload.data()),
                       static_cast<uint32_t>(payload.size()));
}

const CommandError kAuthenticationFailed{18, "AuthenticationFailed", "Authentication failed."};
} // namespace

// SCRAM's first step, in the user's database (the URI's authSource).
void Database::saslStart(const bson_t& body, const Command& command, const std::string& db,
                         bson_t* reply, CommandError& error) {
    const std::string mechanism = stringOf(&body, "mechanism");
    if (mechanism != "SCRAM-SHA-1" && mechanism != "SCRAM-SHA-256") {
        error = {2, "BadValue",
                 "Received authentication for mechanism " + mechanism + " which is not enabled"};
        return;
    }
    const std::string first = payloadOf(&body);
    const User* user = findUser(ScramConversation::userOf(first), db);
    const bson_t options = documentOf(&body, "options");
    Conversation c{ScramConversation(mechanism, user),
                   boolOf(&options, "skipEmptyExchange", false)};
    const auto serverFirst = c.scram.start(first);
    if (!serverFirst) {
        error = kAuthenticationFailed;
        return;
    }
    conversations_.insert_or_assign(command.connectionId, std::move(c));
    appendPayload(reply, 1, false, *serverFirst);
}

void Database::saslContinue(const bson_t& body, const Command& command, const std::string&,
                            bson_t* reply, CommandError& error) {
    const auto it = conversations_.find(command.connectionId);
    if (it == conversations_.end()) {
        error = {17, "ProtocolError", "No SASL session state found"};
        return;
    }
    const std::string payload = payloadOf(&body);
    if (payload.empty()) { // the client's empty last step, when it did not skip it
        conversations_.erase(it);
        appendPayload(reply, 1, true, "");
        return;
    }
    const auto serverFinal = it->second.scram.finish(payload);
    if (!serverFinal) {
        conversations_.erase(it);
        error = kAuthenticationFailed;
        return;
    }
    authenticated_.insert(command.connectionId);
    // With saslStart's options {skipEmptyExchange: true} the conversation ends here;
    // otherwise one empty step follows.
    const bool skip = it->second.skipEmptyExchange;
    if (skip)
        conversations_.erase(it);
    appendPayload(reply, 1, skip, *serverFinal);
}

void Database::ping(const bson_t&, const Command&, const std::string&, bson_t*, CommandError&) {}

// The release a wire version first came with (the peer claims the first of that line).
void Database::buildInfo(const bson_t&, const Command&, const std::string&, bson_t* reply,
                         CommandError&) {
    struct Release {
        int wire, major, minor;
    };
    static const Release releases[] = {{8, 4, 2},  {9, 4, 4},  {13, 5, 0},
                                       {17, 6, 0}, {21, 7, 0}, {25, 8, 0}};
    Release release = releases[0];
    for (const Release& r : releases)
        if (r.wire <= wireVersion_)
            release = r;
    const std::string version =
        std::to_string(release.major) + "." + std::to_string(release.minor) + ".0";
    bson_append_utf8(reply, "version", -1, version.c_str(), -1);
    bson_append_utf8(reply, "gitVersion", -1, "mongopeer", -1);
    bson_t array;
    bson_append_array_begin(reply, "versionArray", -1, &array);
    const int parts[] = {release.major, release.minor, 0, 0};
    for (int i = 0; i < 4; ++i)
        bson_append_int32(&array, std::to_string(i).c_str(), -1, parts[i]);
    bson_append_array_end(reply, &array);
    bson_append_int32(reply, "bits", -1, 64);
    bson_append_bool(reply, "debug", -1, false);
    bson_append_int32(reply, "maxBsonObjectSize", -1, 16 * 1024 * 1024);
    bson_t modules;
    bson_append_array_begin(reply, "modules", -1, &modules);
    bson_append_array_end(reply, &modules);
}

std::vector<Database::Documents::iterator> Database::select(Documents& docs, const bson_t* filter,
                                                            bool descending, size_t stopAfter,
                                                            CommandError& error) {
    std::vector<Documents::iterator> out;
    if (!validFilter(filter, error))
        return out;
    const auto consider = [&](Documents::iterator it) {
        const bson_t d = view(it->second);
        if (matches(&d, filter, error))
            out.push_back(it);
        return !error.failed() && (stopAfter == 0 || out.size() < stopAfter);
    };
    const auto walk = [&](Documents::iterator from, Documents::iterator to) {
        if (!descending) {
            for (auto it = from; it != to; ++it)
                if (!consider(it))
                    return;
        } else {
            for (auto it = to; it != from;)
                if (!consider(--it))
                    return;
        }
    };
    bson_iter_t id;
    if (!bson_iter_init_find(&id, filter, "_id")) {
        walk(docs.begin(), docs.end());
        return out;
    }
    if (!isOperatorCondition(&id)) { // equality: one lookup
        if (auto it = docs.find(idKey(&id)); it != docs.end())
            consider(it);
        return out;
    }
    // A range or a list on _id: the index narrows, the filter decides.
    auto from = docs.begin(), to = docs.end();
    std::set<std::string, IdKeyLess> listed;
    bool list = false;
    bson_iter_t op;
    bson_iter_recurse(&id, &op);
    while (bson_iter_next(&op)) {
        const char* name = bson_iter_key(&op);
        if (!std::strcmp(name, "$gt"))
            from = docs.upper_bound(idKey(&op));
        else if (!std::strcmp(name, "$gte"))
            from = docs.lower_bound(idKey(&op));
        else if (!std::strcmp(name, "$lt"))
            to = docs.lower_bound(idKey(&op));
        else if (!std::strcmp(name, "$lte"))
            to = docs.upper_bound(idKey(&op));
        else if (!std::strcmp(name, "$in") && BSON_ITER_HOLDS_ARRAY(&op)) {
            list = true;
            bson_iter_t item;
            bson_iter_recurse(&op, &item);
            while (bson_iter_next(&item))
                listed.insert(idKey(&item));
        }
    }
    if (list) {
        std::vector<Documents::iterator> found;
        for (const std::string& key : listed)
            if (auto it = docs.find(key); it != docs.end())
                found.push_back(it);
        if (descending)
            std::reverse(found.begin(), found.end());
        for (auto it : found)
            if (!consider(it))
                break;
        return out;
    }
    // An empty range ($gt past the last document, or bounds the wrong way round): walking it
    // would run past the map's end.
    if (from == docs.end() || from == to ||
        (to != docs.end() && docs.key_comp()(to->first, from->first)))
        return out;
    walk(from, to);
    return out;
}

void Database::batch(int64_t id, Cursor& cursor, size_t size, const char* field, bson_t* reply) {
    bson_t c, list;
    bson_append_document_begin(reply, "cursor", -1, &c);
    bson_append_array_begin(&c, field, -1, &list);
    size_t bytes = 0, n = 0;
    while (cursor.next < cursor.documents.size() && n < size &&
           (n == 0 || bytes + cursor.documents[cursor.next].size() < kBatchBytes)) {
        const std::string& d = cursor.documents[cursor.next++];
        const bson_t doc = view(d);
        const std::string key = std::to_string(n++);
        bson_append_document(&list, key.c_str(), -1, &doc);
        bytes += d.size();
    }
    bson_append_array_end(&c, &list);
    const bool done = cursor.next >= cursor.documents.size();
    bson_append_int64(&c, "id", -1, done ? 0 : id);
    bson_append_utf8(&c, "ns", -1, cursor.ns.c_str(), -1);
    bson_append_document_end(reply, &c);
    if (done)
        cursors_.erase(id);
}

void Database::find(const bson_t& body, const Command&, const std::string& db, bson_t* reply,
                    CommandError& error) {
    const std::string ns = db + "." + target(&body);
    const bson_t filter = documentOf(&body, "filter");
    const bson_t sort = documentOf(&body, "sort");
    int64_t limit = numberOf(&body, "limit", 0);
    const int64_t skip = std::max<int64_t>(0, numberOf(&body, "skip", 0));
    bool single = boolOf(&body, "singleBatch", false);
    if (limit < 0) {
        limit = -limit;
        single = true;
    }
    // Sorting by _id (either way) follows the index; any other sort is done here.
    bool descending = false, byId = true;
    std::vector<std::pair<std::string, int64_t>> keys;
    bson_iter_t s;
    bson_iter_init(&s, &sort);
    while (bson_iter_next(&s))
        keys.emplace_back(bson_iter_key(&s), bson_iter_as_int64(&s));
    if (keys.size() == 1 && keys[0].first == "_id")
        descending = keys[0].second < 0;
    else if (!keys.empty())
        byId = false;

    Cursor cursor{ns, {}, 0};
    if (!validFilter(&filter, error))
        return;
    if (auto c = collections_.find(ns); c != collections_.end()) {
        const size_t stop = byId && limit > 0 ? static_cast<size_t>(skip + limit) : 0;
        Documents scratch;
        auto found =
            select(readable(ns, c->second.documents, scratch), &filter, descending, stop, error);
        if (error.failed())
            return;
        for (auto it : found)
            cursor.documents.push_back(it->second);
    }
    if (!byId) {
        const auto less = [&](const std::string& a, const std::string& b) {
            const bson_t da = view(a), db2 = view(b);
            for (const auto& [path, direction] : keys) {
                bson_iter_t ra, rb, fa, fb;
                const bool ha =
                    bson_iter_init(&ra, &da) && bson_iter_find_descendant(&ra, path.c_str(), &fa);
                const bool hb =
                    bson_iter_init(&rb, &db2) && bson_iter_find_descendant(&rb, path.c_str(), &fb);
                int c = ha && hb ? compareValues(&fa, &fb) : (ha ? 1 : 0) - (hb ? 1 : 0);
                if (direction < 0)
                    c = -c;
                if (c)
                    return c < 0;
            }
            return false;
        };
        std::stable_sort(cursor.documents.begin(), cursor.documents.end(), less);
    }
    auto& docs = cursor.documents;
    docs.erase(docs.begin(), docs.begin() + std::min<int64_t>(skip, std::ssize(docs)));
    if (limit > 0 && std::ssize(docs) > limit)
        docs.resize(static_cast<size_t>(limit));
    const int64_t id = nextCursor_++;
    size_t first = static_cast<size_t>(numberOf(&body, "batchSize", 101));
    if (single || (limit > 0 && static_cast<size_t>(limit) <= first))
        first = docs.size() + 1;
    auto [it, added] = cursors_.emplace(id, std::move(cursor));
    batch(id, it->second, first == 0 ? 101 : first, "firstBatch", reply);
}

void Database::getMore(const bson_t& body, const Command&, const std::string&, bson_t* reply,
                       CommandError& error) {
    const int64_t id = numberOf(&body, "getMore", 0);
    auto it = cursors_.find(id);
    if (it == cursors_.end()) {
        error = {43, "CursorNotFound", "cursor id " + std::to_string(id) + " not found"};
        return;
    }
    const int64_t size = numberOf(&body, "batchSize", 0);
    batch(id, it->second, size > 0 ? static_cast<size_t>(size) : SIZE_MAX, "nextBatch", reply);
}

void Database::killCursors(const bson_t& body, const Command&, const std::string&, bson_t* reply,
                           CommandError&) {
    bson_t ids = documentOf(&body, "cursors");
    bson_t killed, missing;
    bson_append_array_begin(reply, "cursorsKilled", -1, &killed);
    int k = 0;
    bson_iter_t it;
    bson_iter_init(&it, &ids);
    std::vector<int64_t> notFound;
    while (bson_iter_next(&it)) {
        const int64_t id = bson_iter_as_int64(&it);
        if (cursors_.erase(id)) {
            const std::string key = std::to_string(k++);
            bson_append_int64(&killed, key.c_str(), -1, id);
        } else
            notFound.push_back(id);
    }
    bson_append_array_end(reply, &killed);
    bson_append_array_begin(reply, "cursorsNotFound", -1, &missing);
    for (size_t i = 0; i < notFound.size(); ++i)
        bson_append_int64(&missing, std::to_string(i).c_str(), -1, notFound[i]);
    bson_append_array_end(reply, &missing);
}

bool Database::insertOne(Collection& c, const std::string& ns, const bson_t* document,
                         CommandError& error) {
    bson_iter_t id;
    bson_t withId = BSON_INITIALIZER;
    const bson_t* doc = document;
    if (!bson_iter_init_find(&id, document, "_id")) {
        bson_oid_t oid;
        bson_oid_init(&oid, nullptr);
        bson_append_oid(&withId, "_id", 3, &oid);
        bson_concat(&withId, document);
        doc = &withId;
        bson_iter_init_find(&id, doc, "_id");
    }
    const std::string key = idKey(&id);
    // (The unique indexes are looked at only when there are some: a lookup in the _id index
    // costs as much as the insert's own.)
    const bool unique = std::any_of(c.indexes.begin(), c.indexes.end(),
                                    [](const IndexSpec& i) { return i.unique; });
    if (!storable(document, error) || !mayWrite(ns, key, error) ||
        (unique && c.documents.count(key) == 0 && !uniqueHolds(c, ns, doc, nullptr, error))) {
        bson_destroy(&withId);
        return false;
    }
    const bool added = c.documents.emplace(key, bytesOf(doc)).second;
    if (added)
        remember(ns, key, nullptr);
    if (!added) {
        static const IndexSpec idIndex = [] {
            bson_t k = BSON_INITIALIZER;
            bson_append_int32(&k, "_id", 3, 1);
            IndexSpec spec{"_id_", bytesOf(&k), true};
            bson_destroy(&k);
            return spec;
        }();
        const bson_t idOnly = view(key);
        error = duplicateKey(ns, idIndex, &idOnly);
    }
    bson_destroy(&withId);
    return added;
}

void Database::insert(const bson_t& body, const Command& command, const std::string& db,
                      bson_t* reply, CommandError& error) {
    const std::string ns = db + "." + target(&body);
    Collection& c = collections_[ns];
    const bool ordered = boolOf(&body, "ordered", true);
    bson_t errors = BSON_INITIALIZER;
    int n = 0, failures = 0, index = 0;
    for (const DocumentView& item : listOf(command, "documents")) {
        const bson_t d = item.get();
        CommandError e;
        if (insertOne(c, ns, &d, e))
            ++n;
        else if (e.code == 112 || e.code == kBlocked) { // a write conflict fails the command
            error = e;
            break;
        } else {
            appendWriteError(&errors, failures, index, e);
            if (ordered)
                break;
        }
        ++index;
    }
    bson_append_int32(reply, "n", -1, n);
    if (failures)
        bson_append_array(reply, "writeErrors", -1, &errors);
    bson_destroy(&errors);
}

void Database::update(const bson_t& body, const Command& command, const std::string& db,
                      bson_t* reply, CommandError& error) {
    const std::string ns = db + "." + target(&body);
    Collection& c = collections_[ns];
    const bool ordered = boolOf(&body, "ordered", true);
    bson_t errors = BSON_INITIALIZER, upserted = BSON_INITIALIZER;
    int matched = 0, modified = 0, failures = 0, upserts = 0, index = -1;
    for (const DocumentView& item : listOf(command, "updates")) {
        const bson_t u = item.get();
        ++index;
        bool hasUpdate = false;
        const bson_t q = documentOf(&u, "q");
        const bson_t change = documentOf(&u, "u", &hasUpdate);
        bson_iter_t kind;
        CommandError e;
        if (!hasUpdate || (bson_iter_init_find(&kind, &u, "u") && BSON_ITER_HOLDS_ARRAY(&kind)))
            e = {9, "FailedToParse", "the peer runs document updates only, not pipelines"};
        std::vector<Documents::iterator> found;
        if (!e.failed())
            found = select(c.documents, &q, false, boolOf(&u, "multi", false) ? 0 : 1, e);
        for (auto it : found) {
            if (e.failed())
                break;
            const bson_t old = view(it->second);
            bson_t next = BSON_INITIALIZER;
            if (applyUpdate(&old, &change, false, &next, e)) {
                ++matched;
                std::string bytes = bytesOf(&next);
                if (bytes != it->second) {
                    if (next.len > kMaxBsonObjectSize) {
                        e = {17419, "BSONObjectTooLarge",
                             "Resulting document after update is larger than " +
                                 std::to_string(kMaxBsonObjectSize)};
                        bson_destroy(&next);
                        break;
                    }
                    if (!mayWrite(ns, it->first, e) || !uniqueHolds(c, ns, &next, &it->first, e)) {
                        bson_destroy(&next);
                        break;
                    }
                    ++modified;
                    remember(ns, it->first, &it->second);
                    it->second = std::move(bytes);
                }
            }
            bson_destroy(&next);
        }
        if (!e.failed() && found.empty() && boolOf(&u, "upsert", false)) {
            bson_t base = BSON_INITIALIZER, made = BSON_INITIALIZER;
            upsertBase(&q, &base);
            if (applyUpdate(&base, &change, true, &made, e)) {
                // A new document without an _id gets one, which the reply must name.
                bson_iter_t madeId;
                if (!bson_iter_init_find(&madeId, &made, "_id")) {
                    bson_t withId = BSON_INITIALIZER;
                    bson_oid_t oid;
                    bson_oid_init(&oid, nullptr);
                    bson_append_oid(&withId, "_id", 3, &oid);
                    bson_concat(&withId, &made);
                    bson_destroy(&made);
                    bson_steal(&made, &withId);
                }
                if (insertOne(c, ns, &made, e)) {
                    bson_t entry;
                    const std::string k = std::to_string(upserts++);
                    bson_append_document_begin(&upserted, k.c_str(), -1, &entry);
                    bson_append_int32(&entry, "index", -1, index);
                    if (bson_iter_init_find(&madeId, &made, "_id"))
                        bson_append_iter(&entry, "_id", 3, &madeId);
                    bson_append_document_end(&upserted, &entry);
                }
            }
            bson_destroy(&base);
            bson_destroy(&made);
        }
        if (e.code == 112 || e.code == kBlocked) { // a write conflict fails the command
            error = e;
            break;
        }
        if (e.failed()) {
            appendWriteError(&errors, failures, index, e);
            if (ordered)
                break;
        }
    }
    bson_append_int32(reply, "n", -1, matched + upserts);
    bson_append_int32(reply, "nModified", -1, modified);
    if (upserts)
        bson_append_array(reply, "upserted", -1, &upserted);
    if (failures)
        bson_append_array(reply, "writeErrors", -1, &errors);
    bson_destroy(&errors);
    bson_destroy(&upserted);
}

void Database::remove(const bson_t& body, const Command& command, const std::string& db,
                      bson_t* reply, CommandError& error) {
    const std::string ns = db + "." + target(&body);
    const bool ordered = boolOf(&body, "ordered", true);
    bson_t errors = BSON_INITIALIZER;
    int n = 0, failures = 0, index = -1;
    auto c = collections_.find(ns);
    for (const DocumentView& item : listOf(command, "deletes")) {
        const bson_t d = item.get();
        ++index;
        if (c == collections_.end())
            continue;
        const bson_t q = documentOf(&d, "q");
        CommandError e;
        auto found =
            select(c->second.documents, &q, false, numberOf(&d, "limit", 0) == 1 ? 1 : 0, e);
        if (e.failed()) {
            appendWriteError(&errors, failures, index, e);
            if (ordered)
                break;
            continue;
        }
        for (auto it : found)
            if (!mayWrite(ns, it->first, e)) {
                error = e;
                break;
            }
        if (error.failed())
            break;
        for (auto it : found) {
            remember(ns, it->first, &it->second);
            c->second.documents.erase(it);
        }
        n += static_cast<int>(found.size());
    }
    bson_append_int32(reply, "n", -1, n);
    if (failures)
        bson_append_array(reply, "writeErrors", -1, &errors);
    bson_destroy(&errors);
}

void Database::count(const bson_t& body, const Command&, const std::string& db, bson_t* reply,
                     CommandError& error) {
    const bson_t query = documentOf(&body, "query");
    size_t n = 0;
    if (!validFilter(&query, error))
        return;
    const std::string ns = db + "." + target(&body);
    if (auto c = collections_.find(ns); c != collections_.end()) {
        Documents scratch;
        Documents& docs = readable(ns, c->second.documents, scratch);
        bson_iter_t first;
        if (bson_iter_init(&first, &query) && !bson_iter_next(&first))
            n = docs.size();
        else
            n = select(docs, &query, false, 0, error).size();
    }
    bson_append_int32(reply, "n", -1, static_cast<int32_t>(n));
}

void Database::createIndexes(const bson_t& body, const Command&, const std::string& db,
                             bson_t* reply, CommandError& error) {
    const std::string ns = db + "." + target(&body);
    const bool existed = collections_.count(ns) > 0;
    Collection& c = collections_[ns];
    const int before = 1 + static_cast<int>(c.indexes.size());
    bson_t list = documentOf(&body, "indexes");
    bson_iter_t it;
    bson_iter_init(&it, &list);
    while (bson_iter_next(&it)) {
        uint32_t n = 0;
        const uint8_t* data = nullptr;
        if (!BSON_ITER_HOLDS_DOCUMENT(&it))
            continue;
        bson_iter_document(&it, &n, &data);
        bson_t spec;
        bson_init_static(&spec, data, n);
        const bson_t key = documentOf(&spec, "key");
        IndexSpec index{stringOf(&spec, "name"), bytesOf(&key), boolOf(&spec, "unique", false)};
        if (index.name == "_id_" ||
            std::any_of(c.indexes.begin(), c.indexes.end(),
                        [&](const IndexSpec& i) { return i.name == index.name; }))
            continue;
        // A unique index over documents that already repeat a key is refused, as mongod does.
        if (index.unique) {
            Collection probe;
            probe.indexes.push_back(index);
            for (const auto& [id, bytes] : c.documents) {
                const bson_t d = view(bytes);
                if (!uniqueHolds(probe, ns, &d, nullptr, error))
                    return;
                probe.documents.emplace(id, bytes);
            }
        }
        c.indexes.push_back(std::move(index));
    }
    bson_append_bool(reply, "createdCollectionAutomatically", -1, !existed);
    bson_append_int32(reply, "numIndexesBefore", -1, before);
    bson_append_int32(reply, "numIndexesAfter", -1, 1 + static_cast<int>(c.indexes.size()));
}

void Database::drop(const bson_t& body, const Command&, const std::string& db, bson_t* reply,
                    CommandError& error) {
    const std::string ns = db + "." + target(&body);
    if (!collections_.erase(ns)) {
        error = {26, "NamespaceNotFound", "ns not found"};
        return;
    }
    bson_append_utf8(reply, "ns", -1, ns.c_str(), -1);
}

void Database::dropDatabase(const bson_t&, const Command&, const std::string& db, bson_t* reply,
                            CommandError&) {
    const std::string prefix = db + ".";
    for (auto it = collections_.begin(); it != collections_.end();)
        it = it->first.compare(0, prefix.size(), prefix) == 0 ? collections_.erase(it)
                                                              : std::next(it);
    bson_append_utf8(reply, "dropped", -1, db.c_str(), -1);
}

} // namespace mongopeer

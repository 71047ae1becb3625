#pragma once
// RAII for libmongoc's handles, and the process's client pools: one pool per server URI, one
// client popped from it per store (a Store lives on its worker's thread, and a mongoc client
// must stay on one thread at a time). Driver types stay inside backends/.
#include <mongoc/mongoc.h>

#include <memory>
#include <string>
#include <utility>

namespace syncscope::mongo {

struct Free {
    void operator()(mongoc_uri_t* p) const { mongoc_uri_destroy(p); }
    void operator()(mongoc_collection_t* p) const { mongoc_collection_destroy(p); }
    void operator()(mongoc_cursor_t* p) const { mongoc_cursor_destroy(p); }
    void operator()(mongoc_bulk_operation_t* p) const { mongoc_bulk_operation_destroy(p); }
    void operator()(bson_t* p) const { bson_destroy(p); }
};
using Uri = std::unique_ptr<mongoc_uri_t, Free>;
using Collection = std::unique_ptr<mongoc_collection_t, Free>;
using Cursor = std::unique_ptr<mongoc_cursor_t, Free>;
using Bulk = std::unique_ptr<mongoc_bulk_operation_t, Free>;

// A BSON document owned here: built with the driver's append functions, freed on scope exit.
class Doc {
public:
    Doc() { bson_init(&b_); }
    ~Doc() { bson_destroy(&b_); }
    Doc(const Doc&) = delete;
    Doc& operator=(const Doc&) = delete;
    bson_t* get() { return &b_; }
    const bson_t* get() const { return &b_; }

private:
    bson_t b_;
};

class Pool;

// A client borrowed from a pool, handed back when it goes.
class Client {
public:
    Client() = default;
    Client(std::shared_ptr<Pool> pool, mongoc_client_t* client)
        : pool_(std::move(pool))
        , client_(client) {}
    ~Client() { reset(); }
    Client(Client&& other) noexcept
        : pool_(std::move(other.pool_))
        , client_(std::exchange(other.client_, nullptr)) {}
    Client& operator=(Client&& other) noexcept {
        if (this != &other) {
            reset();
            pool_ = std::move(other.pool_);
            client_ = std::exchange(other.client_, nullptr);
        }
        return *this;
    }
    mongoc_client_t* get() const { return client_; }
    explicit operator bool() const { return client_ != nullptr; }
    void reset();

private:
    std::shared_ptr<Pool> pool_;
    mongoc_client_t* client_ = nullptr;
};

// mongoc_init, once per process, with the driver's own logging off.
void initializeDriver();

// Borrows a client of the pool for `uri` (made on first use, shared by every store of the
// process on that server with the same password); an empty Client and `why` when the URI
// cannot be read.
Client borrowClient(const std::string& uri, const std::string& password, std::string& why);

} // namespace syncscope::mongo

#pragma once

#include <QString>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace syncscope {

// A reply of the server, freed when it goes out of scope.
class RedisReply {
public:
    RedisReply() = default;
    explicit RedisReply(redisReply* reply);

    explicit operator bool() const { return reply_ != nullptr; }
    bool isError() const;
    bool isNil() const;
    bool isArray() const;
    bool isInteger() const;
    long long integer() const;
    std::string_view text() const; // a string, status or error reply's bytes
    size_t size() const;           // an array's elements
    const redisReply* element(size_t i) const;
    const redisReply* raw() const { return reply_.get(); }

    static std::string_view textOf(const redisReply* r);
    static bool isNil(const redisReply* r);

private:
    struct Free {
        void operator()(redisReply* r) const;
    };
    std::unique_ptr<redisReply, Free> reply_;
};

// One command's arguments, as hiredis's argument-vector API takes them: every argument goes to
// the server as a length-prefixed bulk string, so nothing a value holds (CRLF, quotes, NUL,
// spaces) can end the command or start another. The strings are copied into one buffer that
// is reused from command to command.
class RedisArgs {
public:
    RedisArgs& operator<<(std::string_view arg);
    RedisArgs& operator<<(long long number);
    void clear();
    int count() const { return static_cast<int>(offsets_.size()); }
    // Pointers into the buffer; valid until the next change.
    void view(std::vector<const char*>& argv, std::vector<size_t>& lengths) const;

private:
    std::string bytes_;
    std::vector<size_t> offsets_;
    std::vector<size_t> lengths_;
};

// One connection to a Redis server on hiredis, with its timeouts, ACL login and database.
// Failures are strings naming what failed; the connection is unusable after an I/O error until
// connect() is called again.
class RedisConnection {
public:
    struct Endpoint {
        std::string host;
        int port = 6379;
        std::string user;
        std::string password;
        int database = 0;
        int connectTimeoutMs = 10000;
        int readTimeoutMs = 30000;
    };

    RedisConnection() = default;
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    bool connect(const Endpoint& endpoint, QString& why);
    void close();
    bool isOpen() const { return context_ != nullptr; }
    // The connection broke (I/O, EOF, protocol): its replies can no longer be trusted.
    bool broken() const;
    QString ioError() const;
    int socket() const;

    // One command, its reply (null with `why` when the connection failed; a server error is a
    // reply that isError()).
    RedisReply command(const RedisArgs& args, QString& why);
    // Pipelining: queue commands, then take their replies in order.
    bool append(const RedisArgs& args, QString& why);
    RedisReply next(QString& why);
    // The replies already read off the socket, without waiting (for a subscriber).
    bool readAvailable(QString& why);
    RedisReply nextBuffered(QString& why);

private:
    redisContext* context_ = nullptr;
    int readTimeoutMs_ = 0;
    std::vector<const char*> argv_;
    std::vector<size_t> lengths_;
};

// One MULTI … EXEC, pipelined: each command is sent as it is added, and the replies are read
// once, by exec().
class RedisTransaction {
public:
    enum class Outcome {
        Committed, // every command ran
        Aborted,   // a WATCHed key changed: nothing ran
        Refused,   // Redis refused a command: nothing ran, or (partial) the others did
        Lost,      // the connection failed
    };
    explicit RedisTransaction(RedisConnection& conn);
    void add(const RedisArgs& command);
    Outcome exec(QString& why, bool* partial = nullptr);

private:
    RedisConnection& conn_;
    size_t queued_ = 0;
    bool sent_ = true;
    QString why_;
};

} // namespace syncscope

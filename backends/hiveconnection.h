#pragma once
// One HiveServer2 session over Thrift (TCLIService), with the transports Hive offers: binary
// with SASL PLAIN (what Hive's NONE, LDAP, CUSTOM and PAM authentication use), Kerberos (SASL
// GSSAPI) or NOSASL, and HTTP; each with or without TLS. Thrift types stay in the .cpp files:
// callers see statements, rows and outcomes.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace syncscope {

struct HiveEndpoint {
    enum class Auth { Plain, NoSasl, Kerberos };
    // Binary: Thrift on the TCP connection (Hive's transportMode=binary); Http: each message
    // in an HTTP POST to httpPath (transportMode=http).
    enum class Transport { Binary, Http };
    std::string host;
    int port = 10000;
    std::string database = "default";
    Auth auth = Auth::Plain;
    std::string user = "anonymous";
    // PLAIN needs a non-empty password even where Hive checks none (authentication NONE);
    // HiveStore passes "x" then, as PyHive does.
    std::string password;
    // Kerberos: the server's principal, as in Hive's JDBC URLs (_HOST stands for `host`).
    std::string principal = "hive/_HOST";
    Transport transport = Transport::Binary;
    std::string httpPath = "cliservice";
    bool tls = false;
    std::string tlsCaFile; // the CA certificates (PEM) the server's must chain to; empty: the
                           // system's
    int connectTimeoutMs = 10000;
    int readTimeoutMs = 60000;
};

// One value of a result: SQL NULL, or what the column's Thrift type carries.
using HiveValue = std::variant<std::monostate, int64_t, double, std::string, bool>;

// A batch of rows from FetchResults, row-major.
struct HiveRows {
    size_t columns = 0;
    std::vector<HiveValue> cells;
    size_t rows() const { return columns == 0 ? 0 : cells.size() / columns; }
    const HiveValue& at(size_t row, size_t column) const { return cells[row * columns + column]; }
};

struct HiveOutcome {
    enum class Kind { Done, Canceled, Failed, Lost };
    Kind kind = Kind::Done;
    std::string message; // Hive's own words, or the transport's
    std::string sqlState;
    bool ok() const { return kind == Kind::Done; }
};

// Runs a short statement beside one that is running; its outcome is returned, its rows dropped.
using HiveSideRunner = std::function<HiveOutcome(const std::string& statement)>;
// Called between the status polls of a running statement.
using HiveWhileRunning = std::function<void(const HiveSideRunner&)>;

class HiveConnection {
public:
    HiveConnection();
    ~HiveConnection();
    HiveConnection(const HiveConnection&) = delete;
    HiveConnection& operator=(const HiveConnection&) = delete;

    // Connects, authenticates, opens a session (asking for protocol V10 and accepting down to
    // V6, the first with columnar results) and makes `database` current.
    HiveOutcome connect(const HiveEndpoint& endpoint);
    // Closes the session and the socket; harmless when not connected.
    void disconnect();
    bool connected() const;
    int serverProtocol() const; // TProtocolVersion's number (V6 = 5)

    // Runs one statement: submitted asynchronously, its status polled with back-off (0.5 ms
    // doubling up to 200 ms), canceled on the server (CancelOperation) as soon as `isCanceled`
    // says so. A statement with a result set is fetched `fetchRows` at a time until an empty
    // batch, each batch handed to `take`. The operation is closed whatever happens. A broken
    // transport disconnects (Kind::Lost); the next connect() starts afresh.
    // `whileRunning`, when given, is called between status polls with a runner of short
    // statements on the same session (HiveServer2 runs a session's operations side by side): a
    // statement that runs for long keeps the writer lock's lease alive that way.
    HiveOutcome execute(const std::string& statement, const std::function<bool()>& isCanceled,
                        const std::function<void(HiveRows&&)>& take = {}, int64_t fetchRows = 10000,
                        const HiveWhileRunning& whileRunning = {});

    // A statement whose rows are fetched on demand, for reading a large result page by page
    // without running it again: one at a time per connection (opening another, or connect(),
    // closes it). Other statements may run while it is open.
    HiveOutcome openCursor(const std::string& statement, const std::function<bool()>& isCanceled);
    // Up to `maxRows` more of its rows (the server may send fewer); none at its end.
    HiveOutcome fetchCursor(int64_t maxRows, HiveRows& rows);
    void closeCursor();
    bool cursorOpen() const;

private:
    // Runs `call` on the session; a broken transport drops the session (Kind::Lost).
    HiveOutcome guarded(const std::function<HiveOutcome()>& call);

    struct Session;
    std::unique_ptr<Session> session_;
};

} // namespace syncscope

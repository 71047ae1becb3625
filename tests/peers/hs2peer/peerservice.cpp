#include "peerservice.h"

#include "hivedialect.h"

#include <sqlite3.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <thread>
#include <variant>
#include <vector>

namespace hs2peer {

namespace hs2 = syncscope::hs2;
using Cell = std::variant<std::monostate, int64_t, double, std::string>;

struct Operation;

struct Session {
    std::mutex mutex; // one statement at a time on the connection
    sqlite3* db = nullptr;
    // The operation whose statement holds the connection now: sqlite3_interrupt stops whatever
    // runs on it, so only this one's cancel may call it (under `runningMutex`).
    std::mutex runningMutex;
    const Operation* running = nullptr;
    std::string folder;
    std::string database;
    int protocol = 0;

    std::set<std::string> attached; // other databases this connection reads (db.table)

    ~Session() { sqlite3_close(db); }

    // Hive reaches another database's table as db.table; SQLite needs it attached first. Only
    // names that are databases here are attached (an alias such as s.ts is not one). A plain
    // scan for "name." (the literals are out of `sql` already): a regex over a large INSERT cost
    // milliseconds a statement.
    void attachNamedDatabases(const std::string& sql) {
        std::set<std::string> names;
        const auto isWordChar = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        };
        for (size_t dot = sql.find('.'); dot != std::string::npos; dot = sql.find('.', dot + 1)) {
            size_t end = dot;
            if (end > 0 && sql[end - 1] == '`')
                --end;
            size_t begin = end;
            while (begin > 0 && isWordChar(sql[begin - 1]))
                --begin;
            if (begin < end && !std::isdigit(static_cast<unsigned char>(sql[begin])))
                names.insert(sql.substr(begin, end - begin));
        }
        for (const std::string& name : names) {
            if (name == database || attached.count(name) || !std::filesystem::exists(pathOf(name)))
                continue;
            sqlite3_stmt* stmt = nullptr;
            sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS ?", -1, &stmt, nullptr);
            const std::string path = pathOf(name);
            sqlite3_bind_text(stmt, 1, path.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 2, name.c_str(), -1, SQLITE_TRANSIENT);
            if (sqlite3_step(stmt) == SQLITE_DONE)
                attached.insert(name);
            sqlite3_finalize(stmt);
        }
    }

    std::string pathOf(const std::string& name) const { return folder + '/' + name + ".db"; }

    // Which tables were created transactional (TBLPROPERTIES ('transactional'='true')), in a
    // table of the peer's own in each database: Hive takes MERGE into those only. (A table
    // dropped and created again without the property stays marked: no test does that.)
    void markTransactional(const std::string& table) {
        sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS hs2peer_transactional (name TEXT PRIMARY KEY)",
                     nullptr, nullptr, nullptr);
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO hs2peer_transactional (name) VALUES (?)", -1,
                           &stmt, nullptr);
        sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(stmt);
        sqlite3_finalize(stmt);
    }

    bool isTransactional(const std::string& table) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM hs2peer_transactional WHERE name = ?", -1, &stmt,
                               nullptr) != SQLITE_OK)
            return false; // no table was ever created transactional here
        sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
        const bool found = sqlite3_step(stmt) == SQLITE_ROW;
        sqlite3_finalize(stmt);
        return found;
    }

    // Makes `name` current; empty when it worked, else Hive's words.
    std::string use(const std::string& name) {
        if (!std::filesystem::exists(pathOf(name)))
            return "Error while compiling statement: FAILED: SemanticException [Error 10072]: "
                   "Database does not exist: " +
                   name;
        sqlite3* next = nullptr;
        if (sqlite3_open_v2(pathOf(name).c_str(), &next, SQLITE_OPEN_READWRITE, nullptr) !=
            SQLITE_OK) {
            std::string why = sqlite3_errmsg(next);
            sqlite3_close(next);
            return why;
        }
        sqlite3_busy_timeout(next, 30000);
        sqlite3_exec(next, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nullptr, nullptr,
                     nullptr);
        sqlite3_close(db);
        db = next;
        database = name;
        attached.clear();
        return {};
    }
};

struct Operation {
    std::shared_ptr<Session> session;
    std::string statement;
    std::mutex mutex;
    std::condition_variable ended; // the statement left RUNNING (for long polling)
    hs2::TOperationState::type state = hs2::TOperationState::INITIALIZED_STATE;
    std::string error;
    std::string sqlState;
    bool hasResultSet = false;
    std::vector<std::string> names;
    std::vector<std::string> declared; // each column's declared type, empty for an expression
    std::vector<std::vector<Cell>> rows;
    std::vector<hs2::TTypeId::type> types; // decided once, when the rows are all there
    size_t fetched = 0;
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false}; // the worker has returned (joining it is instant)
    std::thread worker;

    void fail(std::string message, std::string code = "42000") {
        std::lock_guard<std::mutex> lock(mutex);
        if (state == hs2::TOperationState::CANCELED_STATE)
            return;
        state = hs2::TOperationState::ERROR_STATE;
        error = std::move(message);
        sqlState = std::move(code);
        ended.notify_all();
    }
};

namespace {
std::string randomBytes(size_t n) {
    static std::mutex m;
    static std::mt19937_64 rng(std::random_device{}());
    std::lock_guard<std::mutex> lock(m);
    std::string out(n, '\0');
    for (char& c : out)
        c = static_cast<char>(rng() & 0xff);
    return out;
}

hs2::TStatus ok() {
    hs2::TStatus s;
    s.statusCode = hs2::TStatusCode::SUCCESS_STATUS;
    return s;
}

hs2::TStatus error(const std::string& message, const std::string& sqlState = "HY000",
                   int code = 0) {
    hs2::TStatus s;
    s.statusCode = hs2::TStatusCode::ERROR_STATUS;
    s.__set_errorMessage(message);
    s.__set_sqlState(sqlState);
    s.__set_errorCode(code);
    return s;
}

// A handle the peer does not know (closed, or never opened), as Hive answers it.
hs2::TStatus invalidHandle(const char* which) {
    hs2::TStatus s = error(std::string("Invalid ") + which);
    s.statusCode = hs2::TStatusCode::INVALID_HANDLE_STATUS;
    return s;
}

// Asks the statement to stop: interrupts the session's connection only while this operation
// is the one on it (another operation of the session may be running there instead).
void cancelOperation(Operation& op) {
    op.cancel = true;
    Session& s = *op.session;
    std::lock_guard<std::mutex> lock(s.runningMutex);
    if (s.running == &op && s.db)
        sqlite3_interrupt(s.db);
}

// Asks a running statement to stop and waits for its thread.
void stopOperation(Operation& op) {
    cancelOperation(op);
    if (op.worker.joinable())
        op.worker.join();
}

// Marks `op` as the one on its session's connection for as long as it lives.
class Running {
public:
    explicit Running(Operation& op)
        : session_(*op.session) {
        std::lock_guard<std::mutex> lock(session_.runningMutex);
        session_.running = &op;
    }
    ~Running() {
        std::lock_guard<std::mutex> lock(session_.runningMutex);
        session_.running = nullptr;
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

private:
    Session& session_;
};

hs2::THandleIdentifier newHandle() {
    hs2::THandleIdentifier id;
    id.guid = randomBytes(16);
    id.secret = randomBytes(16);
    return id;
}

std::string sqliteFailure(sqlite3* db) {
    return "Error while compiling statement: FAILED: SemanticException " +
           std::string(sqlite3_errmsg(db));
}

// Prepares `sql` (one statement only, as Hive takes) with the literals bound.
sqlite3_stmt* prepare(sqlite3* db, const std::string& sql, const std::vector<std::string>& params,
                      std::string& problem) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail) !=
        SQLITE_OK) {
        problem = sqliteFailure(db);
        return nullptr;
    }
    if (tail && std::string(tail).find_first_not_of(" \t\r\n") != std::string::npos) {
        sqlite3_finalize(stmt);
        problem = "Error while compiling statement: FAILED: ParseException line 1:" +
                  std::to_string(tail - sql.c_str()) + " missing EOF at '" +
                  std::string(tail).substr(0, 10) + "'";
        return nullptr;
    }
    const int wanted = sqlite3_bind_parameter_count(stmt);
    for (int i = 0; i < wanted && i < static_cast<int>(params.size()); ++i)
        sqlite3_bind_text(stmt, i + 1, params[size_t(i)].data(),
                          static_cast<int>(params[size_t(i)].size()), SQLITE_TRANSIENT);
    return stmt;
}

bool exec(sqlite3* db, const char* sql, std::string& problem) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
        return true;
    problem = sqliteFailure(db);
    return false;
}

// Runs body between BEGIN IMMEDIATE and COMMIT, or ROLLBACK when it returns false.
void inTransaction(sqlite3* db, std::string& problem, const std::function<bool()>& body) {
    if (!exec(db, "BEGIN IMMEDIATE", problem))
        return;
    const bool done = body();
    std::string ignored;
    exec(db, done ? "COMMIT" : "ROLLBACK", ignored);
}

// Runs one prepared statement to its end, keeping the rows when there are columns.
bool runPrepared(sqlite3* db, sqlite3_stmt* stmt, Operation& op, std::string& problem) {
    const int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) {
        // SQLite names an expression without an alias by its text; Hive names it _c<i>.
        std::string name = sqlite3_column_name(stmt, c);
        const bool identifier = !name.empty() &&
                                !std::isdigit(static_cast<unsigned char>(name[0])) &&
                                std::all_of(name.begin(), name.end(), [](char k) {
                                    return std::isalnum(static_cast<unsigned char>(k)) || k == '_';
                                });
        op.names.push_back(identifier ? name : "_c" + std::to_string(c));
        const char* declared = sqlite3_column_decltype(stmt, c);
        op.declared.emplace_back(declared ? declared : "");
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        std::vector<Cell> row(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER:
                row[size_t(c)] = static_cast<int64_t>(sqlite3_column_int64(stmt, c));
                break;
            case SQLITE_FLOAT:
                row[size_t(c)] = sqlite3_column_double(stmt, c);
                break;
            case SQLITE_NULL:
                break;
            default:
                row[size_t(c)] =
                    std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                size_t(sqlite3_column_bytes(stmt, c)));
            }
        }
        op.rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        problem = rc == SQLITE_INTERRUPT ? std::string("canceled") : sqliteFailure(db);
        return false;
    }
    return true;
}

// A result column's Hive type: a table's column keeps the type it was declared with (STRING is
// declared TEXT in SQLite, see hivedialect.h), as Hive's metadata says what the table says
// whatever the values look like; only an expression's type is told from its values, as
// Hive's type inference would make it (integers BIGINT, reals DOUBLE, anything else STRING).
hs2::TTypeId::type typeOf(const std::string& declared, const std::vector<std::vector<Cell>>& rows,
                          size_t c) {
    std::string d;
    for (const char k : declared)
        d += static_cast<char>(std::toupper(static_cast<unsigned char>(k)));
    d = d.substr(0, d.find('('));
    if (d == "TEXT" || d == "STRING")
        return hs2::TTypeId::STRING_TYPE;
    if (d == "VARCHAR")
        return hs2::TTypeId::VARCHAR_TYPE;
    if (d == "CHAR")
        return hs2::TTypeId::CHAR_TYPE;
    if (d == "BIGINT")
        return hs2::TTypeId::BIGINT_TYPE;
    if (d == "INT" || d == "INTEGER")
        return hs2::TTypeId::INT_TYPE;
    if (d == "SMALLINT")
        return hs2::TTypeId::SMALLINT_TYPE;
    if (d == "TINYINT")
        return hs2::TTypeId::TINYINT_TYPE;
    if (d == "BOOLEAN")
        return hs2::TTypeId::BOOLEAN_TYPE;
    if (d == "DOUBLE")
        return hs2::TTypeId::DOUBLE_TYPE;
    if (d == "FLOAT")
        return hs2::TTypeId::FLOAT_TYPE;
    if (!d.empty())
        return hs2::TTypeId::STRING_TYPE;
    bool sawInt = false, sawDouble = false, sawText = false;
    for (const auto& row : rows) {
        sawInt |= std::holds_alternative<int64_t>(row[c]);
        sawDouble |= std::holds_alternative<double>(row[c]);
        sawText |= std::holds_alternative<std::string>(row[c]);
    }
    if (sawText || (!sawInt && !sawDouble))
        return hs2::TTypeId::STRING_TYPE;
    return sawDouble ? hs2::TTypeId::DOUBLE_TYPE : hs2::TTypeId::BIGINT_TYPE;
}

// The session settings the peer has, as `SET key` shows them and ${hiveconf:key} reads them.
std::vector<std::pair<std::string, std::string>> settingsOf(const PeerOptions& options) {
    const char* strict = options.strictChecks ? "true" : "false";
    return {{"hive.txn.manager", std::string("org.apache.hadoop.hive.ql.lockmgr.") +
                                     (options.acid ? "DbTxnManager" : "DummyTxnManager")},
            {"hive.support.concurrency", options.acid ? "true" : "false"},
            {"hive.strict.checks.orderby.no.limit", strict},
            {"hive.strict.checks.cartesian.product", strict},
            {"hive.variable.substitute", "true"}};
}

void execute(Operation& op, const PeerOptions& options) {
    const bool slow =
        options.delayOnly.empty() || op.statement.find(options.delayOnly) != std::string::npos;
    for (int waited = 0; slow && waited < options.statementDelayMs; ++waited) {
        if (op.cancel)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const Translation t = translateHiveQl(op.statement, options.acid, options.strictChecks);
    if (!t.error.empty())
        return op.fail(t.error, t.sqlState);
    Session& s = *op.session;
    std::lock_guard<std::mutex> lock(s.mutex);
    const Running running(op); // before the check: a cancel from now on interrupts it
    if (op.cancel)             // canceled or closed while another statement of the session ran
        return;
    s.attachNamedDatabases(t.sql);
    std::string problem;
    switch (t.kind) {
    case Translation::Kind::Use:
        problem = s.use(t.name);
        break;
    case Translation::Kind::CreateDatabase:
        if (std::filesystem::exists(s.pathOf(t.name))) {
            if (!t.ifNotExists)
                problem = "Error while processing statement: FAILED: Execution Error, return "
                          "code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. Database " +
                          t.name + " already exists";
        } else {
            sqlite3* db = nullptr;
            sqlite3_open(s.pathOf(t.name).c_str(), &db);
            sqlite3_close(db);
        }
        break;
    case Translation::Kind::Overwrite:
        // Hive replaces the table's files; here the rows go in one transaction.
        inTransaction(s.db, problem, [&] {
            sqlite3_stmt* stmt =
                prepare(s.db, "CREATE TEMP TABLE hs2peer_overwrite AS " + t.sql, t.params, problem);
            Operation scratch;
            const bool copied =
                stmt && runPrepared(s.db, stmt, scratch, problem) &&
                exec(s.db, ("DELETE FROM `" + t.name + "`").c_str(), problem) &&
                exec(s.db, ("INSERT INTO `" + t.name + "` SELECT * FROM hs2peer_overwrite").c_str(),
                     problem);
            std::string ignored;
            exec(s.db, "DROP TABLE IF EXISTS temp.hs2peer_overwrite", ignored);
            return copied;
        });
        break;
    case Translation::Kind::Set: {
        // What `SET key` answers on Hive: one row, "key=value".
        std::string value = t.name + " is undefined";
        for (const auto& [key, setting] : settingsOf(options))
            if (key == t.name)
                value = key + '=' + setting;
        op.names = {"set"};
        op.rows = {{Cell{value}}};
        break;
    }
    case Translation::Kind::CreateTable:
        if (sqlite3_stmt* stmt = prepare(s.db, t.sql, t.params, problem))
            runPrepared(s.db, stmt, op, problem);
        for (size_t i = 0; i < t.after.size() && problem.empty(); ++i)
            exec(s.db, t.after[i].c_str(), problem);
        if (problem.empty() && t.transactional)
            s.markTransactional(t.name);
        break;
    case Translation::Kind::Merge:
        if (!s.isTransactional(t.name)) {
            problem = "Error while compiling statement: FAILED: SemanticException [Error 10297]: "
                      "Attempt to do update or delete on table " +
                      s.database + '.' + t.name + " that is not transactional";
            break;
        }
        // Hive's MERGE is one transaction on an ACID table; here its two halves are one too.
        inTransaction(s.db, problem, [&] {
            for (const std::string& sql : t.merge)
                if (!exec(s.db, sql.c_str(), problem))
                    return false;
            return true;
        });
        break;
    case Translation::Kind::Query:
    case Translation::Kind::Statement:
        if (sqlite3_stmt* stmt = prepare(s.db, t.sql, t.params, problem))
            runPrepared(s.db, stmt, op, problem);
        for (size_t i = 0; i < t.after.size() && problem.empty(); ++i)
            exec(s.db, t.after[i].c_str(), problem);
        break;
    }
    if (op.cancel)
        return;
    if (!problem.empty())
        return op.fail(problem,
                       problem.rfind("Error while processing", 0) == 0 ? "08S01" : "42000");
    std::lock_guard<std::mutex> done(op.mutex);
    for (size_t c = 0; c < op.names.size(); ++c)
        op.types.push_back(
            typeOf(c < op.declared.size() ? op.declared[c] : std::string(), op.rows, c));
    op.state = hs2::TOperationState::FINISHED_STATE;
    op.ended.notify_all();
}

// A value as a STRING column carries it. A real is written as its shortest round-trip form
// ("1.5", not printf's "1.500000").
std::string textOf(const Cell& cell) {
    if (const auto* s = std::get_if<std::string>(&cell))
        return *s;
    if (const auto* i = std::get_if<int64_t>(&cell))
        return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&cell)) {
        char buffer[32];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, *d).ptr;
        return std::string(buffer, end);
    }
    return {};
}

// A value as a numeric column carries it; nullopt (sent as NULL) for what is no number, as
// Hive reads a value its column's type cannot hold.
std::optional<int64_t> integerOf(const Cell& cell) {
    if (const auto* i = std::get_if<int64_t>(&cell))
        return *i;
    if (const auto* d = std::get_if<double>(&cell))
        return static_cast<int64_t>(*d);
    return std::nullopt;
}

std::optional<double> realOf(const Cell& cell) {
    if (const auto* d = std::get_if<double>(&cell))
        return *d;
    if (const auto* i = std::get_if<int64_t>(&cell))
        return static_cast<double>(*i);
    return std::nullopt;
}

// Bit i of the null map says row i is null; Hive sends at least one byte.
void markNull(std::string& bits, size_t i) {
    if (bits.size() <= i / 8)
        bits.resize(i / 8 + 1, '\0');
    bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
}

// Rows from..from+n of column c in the union member Hive uses for `type`, each value converted
// by `convert` (nullopt: NULL, a placeholder in the values).
template <class Typed, class Convert>
Typed typedColumn(const std::vector<std::vector<Cell>>& rows, size_t c, size_t from, size_t n,
                  Convert convert) {
    Typed col;
    col.nulls = std::string(1, '\0');
    for (size_t i = 0; i < n; ++i) {
        const auto value = convert(rows[from + i][c]);
        if (!value)
            markNull(col.nulls, i);
        using Value = typename decltype(col.values)::value_type;
        col.values.push_back(value ? static_cast<Value>(*value) : Value{});
    }
    return col;
}

hs2::TColumn column(const std::vector<std::vector<Cell>>& rows, size_t c, size_t from, size_t n,
                    hs2::TTypeId::type type) {
    hs2::TColumn out;
    switch (type) {
    case hs2::TTypeId::BIGINT_TYPE:
        out.__set_i64Val(typedColumn<hs2::TI64Column>(rows, c, from, n, integerOf));
        break;
    case hs2::TTypeId::INT_TYPE:
        out.__set_i32Val(typedColumn<hs2::TI32Column>(rows, c, from, n, integerOf));
        break;
    case hs2::TTypeId::SMALLINT_TYPE:
        out.__set_i16Val(typedColumn<hs2::TI16Column>(rows, c, from, n, integerOf));
        break;
    case hs2::TTypeId::TINYINT_TYPE:
        out.__set_byteVal(typedColumn<hs2::TByteColumn>(rows, c, from, n, integerOf));
        break;
    case hs2::TTypeId::BOOLEAN_TYPE:
        out.__set_boolVal(typedColumn<hs2::TBoolColumn>(rows, c, from, n, [](const Cell& v) {
            const std::optional<int64_t> i = integerOf(v);
            return i ? std::optional<bool>(*i != 0) : std::nullopt;
        }));
        break;
    case hs2::TTypeId::DOUBLE_TYPE:
    case hs2::TTypeId::FLOAT_TYPE:
        out.__set_doubleVal(typedColumn<hs2::TDoubleColumn>(rows, c, from, n, realOf));
        break;
    default:
        out.__set_stringVal(typedColumn<hs2::TStringColumn>(rows, c, from, n, [](const Cell& v) {
            return std::holds_alternative<std::monostate>(v) ? std::nullopt
                                                             : std::optional(textOf(v));
        }));
    }
    return out;
}
} // namespace

PeerService::PeerService(PeerOptions options)
    : options_(std::move(options)) {
    sqlite3* db = nullptr;
    sqlite3_open((options_.folder + "/default.db").c_str(), &db);
    sqlite3_close(db);
}

PeerService::~PeerService() {
    for (auto& [id, op] : operations_)
        stopOperation(*op);
    for (auto& op : closing_)
        stopOperation(*op);
}

std::shared_ptr<Session> PeerService::session(const hs2::TSessionHandle& handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = sessions_.find(handle.sessionId.guid);
    return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<Operation> PeerService::operation(const hs2::TOperationHandle& handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = operations_.find(handle.operationId.guid);
    return it == operations_.end() ? nullptr : it->second;
}

void PeerService::OpenSession(hs2::TOpenSessionResp& out, const hs2::TOpenSessionReq& req) {
    // Hive answers with the older of the two versions (ThriftCLIService.getMinVersion).
    const int version = std::min<int>(req.client_protocol, options_.protocol);
    out.serverProtocolVersion = static_cast<hs2::TProtocolVersion::type>(version);
    if (version < hs2::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V6) {
        out.status =
            error("the test peer serves columnar results only (protocol V6 and later)", "08004");
        return;
    }
    auto s = std::make_shared<Session>();
    s->folder = options_.folder;
    s->protocol = version;
    if (const std::string problem = s->use("default"); !problem.empty()) {
        out.status = error(problem, "08004");
        return;
    }
    hs2::TSessionHandle handle;
    handle.sessionId = newHandle();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        sessions_[handle.sessionId.guid] = s;
    }
    out.status = ok();
    out.__set_sessionHandle(handle);
}

void PeerService::CloseSession(hs2::TCloseSessionResp& out, const hs2::TCloseSessionReq& req) {
    std::vector<std::shared_ptr<Operation>> orphans;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = sessions_.find(req.sessionHandle.sessionId.guid);
        if (it == sessions_.end()) {
            out.status = invalidHandle("SessionHandle");
            return;
        }
        for (auto op = operations_.begin(); op != operations_.end();) {
            if (op->second->session == it->second) {
                orphans.push_back(op->second);
                op = operations_.erase(op);
            } else {
                ++op;
            }
        }
        sessions_.erase(it);
    }
    for (const auto& op : orphans)
        stopOperation(*op);
    out.status = ok();
}

void PeerService::ExecuteStatement(hs2::TExecuteStatementResp& out,
                                   const hs2::TExecuteStatementReq& req) {
    const std::shared_ptr<Session> s = session(req.sessionHandle);
    if (!s) {
        out.status = invalidHandle("SessionHandle");
        return;
    }
    ++statements_;
    auto op = std::make_shared<Operation>();
    op->session = s;
    // As HiveServer2 does before it parses: ${…} anywhere, inside string literals too.
    op->statement = substituteHiveVariables(req.statement, settingsOf(options_));
    const Translation t = translateHiveQl(op->statement, options_.acid, options_.strictChecks);
    op->hasResultSet =
        t.error.empty() && (t.kind == Translation::Kind::Query || t.kind == Translation::Kind::Set);
    hs2::TOperationHandle handle;
    handle.operationId = newHandle();
    handle.operationType = hs2::TOperationType::EXECUTE_STATEMENT;
    handle.hasResultSet = op->hasResultSet;
    if (req.runAsync) {
        op->state = hs2::TOperationState::RUNNING_STATE;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            operations_[handle.operationId.guid] = op;
        }
        op->worker = std::thread([op, this] {
            execute(*op, options_);
            op->done = true;
        });
    } else {
        // A blocking call: errors come back in the reply, as from Hive.
        execute(*op, options_);
        if (op->state == hs2::TOperationState::ERROR_STATE) {
            out.status = error(op->error, op->sqlState, 40000);
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        operations_[handle.operationId.guid] = op;
    }
    out.status = ok();
    out.__set_operationHandle(handle);
}

void PeerService::GetOperationStatus(hs2::TGetOperationStatusResp& out,
                                     const hs2::TGetOperationStatusReq& req) {
    const std::shared_ptr<Operation> op = operation(req.operationHandle);
    if (!op) {
        out.status = invalidHandle("OperationHandle");
        return;
    }
    // Long polling, as HiveServer2 does (hive.server2.long.polling.timeout): the answer waits
    // for the statement to end, up to a limit, so a client learns of it without sleeping.
    std::unique_lock<std::mutex> lock(op->mutex);
    op->ended.wait_for(lock, std::chrono::milliseconds(options_.longPollMs),
                       [&] { return op->state != hs2::TOperationState::RUNNING_STATE; });
    out.status = ok();
    out.__set_operationState(op->state);
    if (!options_.unknownState.empty() &&
        op->statement.find(options_.unknownState) != std::string::npos)
        out.__set_operationState(hs2::TOperationState::UKNOWN_STATE);
    out.__set_hasResultSet(op->hasResultSet);
    if (op->state == hs2::TOperationState::ERROR_STATE) {
        out.__set_errorMessage(op->error);
        out.__set_sqlState(op->sqlState);
        out.__set_errorCode(40000);
    }
}

void PeerService::CancelOperation(hs2::TCancelOperationResp& out,
                                  const hs2::TCancelOperationReq& req) {
    const std::shared_ptr<Operation> op = operation(req.operationHandle);
    if (!op) {
        out.status = invalidHandle("OperationHandle");
        return;
    }
    {
        std::lock_guard<std::mutex> lock(op->mutex);
        if (op->state == hs2::TOperationState::RUNNING_STATE ||
            op->state == hs2::TOperationState::INITIALIZED_STATE)
            op->state = hs2::TOperationState::CANCELED_STATE;
        op->ended.notify_all();
    }
    cancelOperation(*op);
    out.status = ok();
}

void PeerService::CloseOperation(hs2::TCloseOperationResp& out,
                                 const hs2::TCloseOperationReq& req) {
    std::shared_ptr<Operation> op;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = operations_.find(req.operationHandle.operationId.guid);
        if (it != operations_.end()) {
            op = it->second;
            operations_.erase(it);
        }
    }
    if (!op) {
        out.status = invalidHandle("OperationHandle");
        return;
    }
    // As Hive: closing a running statement cancels it, and the call returns without waiting
    // for it to wind down (its thread is joined later).
    {
        std::lock_guard<std::mutex> lock(op->mutex);
        if (op->state == hs2::TOperationState::RUNNING_STATE ||
            op->state == hs2::TOperationState::INITIALIZED_STATE)
            op->state = hs2::TOperationState::CANCELED_STATE;
        op->ended.notify_all();
    }
    cancelOperation(*op);
    std::lock_guard<std::mutex> lock(mutex_);
    closing_.push_back(op);
    reapClosed();
    out.status = ok();
}

void PeerService::reapClosed() {
    for (auto it = closing_.begin(); it != closing_.end();) {
        if ((*it)->done) {
            if ((*it)->worker.joinable())
                (*it)->worker.join();
            it = closing_.erase(it);
        } else {
            ++it;
        }
    }
}

void PeerService::GetResultSetMetadata(hs2::TGetResultSetMetadataResp& out,
                                       const hs2::TGetResultSetMetadataReq& req) {
    const std::shared_ptr<Operation> op = operation(req.operationHandle);
    if (!op || !op->hasResultSet) {
        out.status = error(op ? "The operation has no result set" : "Invalid OperationHandle");
        return;
    }
    std::lock_guard<std::mutex> lock(op->mutex);
    if (op->state != hs2::TOperationState::FINISHED_STATE) {
        out.status = error("Expected state FINISHED, but found " + std::to_string(op->state));
        return;
    }
    hs2::TTableSchema schema;
    for (size_t c = 0; c < op->names.size(); ++c) {
        hs2::TColumnDesc desc;
        desc.columnName = op->names[c];
        hs2::TTypeEntry entry;
        hs2::TPrimitiveTypeEntry primitive;
        primitive.type = op->types[c];
        entry.__set_primitiveEntry(primitive);
        desc.typeDesc.types.push_back(entry);
        desc.position = static_cast<int32_t>(c + 1);
        schema.columns.push_back(desc);
    }
    out.status = ok();
    out.__set_schema(schema);
}

void PeerService::FetchResults(hs2::TFetchResultsResp& out, const hs2::TFetchResultsReq& req) {
    const std::shared_ptr<Operation> op = operation(req.operationHandle);
    if (!op) {
        out.status = invalidHandle("OperationHandle");
        return;
    }
    std::lock_guard<std::mutex> lock(op->mutex);
    if (!op->hasResultSet) {
        out.status = error("The operation has no result set");
        return;
    }
    if (op->state != hs2::TOperationState::FINISHED_STATE) {
        out.status = error("Expected state FINISHED, but found " + std::to_string(op->state));
        return;
    }
    // FETCH_FIRST starts the results again, as Hive's SQLOperation does (hive-driver's first
    // fetch is one); the other orientations Hive refuses too.
    if ((req.orientation != hs2::TFetchOrientation::FETCH_NEXT &&
         req.orientation != hs2::TFetchOrientation::FETCH_FIRST) ||
        req.maxRows <= 0) {
        out.status = error("the test peer fetches FETCH_NEXT or FETCH_FIRST with maxRows > 0 only");
        return;
    }
    if (req.orientation == hs2::TFetchOrientation::FETCH_FIRST)
        op->fetched = 0;
    const size_t from = op->fetched;
    const size_t n = std::min(op->rows.size() - from, static_cast<size_t>(req.maxRows));
    hs2::TRowSet set;
    set.startRowOffset = static_cast<int64_t>(from);
    std::vector<hs2::TColumn> columns;
    for (size_t c = 0; c < op->names.size(); ++c)
        columns.push_back(column(op->rows, c, from, n, op->types[c]));
    if (options_.binaryColumns) {
        // Hive's ThriftJDBCBinarySerDe: the columns written one after the other with the
        // compact protocol; `columns` stays empty.
        auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
        apache::thrift::protocol::TCompactProtocol protocol(buffer);
        for (const hs2::TColumn& column : columns)
            column.write(&protocol);
        set.__set_binaryColumns(buffer->getBufferAsString());
        set.__set_columnCount(static_cast<int32_t>(columns.size()));
    } else {
        set.__set_columns(columns);
    }
    op->fetched += n;
    out.status = ok();
    out.__set_hasMoreRows(false); // as Hive: clients read until an empty batch
    out.__set_results(set);
}

} // namespace hs2peer
